import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { isAwsError, wrapAwsError } from "../aws/aws-error.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";

/** How a run ended, from its tasks' stop records. */
export type RunOutcome = "succeeded" | "failed" | "interrupted";

/** One task of a run: a shard's attempt, as ECS recorded it when it stopped. */
export interface RunTask {
  taskArn: string;
  /** FLEXJOB_TASK_INDEX. */
  shard: number;
  /** FLEXJOB_ATTEMPT, 1 for the first. */
  attempt: number;
  /** The job container's exit code; undefined when it never ran (failed to start, interrupted). */
  exitCode: number | undefined;
  /** ECS's stop code: `EssentialContainerExited`, `TaskFailedToStart`, `SpotInterruption`, `UserInitiated`, … */
  stopCode: string | undefined;
  stoppedReason: string | undefined;
  startedAt: string | undefined;
  stoppedAt: string | undefined;
}

/** One run of a job: every task one scheduled (or manual) start made, shards and attempts together. */
export interface JobRun {
  /** FLEXJOB_RUN_ID: Scheduler's execution id, or the manual run's id. */
  runId: string;
  /** FLEXJOB_SCHEDULED_TIME, ISO-8601 UTC. */
  scheduledTime: string | undefined;
  startedAt: string | undefined;
  stoppedAt: string | undefined;
  durationSeconds: number | undefined;
  outcome: RunOutcome;
  /** The most attempts any shard took. */
  attempts: number;
  tasks: RunTask[];
  /** Where the run's output is: the job's log group, one stream per task under this prefix. */
  logs: { group: string; streamPrefix: string };
}

export interface RunsOptions {
  /** Only runs whose tasks stopped at or after this instant. */
  since: Date;
  /** At most this many runs, newest first; default 20. */
  limit?: number;
}

/** The ECS "Task State Change" detail fields a run record uses. */
interface TaskStopped {
  taskArn?: string;
  group?: string;
  stopCode?: string;
  stoppedReason?: string;
  startedAt?: string;
  stoppedAt?: string;
  createdAt?: string;
  containers?: { name?: string; exitCode?: number }[];
  overrides?: { containerOverrides?: { name?: string; environment?: { name?: string; value?: string }[] }[] };
}

/**
 * A job's runs from the app's run history (`/flexjob/<app>/runs`), newest first. ECS forgets a
 * stopped task after about an hour; the history keeps every stop record EventBridge delivered.
 * @example
 * const [last] = await runs(config, "report", { since: new Date(Date.now() - 7 * 86_400_000) }, deps);
 * console.log(last?.outcome, last?.tasks.map((task) => task.exitCode));
 */
export async function runs(
  config: FlexjobConfig,
  job: string,
  options: RunsOptions,
  deps: Deps,
): Promise<JobRun[]> {
  const name = jobNamed(config, job).name;
  const family = names.taskFamily(config.app, name);
  const records = await readStops(deps, names.runsLogGroup(config.app), family, options.since.getTime());
  return runsOf(records, { group: names.logGroup(config.app, name), streamPrefix: name }).slice(
    0,
    options.limit ?? 20,
  );
}

/** The stop records of one family: the history's events are the EventBridge envelopes, as JSON. */
async function readStops(
  deps: Deps,
  group: string,
  family: string,
  startTime: number,
): Promise<TaskStopped[]> {
  const found: TaskStopped[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await deps.clients.logs.send(
        new FilterLogEventsCommand({
          logGroupName: group,
          startTime,
          nextToken,
          // A quoted term: a coarse, portable filter (it also matches longer family names); the
          // exact group is checked below.
          filterPattern: `"family:${family}"`,
        }),
      );
      for (const event of page.events ?? []) {
        const detail = detailOf(event.message ?? "");
        if (detail?.group === `family:${family}`) found.push(detail);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    if (isAwsError(error, "ResourceNotFoundException")) {
      throw new FlexjobError(`the run history ${group} does not exist`, {
        code: "INPUT_INVALID",
        cause: error,
        remedy: "deploy the app first: its run history is created with it",
      });
    }
    throw wrapAwsError(error, `reading the run history ${group}`);
  }
  return found;
}

function detailOf(message: string): TaskStopped | undefined {
  try {
    const event = JSON.parse(message) as { detail?: TaskStopped };
    return event.detail;
  } catch {
    return undefined;
  }
}

/** Pure: the stop records of one job grouped into runs, newest first. */
export function runsOf(records: readonly TaskStopped[], logs: JobRun["logs"]): JobRun[] {
  const byRun = new Map<string, RunTask[]>();
  const scheduled = new Map<string, string | undefined>();
  for (const record of records) {
    const env = environmentOf(record);
    const runId = env.FLEXJOB_RUN_ID ?? record.taskArn ?? "";
    const task = taskOf(record, env);
    byRun.set(runId, [...(byRun.get(runId) ?? []), task]);
    scheduled.set(runId, env.FLEXJOB_SCHEDULED_TIME);
  }
  return [...byRun]
    .map(([runId, tasks]) => runOf(runId, scheduled.get(runId), tasks, logs))
    .sort((a, b) => (b.stoppedAt ?? "").localeCompare(a.stoppedAt ?? ""));
}

function environmentOf(record: TaskStopped): Record<string, string> {
  const pairs = (record.overrides?.containerOverrides ?? []).flatMap(
    (container) => container.environment ?? [],
  );
  return Object.fromEntries(
    pairs.flatMap(({ name, value }) => (name && value !== undefined ? [[name, value]] : [])),
  );
}

function taskOf(record: TaskStopped, env: Record<string, string>): RunTask {
  // flexjob runs one container per task, so its exit code is the task's.
  const exitCode = record.containers?.find((container) => container.exitCode !== undefined)?.exitCode;
  return {
    taskArn: record.taskArn ?? "",
    shard: Number(env.FLEXJOB_TASK_INDEX ?? 0),
    attempt: Number(env.FLEXJOB_ATTEMPT ?? 1) || 1,
    exitCode,
    stopCode: record.stopCode,
    stoppedReason: record.stoppedReason,
    startedAt: record.startedAt,
    stoppedAt: record.stoppedAt,
  };
}

/** Stop codes of a task that did not end by its own exit: no exit code to judge it by. */
const INTERRUPTED = new Set([
  "SpotInterruption",
  "TaskFailedToStart",
  "UserInitiated",
  "ServiceSchedulerInitiated",
]);

function runOf(
  runId: string,
  scheduledTime: string | undefined,
  tasks: RunTask[],
  logs: JobRun["logs"],
): JobRun {
  // A shard's last attempt decides it; the run succeeds when every shard's last attempt did.
  const last = new Map<number, RunTask>();
  for (const task of tasks) {
    const seen = last.get(task.shard);
    if (seen === undefined || task.attempt > seen.attempt) last.set(task.shard, task);
  }
  const finals = [...last.values()];
  const outcome: RunOutcome = finals.every((task) => task.exitCode === 0)
    ? "succeeded"
    : finals.some((task) => task.exitCode === undefined && INTERRUPTED.has(task.stopCode ?? ""))
      ? "interrupted"
      : "failed";
  const starts = tasks.flatMap((task) => (task.startedAt ? [task.startedAt] : [])).sort();
  const stops = tasks.flatMap((task) => (task.stoppedAt ? [task.stoppedAt] : [])).sort();
  const startedAt = starts[0];
  const stoppedAt = stops.at(-1);
  return {
    runId,
    scheduledTime,
    startedAt,
    stoppedAt,
    durationSeconds:
      startedAt && stoppedAt ? Math.round((Date.parse(stoppedAt) - Date.parse(startedAt)) / 1000) : undefined,
    outcome,
    attempts: Math.max(...tasks.map((task) => task.attempt)),
    tasks: [...tasks].sort((a, b) => a.shard - b.shard || a.attempt - b.attempt),
    logs,
  };
}
