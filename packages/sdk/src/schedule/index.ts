/**
 * Schedule expressions: everything a user may write for "when", turned into the exact AWS
 * EventBridge Scheduler expression it deploys as, checked by AWS's rules, described in English,
 * and evaluated into upcoming run times. Pure: no I/O, no clock — "now" is the caller's to pass.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
import { describeParsed } from "./describe.js";
import { nextRunsOf } from "./next-runs.js";
import { parseScheduleDetail } from "./parse.js";
import { assertTimezone } from "./time-zone.js";

export { isoSeconds } from "./iso.js";
export { parseSchedule, type Schedule, type ScheduleKind } from "./parse.js";
export { assertTimezone } from "./time-zone.js";

export interface NextRunsOptions {
  /** IANA zone the expression is read in, as the schedule's `ScheduleExpressionTimezone`. Default "UTC". */
  timezone?: string;
  /** List runs strictly after this instant; for a rate, the instant it counts from. Default: now. */
  from?: Date;
  /** How many runs, 0-10000. Default 5; fewer come back when the schedule ends before 2200. */
  count?: number;
  /** The schedule's `startDate`: no run before it; a rate runs first at it. Ignored by `at()`. */
  startDate?: Date | undefined;
  /** The schedule's `endDate`: no run after it. Ignored by `at()`. */
  endDate?: Date | undefined;
  /**
   * For a rate without a `startDate`: when the deployed schedule was created (its CreationDate),
   * which AWS counts from. Without either, a rate counts from `from`.
   */
  rateStart?: Date | undefined;
}

/**
 * Next fire times (UTC Date objects), AWS semantics. `expression` may be any form parseSchedule
 * accepts.
 * @example nextRuns("every weekday at 9:00", { timezone: "Europe/Berlin", from: new Date("2026-01-01T00:00:00Z"), count: 2 })
 *   // [2026-01-01T08:00:00.000Z, 2026-01-02T08:00:00.000Z]
 */
export function nextRuns(expression: string, options: NextRunsOptions = {}): Date[] {
  const timezone = assertTimezone(options.timezone ?? "UTC");
  return nextRunsOf(parseScheduleDetail(expression), {
    timezone,
    from: options.from ?? new Date(),
    count: options.count ?? 5,
    startDate: options.startDate,
    endDate: options.endDate,
    rateStart: options.rateStart,
  });
}

/**
 * Human description, e.g. "At 09:00, Monday through Friday (Europe/Berlin)".
 * @example describeSchedule("every 5 minutes") // "Every 5 minutes"
 */
export function describeSchedule(expression: string, timezone?: string): string {
  return describeParsed(
    parseScheduleDetail(expression),
    timezone === undefined ? undefined : assertTimezone(timezone),
  );
}
