import { isRecord } from "../../core/readers.js";
import { AwsError } from "../../core/types.js";

/**
 * EventBridge event patterns (content filtering): a pattern is a JSON object whose fields nest
 * like the event's; each leaf is an array of values or filters, any of which may match (OR),
 * and every field must match (AND). Filters: exact values, `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (a value, a list, or a prefix/suffix), `numeric`
 * (up to two comparisons) and `exists`. An event array field (of values, or of objects a
 * nested pattern reaches into) matches when any element does. `$or` at any level holds two or more
 * patterns for that level, any of which may match.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */

type Filter = Record<string, unknown>;

const invalidPattern = (reason: string) =>
  new AwsError("InvalidEventPatternException", `Event pattern is not valid. Reason: ${reason}`);

const NUMERIC_OPERATORS = new Set(["<", "<=", "=", ">", ">="]);
const FILTERS = new Set(["prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists"]);

/** Parses and checks a pattern; throws InvalidEventPatternException as PutRule does. */
export function parsePattern(text: string): Filter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidPattern("Filter is not valid JSON");
  }
  if (!isRecord(parsed) || Object.keys(parsed).length === 0) {
    throw invalidPattern("Event pattern must be a non-empty JSON object");
  }
  checkFields(parsed, "");
  return parsed;
}

function checkFields(pattern: Filter, path: string): void {
  for (const [key, value] of Object.entries(pattern)) {
    const at = path === "" ? key : `${path}.${key}`;
    if (key === OR) checkOr(value, at);
    else if (isRecord(value)) checkFields(value, at);
    else if (!Array.isArray(value) || value.length === 0) {
      throw invalidPattern(`Match value for "${at}" must be a non-empty array`);
    } else for (const item of value) checkMatcher(item, at);
  }
}

const OR = "$or";

function checkOr(value: unknown, at: string): void {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isRecord)) {
    throw invalidPattern(`"${at}" must be an array of at least two patterns`);
  }
  for (const branch of value) checkFields(branch, at);
}

function checkMatcher(item: unknown, at: string): void {
  if (item === null || ["string", "number", "boolean"].includes(typeof item)) return;
  if (!isRecord(item)) throw invalidPattern(`Match value for "${at}" must be a value or a filter object`);
  const keys = Object.keys(item);
  const name = keys[0];
  if (keys.length !== 1 || name === undefined || !FILTERS.has(name)) {
    throw invalidPattern(`Unrecognized match type ${keys.join(",")} at "${at}"`);
  }
  const value = item[name];
  if (name === "exists" && typeof value !== "boolean")
    throw invalidPattern(`exists match at "${at}" must be true or false`);
  if (
    (name === "prefix" || name === "suffix" || name === "equals-ignore-case") &&
    typeof value !== "string"
  ) {
    throw invalidPattern(`${name} match at "${at}" must be a string`);
  }
  if (name === "numeric") checkNumeric(value, at);
  if (name === "anything-but") checkAnythingBut(value, at);
}

function checkNumeric(value: unknown, at: string): void {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 4)) {
    throw invalidPattern(`numeric match at "${at}" must be one or two [operator, number] pairs`);
  }
  for (let i = 0; i < value.length; i += 2) {
    if (!NUMERIC_OPERATORS.has(String(value[i])) || typeof value[i + 1] !== "number") {
      throw invalidPattern(`Unrecognized numeric range operator ${String(value[i])} at "${at}"`);
    }
  }
}

function checkAnythingBut(value: unknown, at: string): void {
  if (typeof value === "string" || typeof value === "number") return;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === "string" || typeof v === "number")
  )
    return;
  if (
    isRecord(value) &&
    Object.keys(value).length === 1 &&
    ["prefix", "suffix"].some((k) => typeof value[k] === "string")
  )
    return;
  throw invalidPattern(`anything-but match at "${at}" must be a value, a list of values, or a prefix/suffix`);
}

/** Whether the event (the full envelope, as JSON) matches a parsed pattern. */
export function matchesPattern(pattern: Filter, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === OR) return (expected as Filter[]).some((branch) => matchesPattern(branch, event));
    const actual = event[key];
    if (isRecord(expected)) {
      // A pattern object reaches into an array of objects: any element may match.
      const objects = Array.isArray(actual) ? actual.filter(isRecord) : isRecord(actual) ? [actual] : [];
      return objects.some((item) => matchesPattern(expected, item));
    }
    const matchers = expected as unknown[];
    if (actual === undefined || isRecord(actual)) {
      return actual === undefined && matchers.some((m) => isRecord(m) && m.exists === false);
    }
    const values = Array.isArray(actual) ? actual : [actual];
    return matchers.some((m) => values.some((v) => matchesValue(m, v)));
  });
}

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (!isRecord(matcher)) return matcher === value;
  const [name, operand] = Object.entries(matcher)[0] ?? [];
  switch (name) {
    case "exists":
      return operand === true;
    case "prefix":
      return typeof value === "string" && value.startsWith(String(operand));
    case "suffix":
      return typeof value === "string" && value.endsWith(String(operand));
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === String(operand).toLowerCase();
    case "numeric":
      return typeof value === "number" && numericHolds(operand as unknown[], value);
    case "anything-but":
      return anythingBut(operand, value);
    default:
      return false;
  }
}

function numericHolds(comparisons: unknown[], value: number): boolean {
  for (let i = 0; i < comparisons.length; i += 2) {
    const bound = comparisons[i + 1] as number;
    const holds = {
      "<": value < bound,
      "<=": value <= bound,
      "=": value === bound,
      ">": value > bound,
      ">=": value >= bound,
    }[String(comparisons[i]) as "<"];
    if (!holds) return false;
  }
  return true;
}

function anythingBut(operand: unknown, value: unknown): boolean {
  if (isRecord(operand)) {
    if (typeof value !== "string") return false;
    if (typeof operand.prefix === "string") return !value.startsWith(operand.prefix);
    return !value.endsWith(String(operand.suffix));
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  return !excluded.includes(value);
}
