/**
 * @flexjob/sdk — typed, idempotent functions to build, size and schedule container jobs on AWS
 * Fargate. The CLI and the GitHub Action are thin faces over these.
 *
 * This is the chosen public surface: what the CLI and the Action import, and the documented entry
 * points. Everything else stays internal so it can change without a major version; api/sdk.api.md
 * records the surface and `npm run check` fails when it changes without that report.
 */

export { accountIdOf } from "./aws/account.js";
// The clients (createClients, loadClients, their types) come with the record entry, below.
export type { DiscoveryClients } from "./aws/clients.js";
export type { DnsRecordSpec } from "./aws/discovery-service.js";
export { boundaryPolicy } from "./aws/permissions-boundary.js";
export type { PolicyDocument, PolicyStatement } from "./aws/policy.js";
export type { BulkSchedule } from "./bulk/entries.js";
export { loadBulkScheduleFile } from "./bulk/load.js";
export {
  type BulkScheduleListing,
  type BulkSyncOptions,
  type BulkSyncResult,
  deleteBulkSchedules,
  listBulkSchedules,
  syncBulkSchedules,
} from "./bulk/sync.js";
export { dashboardConsoleUrl, logGroupConsoleUrl } from "./console-links.js";
export { BACKFILL_MAX_RUNS, type BackfillOptions, type BackfillResult, backfill } from "./deploy/backfill.js";
export {
  type DeployedJob,
  type DeployOptions,
  type DeployResult,
  deploy,
  plan,
  planOffline,
} from "./deploy/deploy.js";
export { type DestroyOptions, type DestroyResult, destroy } from "./deploy/destroy.js";
export type { PlanOptions } from "./deploy/engine.js";
export { type DeployPolicyOptions, deployPolicy, runPolicy } from "./deploy/iam-policy.js";
export type { ImageContext, ImageResolver, ResolvedImage } from "./deploy/image-resolver.js";
export { followLogs, type LogLine, type LogsOptions, logs, logsElsewhere } from "./deploy/logs.js";
export { ACTION_SYMBOL, changeLines, countLine, type PlanTextOptions, planText } from "./deploy/plan-text.js";
export { recordableConfig } from "./deploy/recordable.js";
export type { Plan, ResourceKind } from "./deploy/registry.js";
export { type RunNowOptions, type RunNowResult, runFailure, runNow, type TaskRun } from "./deploy/run-now.js";
export { RUN_OUTCOMES, type RunSummary, summariseRuns } from "./deploy/run-summary.js";
export { type JobRun, type RunOutcome, type RunsOptions, type RunTask, runs } from "./deploy/runs.js";
export { type JobStatus, status } from "./deploy/status.js";
export { type Deps, type Logger, realSleep, silentLogger } from "./deps.js";
export type { DiscoveryDeps } from "./discovery/deps.js";
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
export * from "./entry-config.js";
export * from "./entry-record.js";
export * from "./entry-schedule.js";
export type { DockerCommand, DockerRunner } from "./image/docker.js";
export type { BuildPlan, BuildProvider } from "./image/plan.js";
export {
  type BuildResolverOptions,
  buildImageResolver,
  type FolderBuildOptions,
  type PreparedBuild,
  prepareBuild,
  prepareFolderBuild,
} from "./image/resolve-image.js";
export {
  type CopilotJobLive,
  type CopilotRule,
  type CopilotStateMachine,
  findCopilotJob,
  resolveCopilotSecret,
} from "./import/copilot/aws.js";
export {
  type CopilotImport,
  type CopilotSecretRef,
  type ImportEntry,
  type ImportOptions,
  importCopilot,
  type PendingSecret,
} from "./import/copilot/index.js";
export { names } from "./naming.js";
export { type FieldChange, type PlanAction, type PlanOf, type PlanStep, planIsNoop } from "./plan/types.js";
export * from "./public-errors.js";
export {
  looksSecret,
  redactPlan,
  redactSecretData,
  redactSecretText,
  secretsInText,
} from "./secret-values.js";
