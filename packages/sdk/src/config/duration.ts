import type { Problem } from "./problem.js";

const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;

/** `1d`, `6h`, `30m`, `90s`, `1h30m`, `1h 30m`: units in falling order, each at most once. */
const DURATION_TEXT = /^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/;

/** JSON Schema pattern for the string form of a duration (a bare number of seconds, or units). */
export const DURATION_PATTERN = String.raw`^\s*(\d+|(\d+\s*d)?\s*(\d+\s*h)?\s*(\d+\s*m)?\s*(\d+\s*s)?)\s*$`;

/**
 * Reads a duration written as whole seconds (`3600`, `"3600"`) or with units (`"90s"`, `"30m"`,
 * `"6h"`, `"1d"`, `"1h30m"`) and returns whole seconds, or undefined when it is neither.
 * @example
 * durationSeconds("1h30m"); // 5400
 * durationSeconds("soon"); // undefined
 */
export function durationSeconds(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const match = DURATION_TEXT.exec(text);
  if (!match || text === "") return undefined;
  const [, days, hours, minutes, seconds] = match;
  return (
    Number(days ?? 0) * UNIT_SECONDS.d +
    Number(hours ?? 0) * UNIT_SECONDS.h +
    Number(minutes ?? 0) * UNIT_SECONDS.m +
    Number(seconds ?? 0) * UNIT_SECONDS.s
  );
}

const UNIT_NAMES = { d: "day", h: "hour", m: "minute", s: "second" } as const;

/**
 * Whole seconds as counts of days, hours, minutes and seconds, largest first, zero counts left out.
 * @example durationParts(5400); // [{ unit: "h", count: 1 }, { unit: "m", count: 30 }]
 */
export function durationParts(total: number): { unit: keyof typeof UNIT_SECONDS; count: number }[] {
  const parts: { unit: keyof typeof UNIT_SECONDS; count: number }[] = [];
  let rest = total;
  for (const unit of ["d", "h", "m", "s"] as const) {
    const count = Math.floor(rest / UNIT_SECONDS[unit]);
    rest -= count * UNIT_SECONDS[unit];
    if (count > 0) parts.push({ unit, count });
  }
  return parts;
}

/** "24 hours", "90 seconds", "1 hour 30 minutes". */
export function describeSeconds(total: number): string {
  const parts = durationParts(total).map(
    ({ unit, count }) => `${count} ${UNIT_NAMES[unit]}${count === 1 ? "" : "s"}`,
  );
  return parts.length === 0 ? "0 seconds" : parts.join(" ");
}

/** A duration as a message quotes it: a string with what it reads as (`"90s" (90 seconds)`), a number as is. */
export function shownDuration(value: number | string, seconds: number): string {
  return typeof value === "string" ? `${JSON.stringify(value)} (${describeSeconds(seconds)})` : `${value}`;
}

/** A duration check for one field: the value must read as a duration within [min, max] seconds. */
export function durationProblem(
  field: string,
  value: number | string,
  bounds: { min: number; max: number; example: string },
): Problem | undefined {
  const seconds = durationSeconds(value);
  const remedy = `use whole seconds from ${bounds.min} to ${bounds.max}, or a duration with d, h, m and s units such as "${bounds.example}"`;
  if (seconds === undefined) {
    return { message: `${field} ${JSON.stringify(value)} is not a duration`, remedy };
  }
  if (seconds < bounds.min || seconds > bounds.max) {
    return {
      message: `${field} ${shownDuration(value, seconds)} is outside ${describeSeconds(bounds.min)} to ${describeSeconds(bounds.max)}`,
      remedy,
    };
  }
  return undefined;
}
