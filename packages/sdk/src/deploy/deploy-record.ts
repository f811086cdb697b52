import { awsErrorName } from "../aws/aws-error.js";
import { type AwsClients, loadSdk } from "../aws/clients.js";
import type { Logger } from "../deps.js";
import { wallTimeAt } from "../schedule/wall-clock.js";
import { jobNextRuns, type ScheduleTiming } from "./job-runs.js";

/**
 * The deploy record: one SSM String parameter per app saying which inputs the last complete
 * deploy applied and what it left behind. A caller that hashes its inputs the same way can skip an
 * unchanged redeploy with one read, as CloudFormation skips a stack update whose template did not
 * change. Every apply and destroy clears it before its first change, so a record never describes
 * a state that a later deploy has started to change.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */
export interface DeployRecord {
  /** What the writer's inputs hash to; only the writer knows what went in. */
  key: string;
  /** When it was written, ISO-8601 UTC. */
  at: string;
  /** What deployed it, e.g. a commit and a workflow run. */
  source?: string;
  app: string;
  region: string;
  accountId: string;
  jobs: RecordedJob[];
  dashboardUrl?: string;
}

/** What a deploy left of one job: enough to answer its outputs and list its next runs. */
export interface RecordedJob {
  name: string;
  image: string;
  taskDefinitionArn?: string;
  scheduleArns: string[];
  /** Undefined for a disabled job, which has no next run. */
  timing?: ScheduleTiming;
  /**
   * Its next runs when the record was written, so a reader lists the ones still ahead without
   * computing time zones (whose first use costs Node tens of milliseconds).
   */
  nextRuns?: RecordedRun[];
}

/** A run: its instant, and the wall time in the job's zone it happens at (`2026-12-08 03:30`). */
export interface RecordedRun {
  at: string;
  local: string;
}

/** How many next runs a record keeps of each job: a daily job's last a week. */
const RECORDED_RUNS = 7;

/** Parameter Store's limit for a standard parameter's value. */
const STANDARD_VALUE_LIMIT = 4096;
const GZIP_PREFIX = "gzip:";

/** node:zlib only for a record past 4 KB: importing it costs every deploy (and plan --offline) 5 ms. */
const zlib = () => process.getBuiltinModule("node:zlib");
const FORMAT = 1;

/**
 * `/flexjob/<app>/last-deploy`: under the app's own path, which the deploy policy grants.
 * @example
 * deployRecordName("billing"); // "/flexjob/billing/last-deploy"
 */
export function deployRecordName(app: string): string {
  return `/flexjob/${app}/last-deploy`;
}

/** What {@link deployRecordOf} reads of a deploy's result: a `DeployResult` is one. */
export interface DeployedState {
  plan: { app: string; region: string; accountId: string };
  jobs: readonly {
    name: string;
    image: string;
    taskDefinitionArn?: string | undefined;
    scheduleArns: string[];
    timing?: ScheduleTiming | undefined;
  }[];
  dashboardUrl?: string | undefined;
}

/**
 * The record a finished deploy leaves: its jobs' images and ARNs, and each schedule's timing so a
 * reader lists next runs without reading the schedule.
 * @example
 * const record = deployRecordOf(await deploy(config, {}, deps), { key, at: new Date(), source: "commit 0123abc" });
 */
export function deployRecordOf(
  result: DeployedState,
  meta: { key: string; at: Date; source?: string },
): DeployRecord {
  return {
    key: meta.key,
    at: meta.at.toISOString().replace(/\.\d{3}Z$/, "Z"),
    ...(meta.source === undefined ? {} : { source: meta.source }),
    app: result.plan.app,
    region: result.plan.region,
    accountId: result.plan.accountId,
    jobs: result.jobs.map((job) => ({
      name: job.name,
      image: job.image,
      ...(job.taskDefinitionArn === undefined ? {} : { taskDefinitionArn: job.taskDefinitionArn }),
      scheduleArns: job.scheduleArns,
      ...(job.timing === undefined ? {} : { timing: job.timing, nextRuns: runsOf(job.timing, meta.at) }),
    })),
    ...(result.dashboardUrl === undefined ? {} : { dashboardUrl: result.dashboardUrl }),
  };
}

function runsOf(timing: ScheduleTiming, from: Date): RecordedRun[] {
  return jobNextRuns(timing, { from, count: RECORDED_RUNS }).map((at) => {
    const wall = wallTimeAt(Date.parse(at), timing.timezone);
    const two = (value: number) => String(value).padStart(2, "0");
    const local = `${wall.year}-${two(wall.month)}-${two(wall.day)} ${two(wall.hour)}:${two(wall.minute)}`;
    return { at, local };
  });
}

/**
 * The record as the parameter holds it: JSON, gzipped when it would not fit; undefined when even that does not fit.
 * @example
 * const value = encodeDeployRecord(record); // '{"format":1,"key":"…",…}', or "gzip:H4sI…" past 4 KB
 */
export function encodeDeployRecord(record: DeployRecord): string | undefined {
  const json = JSON.stringify({ format: FORMAT, ...record });
  if (json.length <= STANDARD_VALUE_LIMIT) return json;
  const packed = GZIP_PREFIX + zlib().gzipSync(json).toString("base64");
  return packed.length <= STANDARD_VALUE_LIMIT ? packed : undefined;
}

/**
 * The record a parameter value holds, or undefined for anything else (another format, a hand edit).
 * @example
 * decodeDeployRecord(encodeDeployRecord(record) ?? ""); // the record again
 */
export function decodeDeployRecord(value: string): DeployRecord | undefined {
  let parsed: unknown;
  try {
    const json = value.startsWith(GZIP_PREFIX)
      ? zlib()
          .gunzipSync(Buffer.from(value.slice(GZIP_PREFIX.length), "base64"))
          .toString("utf8")
      : value;
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isDeployRecord(parsed)) return undefined;
  const { format: _format, ...record } = parsed;
  return record;
}

function isDeployRecord(value: unknown): value is DeployRecord & { format: number } {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.format === FORMAT &&
    typeof record.key === "string" &&
    typeof record.at === "string" &&
    typeof record.app === "string" &&
    typeof record.region === "string" &&
    typeof record.accountId === "string" &&
    Array.isArray(record.jobs) &&
    record.jobs.every(
      (job: unknown) =>
        typeof job === "object" &&
        job !== null &&
        typeof (job as RecordedJob).name === "string" &&
        typeof (job as RecordedJob).image === "string" &&
        Array.isArray((job as RecordedJob).scheduleArns),
    )
  );
}

/**
 * The app's deploy record, or undefined when there is none (or not one this version reads).
 * Errors other than "not found" (a role without ssm:GetParameter, say) are the caller's.
 * @example
 * const record = await readDeployRecord(clients, "billing");
 * if (record?.key === myKey) console.log(`unchanged since ${record.at}`);
 */
export async function readDeployRecord(clients: AwsClients, app: string): Promise<DeployRecord | undefined> {
  const { GetParameterCommand } = await loadSdk(clients, "ssm");
  try {
    const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: deployRecordName(app) }));
    return Parameter?.Value === undefined ? undefined : decodeDeployRecord(Parameter.Value);
  } catch (error) {
    if (awsErrorName(error) === "ParameterNotFound") return undefined;
    throw error;
  }
}

/**
 * Writes the app's deploy record (a standard-tier String parameter, overwritten); false when it is
 * too large for one, in which case any older record is cleared instead.
 * @example
 * await writeDeployRecord(clients, "billing", deployRecordOf(result, { key, at: new Date() }));
 */
export async function writeDeployRecord(
  clients: AwsClients,
  app: string,
  record: DeployRecord,
): Promise<boolean> {
  const value = encodeDeployRecord(record);
  if (value === undefined) {
    await clearDeployRecord(clients, app);
    return false;
  }
  const { PutParameterCommand } = await loadSdk(clients, "ssm");
  await clients.ssm.send(
    new PutParameterCommand({
      Name: deployRecordName(app),
      Value: value,
      Type: "String",
      Tier: "Standard",
      Overwrite: true,
    }),
  );
  return true;
}

/**
 * Removes the app's deploy record, before a change: a record must never describe a state a deploy
 * has begun to change. It is read first, so there is no write when there is no record (a second
 * destroy writes nothing). When it cannot be removed (a role without ssm:DeleteParameter), the
 * logger says what that risks and the change goes on; with no logger, the error is the caller's.
 * @example
 * await clearDeployRecord(clients, "billing", console); // before changing what the record describes
 */
export async function clearDeployRecord(clients: AwsClients, app: string, logger?: Logger): Promise<void> {
  const { DeleteParameterCommand, GetParameterCommand } = await loadSdk(clients, "ssm");
  const name = deployRecordName(app);
  try {
    await clients.ssm.send(new GetParameterCommand({ Name: name }));
  } catch (error) {
    if (awsErrorName(error) === "ParameterNotFound") return;
    // Not allowed to look, or the read failed: the delete below says the same if there is none.
  }
  try {
    await clients.ssm.send(new DeleteParameterCommand({ Name: name }));
  } catch (error) {
    const reason = awsErrorName(error);
    if (reason === "ParameterNotFound") return;
    if (logger === undefined) throw error;
    logger.warn(
      `could not clear the deploy record ${name} (${reason ?? String(error)}): the Action may ` +
        "skip its next unchanged run without seeing this change; grant ssm:DeleteParameter on it, or run the Action with verify: true",
    );
  }
}
