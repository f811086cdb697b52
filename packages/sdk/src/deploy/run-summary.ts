import type { JobRun, RunOutcome } from "./runs.js";

/**
 * Every outcome a run can have, in the order counts and legends list them.
 * @example
 * for (const outcome of RUN_OUTCOMES) console.log(outcome, summariseRuns(list).outcomes[outcome]);
 */
export const RUN_OUTCOMES = [
  "succeeded",
  "failed",
  "timedOut",
  "interrupted",
  "skipped",
  "missed",
  "running",
] as const satisfies readonly RunOutcome[];

/** Outcomes of a run that did not do its work: the job failed, ran out of time, was stopped, or never started. */
const FAILURES: ReadonlySet<RunOutcome> = new Set(["failed", "timedOut", "interrupted", "missed"]);

/** Outcomes whose duration is the job's own: a skipped run only ran the overlap check. */
const TIMED: ReadonlySet<RunOutcome> = new Set(["succeeded", "failed", "timedOut", "interrupted"]);

/** A sparkline has this many heights, 0 to 7, as `▁` to `█`. */
const SPARK_LEVELS = 8;

/** The numbers behind a job's picture: counts, p50 and max duration, the strip and the sparkline. */
export interface RunSummary {
  /** How many runs it covers. */
  runs: number;
  successes: number;
  /** Runs that failed, timed out, were interrupted or missed; skipped and running runs are neither. */
  failures: number;
  /** Runs per outcome, every outcome present. */
  outcomes: Record<RunOutcome, number>;
  /** Median (nearest rank) duration in seconds of the runs that ran the job to an end; null when none did. */
  p50Seconds: number | null;
  /** Longest of those durations, in seconds; null when none. */
  maxSeconds: number | null;
  /** Each run's outcome, oldest first (time runs left to right, as in the sparkline). */
  strip: RunOutcome[];
  /** Each run's duration in seconds, oldest first; null for a run with none counted (skipped, missed, running). */
  durations: (number | null)[];
  /**
   * Each run's sparkline height, oldest first: 0 to 7 in proportion to `maxSeconds` from zero (so
   * 10 min and 11 min look alike, not lowest and highest); null where `durations` is null.
   */
  levels: (number | null)[];
}

/**
 * Pure: the summary of a job's runs, given newest first as {@link runs} returns them.
 * @example
 * const summary = summariseRuns(await runs(config, "report", { since }, deps));
 * console.log(`${summary.successes}/${summary.runs} succeeded, p50 ${summary.p50Seconds}s`);
 */
export function summariseRuns(newestFirst: readonly JobRun[]): RunSummary {
  const ordered = [...newestFirst].reverse();
  const outcomes = Object.fromEntries(RUN_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    RunOutcome,
    number
  >;
  for (const run of ordered) outcomes[run.outcome] += 1;
  const durations = ordered.map((run) =>
    TIMED.has(run.outcome) && run.durationSeconds !== undefined ? run.durationSeconds : null,
  );
  const timed = durations.filter((seconds) => seconds !== null).sort((a, b) => a - b);
  const maxSeconds = timed.at(-1) ?? null;
  return {
    runs: ordered.length,
    successes: outcomes.succeeded,
    failures: ordered.filter((run) => FAILURES.has(run.outcome)).length,
    outcomes,
    p50Seconds: timed[Math.ceil(timed.length / 2) - 1] ?? null,
    maxSeconds,
    strip: ordered.map((run) => run.outcome),
    durations,
    levels: durations.map((seconds) => (seconds === null ? null : levelOf(seconds, maxSeconds ?? 0))),
  };
}

function levelOf(seconds: number, max: number): number {
  // All-zero durations sit on the floor rather than dividing by zero.
  return max === 0 ? 0 : Math.round((seconds / max) * (SPARK_LEVELS - 1));
}
