/**
 * @flexjob/sdk/record — the deploy record without the deploy engine: what the last complete
 * deploy applied, read with one Parameter Store call. The GitHub Action reads it first and skips an
 * unchanged redeploy; nothing here builds the config schema or loads a client besides SSM's.
 *
 * ```ts
 * import { createClients, readDeployRecord } from "@flexjob/sdk/record";
 * const record = await readDeployRecord(createClients({ region: "eu-west-1" }), "billing");
 * console.log(record?.at, record?.jobs.map((job) => job.taskDefinitionArn));
 * ```
 */

export {
  type AwsClients,
  type AwsService,
  type ClientOptions,
  createClients,
  loadClients,
} from "./aws/clients.js";
export { CONFIG_FILE_NAMES, type ConfigFile, readConfigFile } from "./config/read-file.js";
export { secretsInConfig } from "./config/secret-fields.js";
export {
  clearDeployRecord,
  type DeployedState,
  type DeployRecord,
  decodeDeployRecord,
  deployRecordName,
  deployRecordOf,
  encodeDeployRecord,
  type RecordedJob,
  type RecordedRun,
  readDeployRecord,
  writeDeployRecord,
} from "./deploy/deploy-record.js";
export { type JobRunsOptions, jobNextRuns, type ScheduleTiming } from "./deploy/job-runs.js";
export * from "./public-errors.js";
export { looksSecret, redactSecretText, secretsInText } from "./secret-values.js";
