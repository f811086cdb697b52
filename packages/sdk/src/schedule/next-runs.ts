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
    case "rate":
      return rateRuns(schedule.rate.intervalMs, from, window.count);
    case "at": {
      const instant = instantOfWallTime(schedule.at.wall, window.timezone);
      return instant !== undefined && instant > from && window.count > 0 ? [new Date(instant)] : [];
    }
    case "cron":
      return cronRuns(schedule.cron, window.timezone, from, window.count);
  }
}

/**
 * AWS counts a rate from the schedule's start (its creation, or StartDate), which a pure function
 * cannot know; we count from `from`, so the runs are `from` + k × interval for k = 1, 2, ….
 * Pass the schedule's start as `from` to get its real times.
 */
function rateRuns(intervalMs: number, from: number, count: number): Date[] {
  const runs: Date[] = [];
  for (let k = 1; k <= count && from + k * intervalMs < END_OF_2199; k++)
    runs.push(new Date(from + k * intervalMs));
  return runs;
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
