import { MONTH_NAMES, WEEKDAY_NAMES } from "./cron.js";
import { type Field, type FieldItem, type FieldRule, parseField, valuesOf } from "./fields.js";
import { scheduleError } from "./schedule-error.js";

/**
 * Five-field Unix cron (`minute hour day-of-month month day-of-week`) rewritten as the AWS
 * expression it deploys as. Minutes, hours, day-of-month and month mean the same in both and
 * pass through (names upper-cased). Day-of-week is renumbered — Unix 0-6 (0 or 7 = Sunday)
 * becomes AWS 1-7 (1 = Sunday), so `1-5` → `2-6` — and its increments, which AWS does not
 * allow there, become the list of days they match (`*∕2` → `1,3,5,7`). AWS needs `?` in
 * exactly one day field, so a `*` day field becomes `?`; Unix runs when *either* restricted day
 * field matches, which AWS cannot express, so restricting both is an error. The year is `*`.
 */

const UNIX_DAY_OF_WEEK: FieldRule = {
  label: "day-of-week",
  min: 0,
  max: 7,
  names: WEEKDAY_NAMES,
  steps: true,
  remedy: "use 0-7 or SUN-SAT; 0 and 7 are Sunday",
};

const RULES: readonly FieldRule[] = [
  {
    label: "minute",
    min: 0,
    max: 59,
    steps: true,
    remedy: "use 0-59, with , - * / for lists, ranges and steps",
  },
  {
    label: "hour",
    min: 0,
    max: 23,
    steps: true,
    remedy: "use 0-23, with , - * / for lists, ranges and steps",
  },
  {
    label: "day-of-month",
    min: 1,
    max: 31,
    steps: true,
    remedy: "use 1-31, with , - * / for lists, ranges and steps",
  },
  { label: "month", min: 1, max: 12, names: MONTH_NAMES, steps: true, remedy: "use 1-12 or JAN-DEC" },
  UNIX_DAY_OF_WEEK,
];

/** The AWS expression for a Unix cron; `source` must have exactly five fields. */
export function unixCronToAws(source: string): string {
  const where = source.trim();
  const texts = where.split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = RULES.map((rule, index) =>
    parseField(texts[index] ?? "", rule, where),
  ) as [Field, Field, Field, Field, Field];
  const domStar = dayOfMonth.text === "*";
  const dowStar = dayOfWeek.text === "*";
  if (!domStar && !dowStar) {
    throw scheduleError(
      `${where} restricts both day-of-month "${dayOfMonth.text}" and day-of-week "${dayOfWeek.text}", which EventBridge Scheduler cannot express`,
      `Unix cron runs when either one matches; keep one (${minute.text} ${hour.text} ${dayOfMonth.text} ${month.text} * or ${minute.text} ${hour.text} * ${month.text} ${dayOfWeek.text}) and make a second job for the other`,
    );
  }
  const awsDayOfMonth = domStar && !dowStar ? "?" : dayOfMonth.text;
  const awsDayOfWeek = dowStar ? "?" : awsWeekdays(dayOfWeek);
  return `cron(${minute.text} ${hour.text} ${awsDayOfMonth} ${month.text} ${awsDayOfWeek} *)`;
}

function awsWeekdays(field: Field): string {
  return [...new Set(field.items.flatMap(awsWeekdayTokens))].join(",");
}

/** Names mean the same day in both, so they pass through; numbers shift by one. */
function awsWeekdayTokens(item: FieldItem): string[] {
  switch (item.kind) {
    case "all":
      return ["*"];
    case "single":
      return /\d/.test(item.text) ? [String(awsWeekday(item.value))] : [item.text];
    case "range":
      if (!/\d/.test(item.text)) return [item.text];
      // 7 is Sunday again, which in AWS numbering is the start of the week, not the end
      if (item.to < 7) return [`${item.from + 1}-${item.to + 1}`];
      if (item.from === 0) return ["1-7"];
      if (item.from === 7) return ["1"];
      return [`${item.from + 1}-7`, "1"];
    case "step":
      return [...new Set(valuesOf([item], UNIX_DAY_OF_WEEK).map(awsWeekday))]
        .sort((a, b) => a - b)
        .map(String);
  }
}

function awsWeekday(unixWeekday: number): number {
  return (unixWeekday % 7) + 1;
}
