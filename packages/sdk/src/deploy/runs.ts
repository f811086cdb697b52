import { isAwsError, wrapAwsError } from "../aws/aws-error.js";
import { loadSdk } from "../aws/clients.js";
import { DEAD_LETTER_ATTRIBUTES, DUPLICATE_START, MISSED_SOURCE } from "../aws/missed-runs.js";
import { LOG_ROUTER } from "../aws/task-definition-log-router.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { jobOfSchedule, names } from "../naming.js";
import { byCodeUnits } from "../text-order.js";

/**
 * How a run ended: from its state machine's execution when it has one (so a run can be timed out,
 * skipped or still running), else from its tasks' stop records; `missed` when Scheduler could not
 * start it within its start retries.
 */
export type RunOutcome =
  | "succeeded"
  | "failed"
  | "timedOut"
  | "interrupted"
  | "skipped"
  | "missed"
  | "running";

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
  /** Why a missed run did not start, as Scheduler said (`ERROR_CODE: ERROR_MESSAGE`). */
  reason?: string;
}

export interface RunsOptions {
  /** Only runs whose tasks stopped at or after this instant. */
  since: Date;
  /** At most this many runs, newest first; default 20. */
  limit?: number;
}

/** The Step Functions "Execution Status Change" detail fields a run record uses. */
interface ExecutionChanged {
  stateMachineArn?: string;
  /** The execution's name: the run id. */
  name?: string;
  status?: string;
  startDate?: number;
  stopDate?: number | null;
  output?: string | null;
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

/** What the missed-runs pipe recorded: the SQS record of Scheduler's dead letter (see missed-runs.ts). */
interface MissedRecord {
  messageAttributes?: Record<string, { stringValue?: string }>;
}

/**
 * A job's runs from the app's run history (`/flexjob/<app>/runs`), newest first. ECS forgets a
 * stopped task after about an hour; the history keeps every record EventBridge delivered.
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
  const own = {
    app: config.app,
    job: name,
    family: names.taskFamily(config.app, name),
    machine: names.stateMachine(config.app, name),
    schedules: `schedule/${names.scheduleGroup(config.app)}/`,
  };
  const records = await readRecords(deps, names.runsLogGroup(config.app), own, options.since.getTime());
  const logs = { group: names.logGroup(config.app, name), streamPrefix: name };
  return runsOf(records.tasks, logs, records.executions, records.missed).slice(0, options.limit ?? 20);
}

/**
 * One job's records: its family's task stops and its state machine's status changes. The
 * history's events are the EventBridge envelopes, as JSON.
 */
async function readRecords(
  deps: Deps,
  group: string,
  job: { app: string; job: string; family: string; machine: string; schedules: string },
  startTime: number,
): Promise<{ tasks: TaskStopped[]; executions: ExecutionChanged[]; missed: MissedRecord[] }> {
  const { FilterLogEventsCommand } = await loadSdk(deps.clients, "logs");
  const tasks: TaskStopped[] = [];
  const executions: ExecutionChanged[] = [];
  const missed: MissedRecord[] = [];
  // Quoted terms, any of which: a coarse, portable filter (it also matches longer names); the
  // exact family, state machine and schedule are checked on each record.
  const filterPattern = `?"family:${job.family}" ?"stateMachine:${job.machine}" ?"${job.schedules}${job.app}-${job.job}"`;
  let nextToken: string | undefined;
  try {
    do {
      const page = await deps.clients.logs.send(
        new FilterLogEventsCommand({ logGroupName: group, startTime, nextToken, filterPattern }),
      );
      for (const event of page.events ?? []) {
        const record = recordOf(event.message ?? "");
        if (record?.kind === "task" && record.detail.group === `family:${job.family}`)
          tasks.push(record.detail);
        if (
          record?.kind === "execution" &&
          record.detail.stateMachineArn?.endsWith(`:stateMachine:${job.machine}`)
        )
          executions.push(record.detail);
        if (record?.kind === "missed" && scheduleOf(record.detail, job.schedules, job.app) === job.job)
          missed.push(record.detail);
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
  return { tasks, executions, missed };
}

/** The job whose schedule a missed run was for, from its schedule's deterministic name. */
function scheduleOf(record: MissedRecord, schedules: string, app: string): string | undefined {
  const arn = attribute(record, DEAD_LETTER_ATTRIBUTES.scheduleArn) ?? "";
  const at = arn.indexOf(`:${schedules}`);
  return at < 0 ? undefined : jobOfSchedule(app, arn.slice(at + schedules.length + 1));
}

function attribute(record: MissedRecord, name: string): string | undefined {
  return record.messageAttributes?.[name]?.stringValue;
}

type HistoryRecord =
  | { kind: "task"; detail: TaskStopped }
  | { kind: "execution"; detail: ExecutionChanged }
  | { kind: "missed"; detail: MissedRecord };

function recordOf(message: string): HistoryRecord | undefined {
  try {
    const event = JSON.parse(message) as { source?: string; detail?: object };
    if (event.detail === undefined) return undefined;
    if (event.source === "aws.ecs") return { kind: "task", detail: event.detail as TaskStopped };
    if (event.source === "aws.states") return { kind: "execution", detail: event.detail as ExecutionChanged };
    if (event.source === MISSED_SOURCE) return { kind: "missed", detail: event.detail as MissedRecord };
    return undefined;
  } catch {
    return undefined;
  }
}

/** Pure: one job's records grouped into runs, newest first. */
export function runsOf(
  records: readonly TaskStopped[],
  logs: JobRun["logs"],
  executions: readonly ExecutionChanged[] = [],
  missed: readonly MissedRecord[] = [],
): JobRun[] {
  const byRun = new Map<string, RunTask[]>();
  const scheduled = new Map<string, string | undefined>();
  for (const record of records) {
    const env = environmentOf(record);
    const runId = env.FLEXJOB_RUN_ID ?? record.taskArn ?? "";
    const tasks = byRun.get(runId) ?? [];
    tasks.push(taskOf(record, env));
    byRun.set(runId, tasks);
    scheduled.set(runId, env.FLEXJOB_SCHEDULED_TIME);
  }
  const last = lastStatusByRun(executions);
  for (const runId of last.keys()) if (!byRun.has(runId)) byRun.set(runId, []);
  const started = [...byRun].map(([runId, tasks]) =>
    withExecution(runOf(runId, scheduled.get(runId), tasks, logs), last.get(runId)),
  );
  const when = (run: JobRun) => run.stoppedAt ?? run.startedAt ?? run.scheduledTime ?? "";
  // A late duplicate delivery of a run that happened is refused by Step Functions (the execution
  // name is taken) and dead-lettered: that is the exactly-once guard working, not a missed run.
  const notStarted = missed
    .map((record) => missedRun(record, logs))
    .filter((run) => !run.reason?.startsWith(`${DUPLICATE_START}:`) && !byRun.has(run.runId));
  return [...started, ...notStarted].sort((a, b) => byCodeUnits(when(b), when(a)));
}

/** A run Scheduler could not start: no task, no execution, only its time and Scheduler's reason. */
function missedRun(record: MissedRecord, logs: JobRun["logs"]): JobRun {
  const code = attribute(record, DEAD_LETTER_ATTRIBUTES.errorCode);
  const message = attribute(record, DEAD_LETTER_ATTRIBUTES.errorMessage);
  return {
    runId: attribute(record, DEAD_LETTER_ATTRIBUTES.executionId) ?? "",
    scheduledTime: attribute(record, DEAD_LETTER_ATTRIBUTES.scheduledTime),
    startedAt: undefined,
    stoppedAt: undefined,
    durationSeconds: undefined,
    outcome: "missed",
    attempts: 0,
    tasks: [],
    logs,
    reason: [code, message].filter((part) => part !== undefined && part !== "").join(": ") || "unknown",
  };
}

/** Each execution's latest status: a RUNNING one is superseded by how it ended. */
function lastStatusByRun(executions: readonly ExecutionChanged[]): Map<string, ExecutionChanged> {
  const last = new Map<string, ExecutionChanged>();
  for (const execution of executions) {
    const seen = last.get(execution.name ?? "");
    if (seen === undefined || (seen.status === "RUNNING" && execution.status !== "RUNNING"))
      last.set(execution.name ?? "", execution);
  }
  return last;
}

const EXECUTION_OUTCOME: Readonly<Record<string, RunOutcome>> = {
  RUNNING: "running",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  TIMED_OUT: "timedOut",
  ABORTED: "interrupted",
};

/** A state-machine run is what its execution says, including what no task stop can: timed out, skipped. */
function withExecution(run: JobRun, execution: ExecutionChanged | undefined): JobRun {
  if (execution === undefined) return run;
  const skipped = execution.status === "SUCCEEDED" && outputOf(execution).skipped === true;
  const startedAt =
    execution.startDate === undefined ? run.startedAt : new Date(execution.startDate).toISOString();
  const stoppedAt =
    typeof execution.stopDate === "number" ? new Date(execution.stopDate).toISOString() : undefined;
  return {
    ...run,
    outcome: skipped ? "skipped" : (EXECUTION_OUTCOME[execution.status ?? ""] ?? run.outcome),
    startedAt,
    stoppedAt,
    durationSeconds: secondsBetween(startedAt, stoppedAt),
  };
}

function outputOf(execution: ExecutionChanged): { skipped?: unknown } {
  try {
    return (JSON.parse(execution.output ?? "{}") ?? {}) as { skipped?: unknown };
  } catch {
    return {};
  }
}

function secondsBetween(start: string | undefined, stop: string | undefined): number | undefined {
  return start && stop ? Math.round((Date.parse(stop) - Date.parse(start)) / 1000) : undefined;
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
  // The job's container's exit code is the task's; a log router beside it exits on its own terms.
  const exitCode = record.containers?.find(
    (container) => container.name !== LOG_ROUTER.name && container.exitCode !== undefined,
  )?.exitCode;
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
    durationSeconds: secondsBetween(startedAt, stoppedAt),
    outcome,
    attempts: Math.max(0, ...tasks.map((task) => task.attempt)),
    tasks: [...tasks].sort((a, b) => a.shard - b.shard || a.attempt - b.attempt),
    logs,
  };
}
