import { rateExpression } from "./rate.js";
import { scheduleError } from "./schedule-error.js";

/**
 * Plain-English schedules, case-insensitive, and the AWS expression each deploys as:
 *
 * | written                                   | deploys as                  |
 * | ----------------------------------------- | --------------------------- |
 * | every minute                              | rate(1 minute)              |
 * | every 5 minutes                           | rate(5 minutes)             |
 * | every hour                                | cron(0 * * * ? *)           |
 * | every 2 hours                             | rate(2 hours)               |
 * | every day                                 | cron(0 0 * * ? *)           |
 * | every 3 days                              | rate(3 days)                |
 * | every day at 03:30                        | cron(30 3 * * ? *)          |
 * | every monday at 9:00                      | cron(0 9 ? * MON *)         |
 * | every monday, wednesday and friday at 9am | cron(0 9 ? * MON,WED,FRI *) |
 * | every weekday at 9:00                     | cron(0 9 ? * MON-FRI *)     |
 * | every weekend at 10:00                    | cron(0 10 ? * SAT,SUN *)    |
 *
 * The rule: a number ("every N units") is a rate, counted from when the schedule starts; no number
 * means the clock. "every hour" and "every day" run on the hour and at midnight, as people
 * expect, not an hour or a day after deploying. Times are 24-hour `H:MM`/`HH:MM`, or `9am`,
 * `5:30pm`, `noon`, `midnight`; a day without a time runs at 00:00.
 */

const WEEKDAYS: readonly (readonly [string, readonly string[]])[] = [
  ["MON", ["monday", "mon"]],
  ["TUE", ["tuesday", "tue", "tues"]],
  ["WED", ["wednesday", "wed"]],
  ["THU", ["thursday", "thu", "thur", "thurs"]],
  ["FRI", ["friday", "fri"]],
  ["SAT", ["saturday", "sat"]],
  ["SUN", ["sunday", "sun"]],
];

const UNIT_ALIASES: Readonly<Record<string, string>> = { sec: "second", min: "minute", hr: "hour" };

const FORMS =
  "every 5 minutes, every hour, every 2 hours, every day at 03:30, every monday at 9:00, every weekday at 9:00";

export function englishToAws(source: string): string {
  const where = source.trim();
  const text = where.toLowerCase().replace(/\s+/g, " ");
  if (text === "every minute") return rateExpression(1, "minute");
  if (text === "every hour") return "cron(0 * * * ? *)";
  const counted = /^every (\S+) (\S+)$/.exec(text);
  if (counted !== null && /^\d+$/.test(counted[1] ?? "")) {
    return countedToRate(counted[1] ?? "", counted[2] ?? "", where);
  }
  const onDays = /^every (.+?)(?: at (.+))?$/.exec(text);
  const days = onDays?.[1];
  if (onDays === null || days === undefined) throw notUnderstood(where);
  const [hour, minute] = onDays[2] === undefined ? [0, 0] : timeOfDay(onDays[2], where);
  if (days === "day") return `cron(${minute} ${hour} * * ? *)`;
  return `cron(${minute} ${hour} ? * ${weekdaysOf(days, where)} *)`;
}

function countedToRate(count: string, unitWord: string, where: string): string {
  const word = unitWord.replace(/s$/, "");
  const unit = UNIT_ALIASES[word] ?? word;
  if (unit === "second") {
    throw scheduleError(
      `"${where}" is more often than once a minute`,
      "EventBridge Scheduler runs at most once a minute; use every minute or every N minutes",
    );
  }
  if (unit !== "minute" && unit !== "hour" && unit !== "day") throw notUnderstood(where);
  const value = count.replace(/^0+/, "");
  if (value === "") {
    throw scheduleError(
      `"${where}" has a count of 0`,
      `use 1 or more, e.g. every 1 ${unit} or every 5 ${unit}s`,
    );
  }
  return rateExpression(value, unit);
}

function timeOfDay(text: string, where: string): [number, number] {
  if (text === "midnight") return [0, 0];
  if (text === "noon") return [12, 0];
  const clock = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (clock !== null) {
    const hour = Number(clock[1]);
    const minute = Number(clock[2]);
    if (hour <= 23 && minute <= 59) return [hour, minute];
  }
  const twelveHour = /^(\d{1,2})(?::(\d{2}))? ?(am|pm)$/.exec(text);
  if (twelveHour !== null) {
    const hour = Number(twelveHour[1]);
    const minute = Number(twelveHour[2] ?? "0");
    if (hour >= 1 && hour <= 12 && minute <= 59)
      return [(hour % 12) + (twelveHour[3] === "pm" ? 12 : 0), minute];
  }
  throw scheduleError(
    `time "${text}" is not a time of day in "${where}"`,
    "use 24-hour H:MM from 0:00 to 23:59 (e.g. 9:00 or 17:30), or 9am, 5:30pm, noon, midnight",
  );
}

/** Days in week order from Monday, so "friday and monday" and "monday and friday" read the same. */
function weekdaysOf(text: string, where: string): string {
  if (text === "weekday" || text === "weekdays") return "MON-FRI";
  if (text === "weekend" || text === "weekends" || text === "weekend day") return "SAT,SUN";
  const words = text.split(/ ?, ?and | ?, ?| and /);
  const found = words.map((word) =>
    WEEKDAYS.find(([, spellings]) => spellings.includes(word.replace(/s$/, ""))),
  );
  const unknown = words.find((_, index) => found[index] === undefined);
  if (unknown === undefined) {
    return WEEKDAYS.filter((day) => found.includes(day))
      .map(([name]) => name)
      .join(",");
  }
  if (found.every((day) => day === undefined)) throw notUnderstood(where);
  throw scheduleError(
    `"${unknown}" is not a day of the week in "${where}"`,
    "name days in full or by three letters (monday or mon), separated by commas or 'and'",
  );
}

function notUnderstood(where: string) {
  return scheduleError(
    `"${where}" is not a schedule flexjob understands`,
    `write e.g. ${FORMS}; or rate(5 minutes), cron(0 9 ? * MON-FRI *), at(2026-12-01T09:00:00), a 5-field Unix cron such as 0 9 * * 1-5, or @daily`,
  );
}
