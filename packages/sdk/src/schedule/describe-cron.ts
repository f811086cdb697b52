import { MONTH_NAMES } from "./calendar.js";
import type { CronSpec, DayOfMonth, DayOfWeek } from "./cron.js";
import type { Field, FieldItem } from "./fields.js";

/**
 * An English sentence for an AWS cron expression: the time of day first, then which days,
 * months and years, each phrase separated by a comma ("At 09:00, Monday through Friday").
 * Common shapes get a natural phrase; anything else falls back to naming each field's values.
 */
export function describeCron(cron: CronSpec): string {
  const time = timePhrase(cron.minutes, cron.hours);
  const days = [dayPhrase(cron), monthPhrase(cron), yearPhrase(cron.years)].filter((phrase) => phrase !== "");
  // "At 03:30" alone reads as a single moment; say it repeats. "Every 5 minutes" already does.
  if (days.length === 0 && time.startsWith("At ")) days.push("every day");
  return [time, ...days].join(", ");
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const NTH = ["first", "second", "third", "fourth", "fifth"];
const MOST_TIMES_LISTED = 6;

function timePhrase(minutes: Field, hours: Field): string {
  const minute = onlyValue(minutes);
  const everyHour = hours.text === "*";
  if (
    allSingles(minutes) &&
    allSingles(hours) &&
    minutes.values.length * hours.values.length <= MOST_TIMES_LISTED
  ) {
    const times = hours.values.flatMap((h) => minutes.values.map((m) => clock(h, m)));
    return `At ${joinAnd(times)}`;
  }
  if (minute !== undefined) {
    const past = minute === 0 ? "on the hour" : `at minute ${minute}`;
    if (everyHour) return `Every hour, ${past}`;
    const hourStep = fullStep(hours, 23);
    if (hourStep !== undefined) return `Every ${hourStep === 1 ? "hour" : `${hourStep} hours`}, ${past}`;
    const only = hours.items[0];
    if (hours.items.length === 1 && only?.kind === "range") {
      return `Every hour from ${clock(only.from, minute)} through ${clock(only.to, minute)}`;
    }
  }
  return [minutePhrase(minutes), everyHour ? "" : hourPhrase(hours)]
    .filter((phrase) => phrase !== "")
    .join(", ");
}

function minutePhrase(minutes: Field): string {
  if (minutes.text === "*") return "Every minute";
  const step = minutes.items[0];
  if (minutes.items.length === 1 && step?.kind === "step") {
    const every = step.step === 1 ? "Every minute" : `Every ${step.step} minutes`;
    const from = step.from === 0 ? "" : ` from minute ${step.from}`;
    return `${every}${from}${step.to === 59 ? "" : ` through minute ${step.to}`}`;
  }
  return `At ${countedPhrase(minutes, "minute", 0, 59)}`;
}

function hourPhrase(hours: Field): string {
  const only = hours.items[0];
  if (hours.items.length === 1 && only?.kind === "single")
    return `between ${clock(only.value, 0)} and ${clock(only.value, 59)}`;
  if (hours.items.length === 1 && only?.kind === "range")
    return `between ${clock(only.from, 0)} and ${clock(only.to, 59)}`;
  return `during ${countedPhrase(hours, "hour", 0, 23)}`;
}

function dayPhrase(cron: CronSpec): string {
  const month = onlyValue(cron.months);
  const dom = cron.dayOfMonth;
  if (dom.kind === "days" && month !== undefined) {
    const day = onlyValue(dom.field);
    if (day !== undefined) return `on ${day} ${MONTH_NAMES[month - 1]}`;
  }
  return dom.kind === "any" ? weekdayPhrase(cron.dayOfWeek) : monthDayPhrase(dom);
}

function monthDayPhrase(dom: Exclude<DayOfMonth, { kind: "any" }>): string {
  switch (dom.kind) {
    case "last":
      return "on the last day of the month";
    case "last-weekday":
      return "on the last weekday of the month";
    case "nearest-weekday":
      return `on the weekday nearest day ${dom.day} of the month`;
    case "days": {
      if (dom.field.text === "*") return "";
      return `on ${countedPhrase(dom.field, "day", 1, 31)} of the month`;
    }
  }
}

function weekdayPhrase(dow: DayOfWeek): string {
  switch (dow.kind) {
    case "any":
      return "";
    case "last-of-month":
      return `on the last ${weekdayName(dow.weekday)} of the month`;
    case "nth-of-month":
      return `on the ${NTH[dow.nth - 1]} ${weekdayName(dow.weekday)} of the month`;
    case "days": {
      if (dow.field.text === "*") return "";
      const names = listOf(dow.field.items, "day", 1, 7, weekdayName);
      // "Monday through Friday" needs no "on"; "on Monday" and "on Monday and Friday" do.
      return dow.field.items.length === 1 && dow.field.items[0]?.kind === "range" ? names : `on ${names}`;
    }
  }
}

function monthPhrase(cron: CronSpec): string {
  const months = cron.months;
  if (months.text === "*") return "";
  // "on 1 January" already named the month
  if (
    cron.dayOfMonth.kind === "days" &&
    onlyValue(cron.dayOfMonth.field) !== undefined &&
    onlyValue(months) !== undefined
  ) {
    return "";
  }
  return `in ${listOf(months.items, "month", 1, 12, (month) => MONTH_NAMES[month - 1] ?? String(month))}`;
}

function yearPhrase(years: Field): string {
  return years.text === "*" ? "" : `in ${listOf(years.items, "year", 1970, 2199, String)}`;
}

/** "minutes 0 and 30", "day 15", or — for a lone increment — "every 10th day". */
function countedPhrase(field: Field, unit: string, min: number, max: number): string {
  const only = field.items[0];
  if (field.items.length === 1 && only?.kind === "step") return itemPhrase(only, unit, min, max, String);
  return `${unit}${field.values.length === 1 ? "" : "s"} ${listOf(field.items, unit, min, max, String)}`;
}

function listOf(
  items: readonly FieldItem[],
  unit: string,
  min: number,
  max: number,
  name: (value: number) => string,
): string {
  return joinAnd(items.map((item) => itemPhrase(item, unit, min, max, name)));
}

function itemPhrase(
  item: FieldItem,
  unit: string,
  min: number,
  max: number,
  name: (value: number) => string,
): string {
  switch (item.kind) {
    case "all":
      return `every ${unit}`;
    case "single":
      return name(item.value);
    case "range":
      return `${name(item.from)} through ${name(item.to)}`;
    case "step": {
      const from = item.from === min ? "" : ` from ${name(item.from)}`;
      return `every ${ordinal(item.step)} ${unit}${from}${item.to === max ? "" : ` through ${name(item.to)}`}`;
    }
  }
}

function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday - 1] ?? String(weekday);
}

/** The step of a field written `*∕n` or `0∕n` over its whole range, else undefined. */
function fullStep(field: Field, max: number): number | undefined {
  const only = field.items[0];
  return field.items.length === 1 && only?.kind === "step" && only.from === 0 && only.to === max
    ? only.step
    : undefined;
}

function onlyValue(field: Field): number | undefined {
  const only = field.items[0];
  return field.items.length === 1 && only?.kind === "single" ? only.value : undefined;
}

function allSingles(field: Field): boolean {
  return field.items.every((item) => item.kind === "single");
}

function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function joinAnd(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
