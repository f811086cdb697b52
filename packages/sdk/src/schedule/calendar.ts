/**
 * Civil-calendar arithmetic on plain numbers (proleptic Gregorian, months 1-12). Weekdays use
 * the AWS cron numbering, 1 = Sunday … 7 = Saturday, so callers never translate.
 */

/** English month names, January first: `MONTH_NAMES[month - 1]`. */
export const MONTH_NAMES: readonly string[] = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** 1 = Sunday … 7 = Saturday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

const SATURDAY = 7;
const SUNDAY = 1;

/** The last Monday–Friday of the month (AWS `LW`). */
export function lastWeekdayOfMonth(year: number, month: number): number {
  const last = daysInMonth(year, month);
  const weekday = weekdayOf(year, month, last);
  if (weekday === SATURDAY) return last - 1;
  if (weekday === SUNDAY) return last - 2;
  return last;
}

/**
 * The Monday–Friday nearest to `day` without leaving the month (AWS `nW`): a Saturday moves back
 * to Friday unless that leaves the month (the 1st moves on to Monday the 3rd); a Sunday moves on
 * to Monday unless that leaves the month (then back to Friday). Undefined when the month has no
 * such day at all (`31W` in April), which means no run that month — as a plain `31` would.
 */
export function nearestWeekdayOfMonth(year: number, month: number, day: number): number | undefined {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const weekday = weekdayOf(year, month, day);
  if (weekday === SATURDAY) return day === 1 ? 3 : day - 1;
  if (weekday === SUNDAY) return day === last ? day - 2 : day + 1;
  return day;
}
