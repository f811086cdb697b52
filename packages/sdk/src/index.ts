/**
 * @flexjob/sdk — typed, idempotent functions to build, size and schedule container jobs on AWS
 * Fargate. The CLI and the GitHub Action are thin faces over these.
 */
export { accountIdOf } from "./aws/account.js";
export { type AwsClients, type ClientOptions, createClients } from "./aws/clients.js";
export { boundaryPolicy } from "./aws/permissions-boundary.js";
export * from "./build/index.js";
export * from "./bulk/index.js";
export * from "./config/index.js";
export {
  type DeployedJob,
  type DeployOptions,
  type DeployResult,
  deploy,
  type ImageContext,
  type ImageResolver,
  plan,
  planOffline,
  type ResolvedImage,
  registryImage,
} from "./deploy/deploy.js";
export { type DestroyOptions, type DestroyResult, destroy } from "./deploy/destroy.js";
export { type DeployPolicyOptions, deployPolicy, runPolicy } from "./deploy/iam-policy.js";
export { type JobRunsOptions, jobNextRuns, type ScheduleTiming } from "./deploy/job-runs.js";
export { followLogs, type LogLine, type LogsOptions, logs } from "./deploy/logs.js";
export type { PlanOptions } from "./deploy/plan.js";
export type { DesiredState, ResolvedNetwork } from "./deploy/render.js";
export { type RunNowOptions, type RunNowResult, runFailure, runNow, type TaskRun } from "./deploy/run-now.js";
export { type JobStatus, status } from "./deploy/status.js";
export {
  type FieldChange,
  type Plan,
  type PlanAction,
  type PlanStep,
  planIsNoop,
  type ResourceKind,
} from "./deploy/types.js";
export { type Deps, type Logger, realSleep, silentLogger } from "./deps.js";
export type { DiscoveryClients, DiscoveryDeps } from "./discovery/deps.js";
export {
  deregisterInstance,
  type EnsuredResource,
  type EnsureNamespaceInput,
  type EnsureServiceInput,
  ensureNamespace,
  ensureService,
  type InstanceInput,
  registerInstance,
} from "./discovery/ensure.js";
export * from "./errors.js";
export * from "./naming.js";
export * from "./schedule/index.js";
export {
  looksSecret,
  looksSecretValue,
  REDACTED,
  redactPlan,
  redactSecretData,
  redactSecretText,
  secretsInText,
} from "./secret-values.js";
export * from "./sizing/index.js";
