import { observeSchedule } from "../aws/schedule.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";
import { isoSeconds } from "../schedule/index.js";
import { jobNextRuns } from "./job-runs.js";
import { runNow } from "./run-now.js";
import { runs } from "./runs.js";

export interface BackfillOptions {
  /** The window's start, inclusive. */
  from: Date;
  /** The window's end, exclusive; not after now. */
  to: Date;
  /** List what would start, start nothing. */
  dryRun?: boolean;
}

export interface BackfillResult {
  job: string;
  /** Every scheduled time in the window, ISO-8601 UTC. */
  scheduled: string[];
  /** Those the run history already has a run for. */
  recorded: string[];
  /** Those started now (or, with dryRun, that would be), each with its run id. */
  started: { scheduledTime: string; runId: string }[];
}

/**
 * The most runs one backfill starts: a larger window is an error that says to cut it.
 * @example
 * const day = 86_400_000;
 * const to = new Date(from.getTime() + Math.min(BACKFILL_MAX_RUNS, 30) * day); // a daily job's window
 */
export const BACKFILL_MAX_RUNS = 500;

/** Fargate launches tasks at 20 per second sustained per account and Region: a backfill stays at half. */
const TASKS_PER_SECOND = 10;

/**
 * Starts one run for each scheduled time in a window that has no run in the history, each with its
 * real FLEXJOB_SCHEDULED_TIME, paced under Fargate's launch rate. A run's id is made from its job
 * and time, so a state-machine job's second backfill of the same window starts nothing twice
 * (Step Functions refuses a second execution of one name).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html
 * @example
 * const result = await backfill(config, "report", { from: new Date("2026-12-01"), to: new Date("2026-12-03") }, deps);
 * console.log(result.started.map((run) => run.scheduledTime));
 */
export async function backfill(
  config: FlexjobConfig,
  jobName: string,
  options: BackfillOptions,
  deps: Deps,
): Promise<BackfillResult> {
  const job = jobNamed(config, jobName);
  checkWindow(options, deps.now());
  const deployed = await observeSchedule(
    deps.clients,
    names.scheduleGroup(config.app),
    names.schedule(config.app, job.name),
  );
  if (deployed === undefined) {
    throw new FlexjobError(`job ${job.name} is not deployed`, {
      code: "INPUT_INVALID",
      fault: "user",
      remedy: "run flexjob deploy first: a backfill starts exactly what the deployed schedule starts",
    });
  }
  // A rate counts from when its schedule was created, as Scheduler fired it.
  const scheduled = scheduledTimes(job, options, deployed.createdAt);
  // Runs are recorded when their tasks stop; a run starts up to startRetry.maxAge late.
  const since = new Date(options.from.getTime() - job.startRetry.maxAgeSeconds * 1000);
  const history = await runs(config, job.name, { since, limit: Number.MAX_SAFE_INTEGER }, deps);
  // A missed run never ran: backfill is what catches it up.
  const recordedTimes = new Set(
    history.flatMap((run) =>
      run.scheduledTime && run.outcome !== "missed" ? [Date.parse(run.scheduledTime)] : [],
    ),
  );
  const recorded = scheduled.filter((time) => recordedTimes.has(Date.parse(time)));
  const missing = scheduled.filter((time) => !recordedTimes.has(Date.parse(time)));
  const started = missing.map((time) => ({ scheduledTime: time, runId: backfillRunId(job.name, time) }));
  if (options.dryRun) return { job: job.name, scheduled, recorded, started };
  for (const run of started) {
    await runNow(config, job.name, { runId: run.runId, scheduledTime: new Date(run.scheduledTime) }, deps);
    await deps.sleep(Math.ceil((job.tasks * 1000) / TASKS_PER_SECOND));
  }
  return { job: job.name, scheduled, recorded, started };
}

/** `backfill-report-20261205t033000z`: lower case, `[0-9a-zA-Z-_]`, as execution names must be. */
function backfillRunId(job: string, scheduledTime: string): string {
  return `backfill-${job}-${scheduledTime.replace(/[-:]/g, "").toLowerCase()}`.slice(0, 80);
}

function checkWindow(options: BackfillOptions, now: Date): void {
  const bad = (message: string, remedy: string) =>
    new FlexjobError(message, { code: "INPUT_INVALID", fault: "user", remedy });
  if (Number.isNaN(options.from.getTime()) || Number.isNaN(options.to.getTime())) {
    throw bad("the backfill window has an invalid date", "give --from and --to as ISO-8601 date-times");
  }
  if (options.from.getTime() >= options.to.getTime()) {
    throw bad(
      `--from ${isoSeconds(options.from)} is not before --to ${isoSeconds(options.to)}`,
      "give a window whose start comes before its end",
    );
  }
  if (options.to.getTime() > now.getTime()) {
    throw bad(
      `--to ${isoSeconds(options.to)} is in the future`,
      `backfill only catches up on the past: end the window at or before ${isoSeconds(now)}`,
    );
  }
}

/** The job's fire times in [from, to), as its schedule defines them (time zone, start and end dates). */
function scheduledTimes(
  job: ReturnType<typeof jobNamed>,
  options: BackfillOptions,
  createdAt: string | undefined,
): string[] {
  const times = jobNextRuns(
    {
      expression: job.schedule.expression,
      timezone: job.timezone,
      startDate: job.startDate,
      endDate: job.endDate,
    },
    // nextRuns counts from just after `from`: a second earlier includes a run at `from` itself.
    { from: new Date(options.from.getTime() - 1000), count: BACKFILL_MAX_RUNS + 1, createdAt },
  ).filter((time) => Date.parse(time) >= options.from.getTime() && Date.parse(time) < options.to.getTime());
  if (times.length > BACKFILL_MAX_RUNS) {
    throw new FlexjobError(`the window has more than ${BACKFILL_MAX_RUNS} scheduled runs of ${job.name}`, {
      code: "INPUT_INVALID",
      fault: "user",
      remedy: `backfill a shorter window (at most ${BACKFILL_MAX_RUNS} runs at a time), then the next one`,
    });
  }
  return times;
}
