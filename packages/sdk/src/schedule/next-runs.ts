import { FlexjobError } from "../errors.js";
import { daysInMonth, lastWeekdayOfMonth, nearestWeekdayOfMonth, weekdayOf } from "./calendar.js";
import type { CronSpec, DayOfMonth, DayOfWeek } from "./cron.js";
import type { ParsedSchedule } from "./parse.js";
import { instantOfWallTime, resolverForDay, wallTimeAt } from "./wall-clock.js";

/**
 * When a schedule fires, as EventBridge Scheduler fires it. Our own evaluator rather than a cron
 * library: those follow Unix or Quartz rules, which differ from AWS's exactly where it matters
 * here — `L`/`W`/`#`, the year field, 1 = Sunday, and daylight saving, where AWS skips a local
 * time the clock jumps over and runs a repeated local time once, at its first occurrence.
 *
 * Cron is evaluated in local wall time: walk the calendar day by day (jumping over years and
 * months the expression excludes), and on each matching day turn its hour × minute times into
 * instants through Intl. Nothing runs after 2199 (the last year AWS accepts), which bounds the
 * walk for expressions that rarely or never match: fewer runs come back, never a hang.
 */

export interface RunWindow {
  /** IANA zone the expression is evaluated in; already validated. */
  timezone: string;
  /** Runs strictly after this instant are listed. */
  from: Date;
  count: number;
  /** The schedule's StartDate: no run before it, and a rate's first run is at it. */
  startDate?: Date | undefined;
  /** The schedule's EndDate: no run after it. */
  endDate?: Date | undefined;
  /** When a rate without a StartDate started counting: the schedule's creation, as AWS has it. */
  rateStart?: Date | undefined;
}

const END_OF_2199 = Date.UTC(2200, 0, 1);
const MAX_COUNT = 10_000;

export function nextRunsOf(schedule: ParsedSchedule, window: RunWindow): Date[] {
  const from = window.from.getTime();
  if (Number.isNaN(from)) {
    throw new FlexjobError("nextRuns: from is not a valid date", {
      code: "INPUT_INVALID",
      remedy: "pass a valid Date",
    });
  }
  if (!Number.isInteger(window.count) || window.count < 0 || window.count > MAX_COUNT) {
    throw new FlexjobError(`nextRuns: count ${window.count} is not a whole number from 0 to ${MAX_COUNT}`, {
      code: "INPUT_INVALID",
      remedy: "ask for between 0 and 10000 runs, e.g. 5",
    });
  }
  switch (schedule.kind) {
    case "rate": {
      const anchor = (window.startDate ?? window.rateStart)?.getTime();
      const interval = schedule.rate.intervalMs;
      return withinDates((after, count) => rateRuns(interval, after, count, anchor), window);
    }
    case "at": {
      const instant = atInstant(schedule, window.timezone);
      return instant > from && window.count > 0 ? [new Date(instant)] : [];
    }
    case "cron":
      return withinDates((after, count) => cronRuns(schedule.cron, window.timezone, after, count), window);
  }
}

/**
 * The instant of a one-time schedule. A local time the clock jumps over (a DST gap) never happens:
 * an error naming the fix, never a silent "no next run".
 */
function atInstant(schedule: Extract<ParsedSchedule, { kind: "at" }>, zone: string): number {
  const instant = instantOfWallTime(schedule.at.wall, zone);
  if (instant !== undefined) return instant;
  const { year, month, day, hour, minute } = schedule.at.wall;
  const wall = `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}`;
  throw new FlexjobError(`${wall} does not exist in ${zone}: the clock skips it for daylight saving time`, {
    code: "INPUT_INVALID",
    remedy: "pick a time outside the skipped hour, e.g. one hour later",
  });
}

const pad = (value: number) => String(value).padStart(2, "0");

/**
 * AWS runs a rate first at its StartDate, else at its creation, then every interval. With neither
 * known (a schedule not deployed yet), the runs count from `from`: `from` + k × interval, k ≥ 1.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based
 */
function rateRuns(intervalMs: number, from: number, count: number, anchor: number | undefined): Date[] {
  const first = anchor === undefined ? from + intervalMs : anchor + firstStepAfter(anchor, from, intervalMs);
  const runs: Date[] = [];
  for (let at = first; runs.length < count && at < END_OF_2199; at += intervalMs) runs.push(new Date(at));
  return runs;
}

/** The smallest multiple of the interval that takes `anchor` past `from` (0 when it already is). */
function firstStepAfter(anchor: number, from: number, intervalMs: number): number {
  if (anchor > from) return 0;
  return (Math.floor((from - anchor) / intervalMs) + 1) * intervalMs;
}

/**
 * The runs of a recurring schedule inside its StartDate/EndDate, which AWS documents as inclusive
 * ("on, or after" and "on, or before"). One-time schedules ignore both, as AWS does.
 */
function withinDates(runs: (from: number, count: number) => Date[], window: RunWindow): Date[] {
  const start = window.startDate?.getTime();
  const end = window.endDate?.getTime();
  const from = start === undefined ? window.from.getTime() : Math.max(window.from.getTime(), start - 1);
  const listed = runs(from, window.count);
  return end === undefined ? listed : listed.filter((run) => run.getTime() <= end);
}

function cronRuns(cron: CronSpec, zone: string, from: number, count: number): Date[] {
  const runs: Date[] = [];
  if (count === 0) return runs;
  const years = new Set(cron.years.values);
  const months = new Set(cron.months.values);
  const lastYear = cron.years.values.at(-1) ?? 0;
  // Start a local day early: near a DST change a run on the previous local date can still be after `from`.
  const start = wallTimeAt(from, zone);
  const dayBefore = new Date(Date.UTC(start.year, start.month - 1, start.day - 1));
  let year = dayBefore.getUTCFullYear();
  let month = dayBefore.getUTCMonth() + 1;
  let day = dayBefore.getUTCDate();
  while (year <= lastYear) {
    if (!years.has(year)) {
      const next = cron.years.values.find((candidate) => candidate > year);
      if (next === undefined) break;
      [year, month, day] = [next, 1, 1];
      continue;
    }
    if (!months.has(month) || day > daysInMonth(year, month)) {
      [year, month, day] = month === 12 ? [year + 1, 1, 1] : [year, month + 1, 1];
      continue;
    }
    if (
      dayOfMonthMatches(cron.dayOfMonth, year, month, day) &&
      dayOfWeekMatches(cron.dayOfWeek, year, month, day)
    ) {
      const instantOf = resolverForDay(year, month, day, zone);
      for (const hour of cron.hours.values) {
        for (const minute of cron.minutes.values) {
          const instant = instantOf(hour, minute);
          if (instant === undefined || instant <= from) continue;
          runs.push(new Date(instant));
          if (runs.length === count) return runs;
        }
      }
    }
    day += 1;
  }
  return runs;
}

function dayOfMonthMatches(rule: DayOfMonth, year: number, month: number, day: number): boolean {
  switch (rule.kind) {
    case "any":
      return true;
    case "days":
      return rule.field.values.includes(day);
    case "last":
      return day === daysInMonth(year, month);
    case "last-weekday":
      return day === lastWeekdayOfMonth(year, month);
    case "nearest-weekday":
      return day === nearestWeekdayOfMonth(year, month, rule.day);
  }
}

function dayOfWeekMatches(rule: DayOfWeek, year: number, month: number, day: number): boolean {
  switch (rule.kind) {
    case "any":
      return true;
    case "days":
      return rule.field.values.includes(weekdayOf(year, month, day));
    case "last-of-month":
      return weekdayOf(year, month, day) === rule.weekday && day + 7 > daysInMonth(year, month);
    case "nth-of-month":
      return weekdayOf(year, month, day) === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
}
