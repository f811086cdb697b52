import { nextRuns, type Schedule } from "../schedule/index.js";
import { SCHEDULER_RETRY } from "../schedule/retry-policy.js";

/** The longest a late start may be retried when the job's runs are further apart than this. */
const MAX_DEFAULT_SECONDS = 3600;

/**
 * The window the shortest time between runs is read from: the first runs after a fixed instant,
 * not after now, so the default (and so the deployed schedule) never changes with the day of the
 * deploy. 500 runs cover the gaps inside a day and between days, and every weekly pattern, of any
 * cron that runs less often than every minute; a cron running more often has a gap at the floor.
 */
const WINDOW = { from: new Date("2026-01-01T00:00:00Z"), count: 500 } as const;

/**
 * startRetry.maxAge when the job does not set it: the smaller of 1 hour and the shortest time
 * between the job's runs, never below Scheduler's minimum of 60 seconds, so that a run retried
 * late never runs into the next one. For `rate(…)` that time is the rate; for cron, the smallest
 * gap between consecutive runs in {@link WINDOW}, in the job's time zone (a daylight-saving jump
 * may bring two runs closer once a year; that is not counted). A one-time `at(…)` has no next run,
 * and neither has a cron whose years are all before the window: 1 hour.
 * @example
 * defaultStartRetryMaxAge(parseSchedule("rate(15 minutes)"), "UTC"); // 900
 */
export function defaultStartRetryMaxAge(schedule: Schedule, timezone: string): number {
  const gap = shortestGapSeconds(schedule, timezone);
  return Math.max(
    SCHEDULER_RETRY.maxAgeSeconds.min,
    Math.min(MAX_DEFAULT_SECONDS, gap ?? MAX_DEFAULT_SECONDS),
  );
}

/**
 * A zone's clock moves by at most 2 hours at once (Antarctica/Troll's daylight saving; most zones
 * move 1 hour, Lord Howe 30 minutes), so it brings two runs closer by at most that much.
 */
const MAX_CLOCK_CHANGE_SECONDS = 2 * 3600;

function shortestGapSeconds(schedule: Schedule, timezone: string): number | undefined {
  if (schedule.kind === "at") return undefined;
  // Read in UTC first, which needs no zone data: when every gap is so long that no clock change
  // can bring it under the 1-hour cap, the zone's answer is the cap too. A daily job's config then
  // loads without computing 500 days of wall-clock times.
  const utc = gapIn(schedule, "UTC");
  if (timezone === "UTC" || (utc !== undefined && utc >= MAX_DEFAULT_SECONDS + MAX_CLOCK_CHANGE_SECONDS)) {
    return utc;
  }
  return gapIn(schedule, timezone);
}

function gapIn(schedule: Schedule, timezone: string): number | undefined {
  const times = nextRuns(schedule.expression, { timezone, from: WINDOW.from, count: WINDOW.count }).map(
    (run) => run.getTime(),
  );
  const gaps = times.slice(1).map((time, index) => (time - (times[index] ?? time)) / 1000);
  return gaps.length === 0 ? undefined : Math.min(...gaps);
}
