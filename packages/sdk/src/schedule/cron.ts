import { type Field, type FieldRule, parseField } from "./fields.js";
import { scheduleError } from "./schedule-error.js";

/**
 * AWS EventBridge Scheduler cron expressions, `cron(minutes hours day-of-month month day-of-week
 * year)`, validated by the rules in
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based and
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html:
 *
 * | field        | values              | wildcards         |
 * | ------------ | ------------------- | ----------------- |
 * | minutes      | 0-59                | , - * /           |
 * | hours        | 0-23                | , - * /           |
 * | day-of-month | 1-31                | , - * ? / L W LW  |
 * | month        | 1-12 or JAN-DEC     | , - * /           |
 * | day-of-week  | 1-7 or SUN-SAT      | , - * ? L #       |
 * | year         | 1970-2199           | , - * /           |
 *
 * Exactly one of day-of-month and day-of-week is `?`. `L`, `LW`, `nW`, `nL` and `n#k` stand alone
 * in their field (AWS: "3#1,6#3" is invalid). Where the docs are silent we take the stricter
 * reading so nothing we accept is refused at deploy time: ranges must run forwards (`22-2` is
 * rejected with the two-range spelling as the remedy), and `L-3` offsets are not accepted.
 */

export type DayOfMonth =
  | { kind: "any" }
  | { kind: "days"; field: Field }
  | { kind: "last" }
  | { kind: "last-weekday" }
  | { kind: "nearest-weekday"; day: number };

export type DayOfWeek =
  | { kind: "any" }
  /** `L` alone is Saturday (7), the last day of the week, so it lands here as `{7}`. */
  | { kind: "days"; field: Field }
  | { kind: "last-of-month"; weekday: number }
  | { kind: "nth-of-month"; weekday: number; nth: number };

export interface CronSpec {
  /** The normalised AWS expression: `cron(` + six single-spaced, upper-cased fields + `)`. */
  expression: string;
  minutes: Field;
  hours: Field;
  dayOfMonth: DayOfMonth;
  months: Field;
  dayOfWeek: DayOfWeek;
  years: Field;
}

export const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];
export const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const MINUTES: FieldRule = {
  label: "minutes",
  min: 0,
  max: 59,
  steps: true,
  remedy: "use 0-59, with , - * / for lists, ranges and increments",
};
const HOURS: FieldRule = {
  label: "hours",
  min: 0,
  max: 23,
  steps: true,
  remedy: "use 0-23, with , - * / for lists, ranges and increments",
};
const DAY_OF_MONTH: FieldRule = {
  label: "day-of-month",
  min: 1,
  max: 31,
  steps: true,
  remedy: "use 1-31 with , - * /, or ? L LW nW on their own",
};
const MONTH: FieldRule = {
  label: "month",
  min: 1,
  max: 12,
  names: MONTH_NAMES,
  steps: true,
  remedy: "use 1-12 or JAN-DEC",
};
const DAY_OF_WEEK: FieldRule = {
  label: "day-of-week",
  min: 1,
  max: 7,
  names: WEEKDAY_NAMES,
  steps: false,
  remedy: "use 1-7 or SUN-SAT; 1 is Sunday",
};
const YEAR: FieldRule = {
  label: "year",
  min: 1970,
  max: 2199,
  steps: true,
  remedy: "use 1970-2199, or * for every year",
};

const FIELD_ORDER = "minutes hours day-of-month month day-of-week year";

export function parseAwsCron(source: string): CronSpec {
  const where = source.trim();
  const match = /^cron\((.*)\)$/is.exec(where);
  if (match === null) {
    throw scheduleError(
      `"${where}" is not a cron expression`,
      "write cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 9 ? * MON-FRI *)",
    );
  }
  const parts = (match[1] ?? "").trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 6) {
    throw scheduleError(
      `${where} has ${parts.length} field${parts.length === 1 ? "" : "s"}; EventBridge Scheduler needs 6 (${FIELD_ORDER})`,
      "write all six, e.g. cron(0 9 ? * MON-FRI *); a 5-field Unix cron goes without cron(…), e.g. 0 9 * * 1-5",
    );
  }
  const [minuteText, hourText, domText, monthText, dowText, yearText] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const minutes = parseField(minuteText, MINUTES, where);
  const hours = parseField(hourText, HOURS, where);
  const dayOfMonth = parseDayOfMonth(domText.toUpperCase(), where);
  const months = parseField(monthText, MONTH, where);
  const dayOfWeek = parseDayOfWeek(dowText.toUpperCase(), where);
  const years = parseField(yearText, YEAR, where);
  const fields = [
    minutes.text,
    hours.text,
    domText.toUpperCase(),
    months.text,
    dowText.toUpperCase(),
    years.text,
  ];
  assertOneQuestionMark(fields, where);
  return {
    expression: `cron(${fields.join(" ")})`,
    minutes,
    hours,
    dayOfMonth,
    months,
    dayOfWeek,
    years,
  };
}

function parseDayOfMonth(text: string, where: string): DayOfMonth {
  if (text === "?") return { kind: "any" };
  if (text === "L") return { kind: "last" };
  if (text === "LW") return { kind: "last-weekday" };
  const nearest = /^(\d+)W$/.exec(text);
  if (nearest !== null) {
    const day = Number(nearest[1]);
    if (day < 1 || day > 31) {
      throw scheduleError(
        `day-of-month "${text}" is out of range 1-31 in ${where}`,
        "use nW with n from 1 to 31, e.g. 15W",
      );
    }
    return { kind: "nearest-weekday", day };
  }
  if (/[LW]/.test(text)) {
    throw scheduleError(
      `day-of-month "${text}" mixes L or W with other values in ${where}`,
      "L (last day), LW (last weekday) and nW (weekday nearest day n) must be the whole day-of-month field",
    );
  }
  return { kind: "days", field: parseField(text, DAY_OF_MONTH, where) };
}

function parseDayOfWeek(text: string, where: string): DayOfWeek {
  if (text === "?") return { kind: "any" };
  if (text === "L")
    return { kind: "days", field: { text, items: [{ kind: "single", value: 7, text }], values: [7] } };
  const last = /^(\w+)L$/.exec(text);
  if (last !== null) {
    return { kind: "last-of-month", weekday: weekdayValue(last[1] ?? "", text, where) };
  }
  const nth = /^(\w+)#(\d+)$/.exec(text);
  if (nth !== null) {
    const weekday = weekdayValue(nth[1] ?? "", text, where);
    const week = Number(nth[2]);
    if (week < 1 || week > 5) {
      throw scheduleError(
        `day-of-week "${text}" asks for week ${week} of the month, out of range 1-5, in ${where}`,
        "use n#1 to n#5, e.g. 6#3 for the third Friday; 5L or FRIL for the last Friday",
      );
    }
    return { kind: "nth-of-month", weekday, nth: week };
  }
  if (/[L#]/.test(text)) {
    throw scheduleError(
      `day-of-week "${text}" mixes L or # with other values in ${where}`,
      "nL (last n-day of the month) and n#k (k-th n-day) must be the whole day-of-week field; use one schedule per such day",
    );
  }
  return { kind: "days", field: parseField(text, DAY_OF_WEEK, where) };
}

function weekdayValue(text: string, token: string, where: string): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value >= 1 && value <= 7) return value;
    throw scheduleError(`day-of-week "${text}" is out of range 1-7 in ${where}`, DAY_OF_WEEK.remedy);
  }
  const index = WEEKDAY_NAMES.indexOf(text);
  if (index < 0)
    throw scheduleError(`day-of-week "${token}" is not a valid value in ${where}`, DAY_OF_WEEK.remedy);
  return index + 1;
}

function assertOneQuestionMark(fields: readonly string[], where: string): void {
  const [minute, hour, dom, month, dow, year] = fields;
  if (dom === "?" && dow === "?") {
    throw scheduleError(
      `day-of-month and day-of-week are both "?" in ${where}`,
      `exactly one must be "?": cron(${minute} ${hour} * ${month} ? ${year}) runs every day`,
    );
  }
  if (dom === "?" || dow === "?") return;
  const message = `day-of-month "${dom}" and day-of-week "${dow}" are both set in ${where}`;
  if (dom === "*") {
    throw scheduleError(
      message,
      `put "?" in day-of-month: cron(${minute} ${hour} ? ${month} ${dow} ${year})`,
    );
  }
  if (dow === "*") {
    throw scheduleError(message, `put "?" in day-of-week: cron(${minute} ${hour} ${dom} ${month} ? ${year})`);
  }
  throw scheduleError(
    message,
    `EventBridge Scheduler cannot combine a day of the month with a day of the week; keep one and put "?" in the other`,
  );
}
