import { scheduleError } from "./schedule-error.js";

/**
 * AWS rate expressions, `rate(value unit)`: a positive whole number and one of minute(s), hour(s),
 * day(s), singular exactly when the value is 1 — AWS rejects `rate(1 minutes)` and
 * `rate(5 minute)`. https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based
 *
 * A rate counts fixed durations from the schedule's start (creation, or StartDate when set): a
 * `day` is 24 hours, so daily rates drift an hour in local time across a DST change.
 */

export type RateUnit = "minute" | "hour" | "day";

export interface RateSpec {
  /** The normalised AWS expression, e.g. `rate(5 minutes)`. */
  expression: string;
  value: number;
  unit: RateUnit;
  /** value × unit, in milliseconds. */
  intervalMs: number;
}

const UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function rateExpression(value: number | string, unit: RateUnit): string {
  return `rate(${value} ${String(value) === "1" ? unit : `${unit}s`})`;
}

export function parseRate(source: string): RateSpec {
  const where = source.trim();
  const match = /^rate\((.*)\)$/is.exec(where);
  const parts = (match?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const [valueText, unitText] = parts;
  if (match === null || parts.length !== 2 || valueText === undefined || unitText === undefined) {
    throw scheduleError(
      `${where} is not of the form rate(value unit)`,
      "write a whole number and minute(s), hour(s) or day(s), e.g. rate(5 minutes) or rate(1 hour)",
    );
  }
  if (!/^\d+$/.test(valueText) || /^0+$/.test(valueText)) {
    throw scheduleError(
      `rate value "${valueText}" is not a whole number of 1 or more in ${where}`,
      "use a positive whole number, e.g. rate(1 minute) or rate(15 minutes); nothing runs more often than once a minute",
    );
  }
  const digits = valueText.replace(/^0+/, "");
  const value = Number(digits);
  const unitWord = unitText.toLowerCase();
  const unit = unitWord.replace(/s$/, "");
  if (unit !== "minute" && unit !== "hour" && unit !== "day") {
    throw scheduleError(
      `rate unit "${unitText}" is not supported in ${where}`,
      unsupportedUnitRemedy(unit, value),
    );
  }
  const plural = unitWord.endsWith("s");
  if (value === 1 && plural) {
    throw scheduleError(
      `${where} uses the plural "${unitText}" with 1`,
      `AWS wants the singular for 1: write ${rateExpression(1, unit)}`,
    );
  }
  if (value !== 1 && !plural) {
    throw scheduleError(
      `${where} uses the singular "${unitText}" with ${digits}`,
      `AWS wants the plural above 1: write ${rateExpression(digits, unit)}`,
    );
  }
  return { expression: rateExpression(digits, unit), value, unit, intervalMs: value * UNIT_MS[unit] };
}

function unsupportedUnitRemedy(unit: string, value: number): string {
  if (unit === "second") {
    return "EventBridge Scheduler runs at most once a minute; use minute(s), hour(s) or day(s), e.g. rate(1 minute)";
  }
  if (unit === "week") return `use days: ${rateExpression(value * 7, "day")}`;
  return "use minute(s), hour(s) or day(s), e.g. rate(5 minutes) or rate(1 day)";
}
