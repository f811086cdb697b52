/**
 * @flexjob/sdk/config — read and check flexjob.yml without the deploy engine: load, parse,
 * validate, the config's types, the starter file, and the helpers that keep secrets out of what
 * is printed. Nothing here imports an AWS client (`flexjob validate` and `init` run on it alone).
 *
 * ```ts
 * import { loadConfig } from "@flexjob/sdk/config";
 * const { config, warnings } = await loadConfig(undefined, { cwd: "examples/hello" });
 * ```
 */

export { ALERT_OUTCOMES, type AlertOutcome, type AlertsSpec, type WebhookSpec } from "./config/alerts.js";
export { durationSeconds } from "./config/duration.js";
export { jobNamed } from "./config/job-named.js";
export {
  CONFIG_FILE_NAMES,
  type ConfigFile,
  type LoadConfigOptions,
  loadConfig,
  parseConfigText,
  readConfigFile,
} from "./config/load.js";
export type { LogDestination } from "./config/logs.js";
export { type Locate, type ParseConfigOptions, parseConfig } from "./config/parse.js";
export {
  type FlexjobConfig,
  type FlexjobConfigInput,
  type FlexjobConfigOutput,
  flexjobConfigSchema,
  type HealthCheckSpec,
  type JobSpec,
  type LogRetentionDays,
  type NetworkSpec,
  type RetrySpec,
  type SourceSpec,
} from "./config/schema.js";
export { secretsInConfig } from "./config/secret-fields.js";
export { starterConfig } from "./config/starter.js";
export * from "./public-errors.js";
export type { Schedule, ScheduleKind } from "./schedule/index.js";
export {
  looksSecret,
  redactSecretData,
  redactSecretText,
  secretsInText,
} from "./secret-values.js";
export {
  ARCHITECTURES,
  type Architecture,
  type CpuArchitecture,
  type FargateCapacityProvider,
} from "./sizing/architecture.js";
export { formatMemory, type ResolvedSize } from "./sizing/parse.js";
