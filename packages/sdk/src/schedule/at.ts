import { daysInMonth, MONTH_NAMES } from "./calendar.js";
import { scheduleError } from "./schedule-error.js";
import type { WallTime } from "./wall-clock.js";

/**
 * One-time schedules, `at(yyyy-mm-ddThh:mm:ss)`: a local date and time in the schedule's time
 * zone, no offset, no fractions. https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
 */

export interface AtSpec {
  /** The normalised AWS expression, e.g. `at(2026-12-01T09:00:00)`. */
  expression: string;
  wall: WallTime;
}

export function parseAt(source: string): AtSpec {
  const where = source.trim();
  const match = /^at\(\s*(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\s*\)$/i.exec(where);
  if (match === null) {
    throw scheduleError(
      `${where} is not of the form at(yyyy-mm-ddThh:mm:ss)`,
      "write a local date and time with seconds and no offset, e.g. at(2026-12-01T09:00:00)",
    );
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  const time = `${match[4]}:${match[5]}:${match[6]}`;
  if (month < 1 || month > 12) {
    throw scheduleError(
      `month "${match[2]}" of ${date} is out of range 01-12 in ${where}`,
      "use a month from 01 to 12",
    );
  }
  const length = daysInMonth(year, month);
  if (day < 1 || day > length) {
    throw scheduleError(
      `date "${date}" does not exist in ${where}`,
      `${MONTH_NAMES[month - 1]} ${year} has days 01-${length}`,
    );
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw scheduleError(
      `time "${time}" is not a valid time in ${where}`,
      "use hh:mm:ss from 00:00:00 to 23:59:59",
    );
  }
  return { expression: `at(${date}T${time})`, wall: { year, month, day, hour, minute, second } };
}
