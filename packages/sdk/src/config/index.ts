export { ALERT_OUTCOMES, type AlertOutcome, type AlertsSpec, alertsOf, type WebhookSpec } from "./alerts.js";
export { describeSeconds, durationSeconds } from "./duration.js";
export { type ImageReference, parseImageReference } from "./image-reference.js";
export { jobNamed } from "./job-named.js";
export { CONFIG_SCHEMA_URL, configJsonSchema, renderConfigJsonSchema } from "./json-schema.js";
// load.js is public as it stands: the root index.ts lists its names, this barrel takes it whole.
export * from "./load.js";
export { type Locate, type ParseConfigOptions, parseConfig } from "./parse.js";
export {
  type FlexjobConfig,
  type FlexjobConfigInput,
  flexjobConfigSchema,
  type HealthCheckSpec,
  type JobSpec,
  LOG_RETENTION_DAYS,
  type LogRetentionDays,
  type NetworkSpec,
  type RetrySpec,
  type SourceSpec,
} from "./schema.js";
export { isSecretConfigValue, redactConfigValue, secretsInConfig } from "./secret-fields.js";
export { splitCommand } from "./shell-words.js";
export { starterConfig } from "./starter.js";
