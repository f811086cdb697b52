import { scheduleError } from "./schedule-error.js";

/**
 * One comma-separated cron field: `*`, values, ranges `a-b` and increments `*∕s`, `a∕s`, `a-b∕s`.
 * Shared by the AWS and Unix parsers, which differ only in their rules (bounds, names, whether
 * `/` is allowed). The special day forms (`?`, `L`, `W`, `#`) are handled by the callers.
 */

export type FieldItem =
  | { kind: "all" }
  | { kind: "single"; value: number; text: string }
  | { kind: "range"; from: number; to: number; text: string }
  | { kind: "step"; from: number; to: number; step: number; text: string };

export interface Field {
  /** As written, with names upper-cased. */
  text: string;
  items: readonly FieldItem[];
  /** Every value the field matches, ascending, without repeats. */
  values: readonly number[];
}

export interface FieldRule {
  /** How messages name the field, e.g. `day-of-week`. */
  label: string;
  min: number;
  max: number;
  /** Upper-case names for `min`, `min + 1`, … (JAN-DEC, SUN-SAT). */
  names?: readonly string[];
  /** Whether `/` increments are allowed; AWS day-of-week has none. */
  steps: boolean;
  /** What to write instead of a bad value, e.g. `use 1-7 or SUN-SAT; 1 is Sunday`. */
  remedy: string;
}

/** `where` is the whole expression, quoted in every message so the user can find the field. */
export function parseField(text: string, rule: FieldRule, where: string): Field {
  const normalised = text.toUpperCase();
  const items = normalised.split(",").map((token) => {
    if (token === "") {
      throw scheduleError(
        `${rule.label} "${normalised}" has an empty list item in ${where}`,
        `separate values with single commas, e.g. ${rule.min},${rule.min + 1}`,
      );
    }
    return parseItem(token, rule, where);
  });
  return { text: normalised, items, values: valuesOf(items, rule) };
}

/** Every value the items match, ascending, without repeats. */
export function valuesOf(items: readonly FieldItem[], rule: Pick<FieldRule, "min" | "max">): number[] {
  // One item, the usual field, yields its values ascending and once each already: no set, no sort
  // (a bulk sync parses every entry's expression, and `*` in the year field alone is 230 values).
  const [only] = items;
  if (items.length === 1 && only !== undefined) {
    const [from, to, step] = boundsOf(only, rule);
    const values: number[] = [];
    for (let value = from; value <= to; value += step) values.push(value);
    return values;
  }
  const matched = new Set<number>();
  for (const item of items) {
    const [from, to, step] = boundsOf(item, rule);
    for (let value = from; value <= to; value += step) matched.add(value);
  }
  return [...matched].sort((a, b) => a - b);
}

function boundsOf(item: FieldItem, rule: Pick<FieldRule, "min" | "max">): [number, number, number] {
  switch (item.kind) {
    case "all":
      return [rule.min, rule.max, 1];
    case "single":
      return [item.value, item.value, 1];
    case "range":
      return [item.from, item.to, 1];
    case "step":
      return [item.from, item.to, item.step];
  }
}

function parseItem(token: string, rule: FieldRule, where: string): FieldItem {
  if (token === "*") return { kind: "all" };
  const slash = token.split("/");
  if (slash.length === 2) return parseStep(token, slash[0] ?? "", slash[1] ?? "", rule, where);
  if (slash.length > 2) throw invalidValue(token, rule, where);
  const dash = token.split("-");
  if (dash.length === 2) {
    const [from, to] = parseRange(token, dash[0] ?? "", dash[1] ?? "", rule, where);
    return { kind: "range", from, to, text: token };
  }
  if (dash.length > 2) throw invalidValue(token, rule, where);
  return { kind: "single", value: parseValue(token, token, rule, where), text: token };
}

function parseStep(token: string, base: string, stepText: string, rule: FieldRule, where: string): FieldItem {
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
    throw scheduleError(
      `${rule.label} step "${stepText}" in "${token}" is not a whole number of 1 or more in ${where}`,
      `use a step of 1 or more, e.g. */2`,
    );
  }
  const step = Number(stepText);
  let from = rule.min;
  let to = rule.max;
  if (base !== "*") {
    const dash = base.split("-");
    if (dash.length === 2) [from, to] = parseRange(token, dash[0] ?? "", dash[1] ?? "", rule, where);
    else if (dash.length === 1) from = parseValue(base, token, rule, where);
    else throw invalidValue(token, rule, where);
  }
  const item: FieldItem = { kind: "step", from, to, step, text: token };
  if (!rule.steps) {
    throw scheduleError(
      `${rule.label} "${token}" uses "/", which ${rule.label} does not allow, in ${where}`,
      `list the values instead: ${valuesOf([item], rule).join(",")}`,
    );
  }
  return item;
}

function parseRange(token: string, fromText: string, toText: string, rule: FieldRule, where: string) {
  const from = parseValue(fromText, token, rule, where);
  const to = parseValue(toText, token, rule, where);
  if (from > to) {
    const named = rule.names !== undefined && !/\d/.test(token);
    const first = named ? (rule.names?.[0] ?? String(rule.min)) : String(rule.min);
    const last = named ? (rule.names?.at(-1) ?? String(rule.max)) : String(rule.max);
    throw scheduleError(
      `${rule.label} range "${token}" runs backwards in ${where}`,
      `split it in two: ${spanText(fromText, last)},${spanText(first, toText)}`,
    );
  }
  return [from, to] as const;
}

function spanText(from: string, to: string): string {
  return from === to ? from : `${from}-${to}`;
}

function parseValue(text: string, token: string, rule: FieldRule, where: string): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < rule.min || value > rule.max) {
      throw scheduleError(
        `${rule.label} "${text}" is out of range ${rule.min}-${rule.max} in ${where}`,
        rule.remedy,
      );
    }
    return value;
  }
  const index = rule.names?.indexOf(text) ?? -1;
  if (index < 0) throw invalidValue(token, rule, where);
  return rule.min + index;
}

function invalidValue(token: string, rule: FieldRule, where: string) {
  return scheduleError(`${rule.label} "${token}" is not a valid value in ${where}`, rule.remedy);
}
