import { envNameProblem } from "../config/names.js";
import { type FieldIssue, FlexjobError, showValue } from "../errors.js";
import { assertTimezone, parseSchedule } from "../schedule/index.js";

/**
 * One of a job's many schedules: the job's own target, run at its own times with a few env values
 * of its own (e.g. one schedule per customer with `CUSTOMER_ID`).
 * @example { key: "acme", expression: "every day at 06:00", timezone: "Europe/Berlin", env: { CUSTOMER_ID: "acme" } }
 */
export interface BulkSchedule {
  /** Identifies the schedule across syncs; any text, 1–256 characters, unique in the list. */
  key: string;
  /** Any form `parseSchedule` accepts: `rate(1 hour)`, `cron(…)`, `0 9 * * 1-5`, `every weekday at 9:00`, `at(…)`. */
  expression: string;
  /** IANA time zone the expression is read in; default: the job's `timezone`. */
  timezone?: string;
  /** Default true. A disabled schedule stays, but does not start tasks. */
  enabled?: boolean;
  /** Added to the task's environment, next to `FLEXJOB_SCHEDULE_KEY`; names follow the config's env rules. */
  env?: Record<string, string>;
}

/** A checked entry: the expression is the AWS expression it deploys as. */
export interface CheckedBulkSchedule {
  key: string;
  expression: string;
  timezone: string | undefined;
  enabled: boolean;
  env: Record<string, string>;
}

export const BULK_KEY_MAX = 256;
const FIELDS = new Set(["key", "expression", "timezone", "enabled", "env"]);

/**
 * Checks a list of bulk schedules (e.g. as loaded from a file) without any AWS call, reporting every
 * bad entry by index and key. Loading is not validating: pass what the file held.
 * @example checkBulkSchedules([{ key: "acme", expression: "every day at 06:00", env: { CUSTOMER_ID: "acme" } }])
 *   // [{ key: "acme", expression: "cron(0 6 * * ? *)", timezone: undefined, enabled: true, env: { CUSTOMER_ID: "acme" } }]
 */
export function checkBulkSchedules(input: unknown): CheckedBulkSchedule[] {
  if (!Array.isArray(input)) {
    throw new FlexjobError(`bulk schedules must be a list, got ${showValue(input)}`, {
      code: "INPUT_INVALID",
      remedy: 'write a JSON or YAML list of entries like { key: "acme", expression: "every day at 06:00" }',
    });
  }
  const issues: FieldIssue[] = [];
  const checked: CheckedBulkSchedule[] = [];
  const firstIndexOfKey = new Map<string, number>();
  input.forEach((raw: unknown, index) => {
    const entry = checkEntry(raw, index, firstIndexOfKey, issues);
    if (entry !== undefined) checked.push(entry);
  });
  throwIfAnyIssue(issues);
  return checked;
}

/** Records one problem of the entry being checked, at `schedules[i].field`. */
type ReportProblem = (field: string, message: string, remedy: string, entryKey?: unknown) => void;

function problemReporter(index: number, issues: FieldIssue[]): ReportProblem {
  const where = (entryKey: unknown) =>
    typeof entryKey === "string" ? `schedules[${index}] (key ${showValue(entryKey)})` : `schedules[${index}]`;
  return (field, message, remedy, entryKey) => {
    issues.push({
      path: `schedules[${index}]${field ? `.${field}` : ""}`,
      message: `${where(entryKey)}: ${message}`,
      remedy,
    });
  };
}

/** One entry checked, its problems added to `issues`; undefined when it has any. */
function checkEntry(
  raw: unknown,
  index: number,
  firstIndexOfKey: Map<string, number>,
  issues: FieldIssue[],
): CheckedBulkSchedule | undefined {
  const problem = problemReporter(index, issues);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    problem(
      "",
      `must be an object, got ${showValue(raw)}`,
      "write { key, expression, timezone?, enabled?, env? }",
    );
    return undefined;
  }
  const entry = raw as Record<string, unknown>;
  const { key } = entry;
  const before = issues.length;
  checkUnknownFields(entry, problem);
  checkKey(key, index, firstIndexOfKey, problem);
  const expression = checkExpression(entry.expression, key, problem);
  const timezone = checkTimezone(entry.timezone, key, problem);
  if (entry.enabled !== undefined && typeof entry.enabled !== "boolean") {
    problem(
      "enabled",
      `enabled must be true or false, got ${showValue(entry.enabled)}`,
      "write enabled: true or enabled: false",
      key,
    );
  }
  const env = checkEnv(entry.env, key, problem);
  if (issues.length > before || typeof key !== "string" || expression === undefined) return undefined;
  return { key, expression, timezone, enabled: entry.enabled !== false, env };
}

function checkUnknownFields(entry: Record<string, unknown>, problem: ReportProblem): void {
  for (const field of Object.keys(entry)) {
    if (!FIELDS.has(field)) {
      problem(
        field,
        `unknown field ${showValue(field)}`,
        "use only key, expression, timezone, enabled and env",
        entry.key,
      );
    }
  }
}

function checkKey(
  key: unknown,
  index: number,
  firstIndexOfKey: Map<string, number>,
  problem: ReportProblem,
): void {
  if (typeof key !== "string" || key.length === 0 || key.length > BULK_KEY_MAX) {
    problem(
      "key",
      `key must be text of 1–${BULK_KEY_MAX} characters, got ${showValue(key)}`,
      "give every entry a unique key, e.g. the customer id",
    );
    return;
  }
  const first = firstIndexOfKey.get(key);
  if (first === undefined) firstIndexOfKey.set(key, index);
  else
    problem(
      "key",
      `duplicate key ${showValue(key)}, first used by schedules[${first}]`,
      "make every key unique: the key identifies the schedule across syncs",
      key,
    );
}

/** The AWS expression the entry deploys as, or undefined after reporting why there is none. */
function checkExpression(expression: unknown, key: unknown, problem: ReportProblem): string | undefined {
  if (typeof expression !== "string") {
    problem(
      "expression",
      `expression must be text, got ${showValue(expression)}`,
      'write e.g. "every day at 06:00" or "cron(0 6 * * ? *)"',
      key,
    );
    return undefined;
  }
  try {
    return parseSchedule(expression).expression;
  } catch (error) {
    if (!(error instanceof FlexjobError)) throw error;
    problem("expression", `expression ${showValue(expression)}: ${error.message}`, error.remedy ?? "", key);
    return undefined;
  }
}

function checkTimezone(timezone: unknown, key: unknown, problem: ReportProblem): string | undefined {
  if (timezone === undefined) return undefined;
  try {
    if (typeof timezone !== "string")
      throw new FlexjobError("", {
        code: "TIMEZONE_INVALID",
        remedy: 'use an IANA name such as "Europe/Berlin"',
      });
    return assertTimezone(timezone);
  } catch (error) {
    if (!(error instanceof FlexjobError)) throw error;
    problem("timezone", `timezone ${showValue(timezone)} is not an IANA time zone`, error.remedy ?? "", key);
    return undefined;
  }
}

/** The entry's env as text values; a bad name or value is reported and left out. */
function checkEnv(env: unknown, key: unknown, problem: ReportProblem): Record<string, string> {
  const checked: Record<string, string> = {};
  if (env === undefined) return checked;
  if (env === null || typeof env !== "object" || Array.isArray(env)) {
    problem(
      "env",
      `env must be a map of names to values, got ${showValue(env)}`,
      'write env: { CUSTOMER_ID: "acme" }',
      key,
    );
    return checked;
  }
  for (const [name, value] of Object.entries(env)) {
    const bad = envNameProblem(name, "env");
    if (bad) problem(`env.${name}`, bad.message, bad.remedy, key);
    else if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      problem(
        `env.${name}`,
        `env.${name} must be a string, a number or a boolean, got ${showValue(value)}`,
        "quote the value",
        key,
      );
    } else checked[name] = String(value);
  }
  return checked;
}

/** One error for the whole list: the first problem's message, with the rest counted and listed as issues. */
function throwIfAnyIssue(issues: FieldIssue[]): void {
  const [first] = issues;
  if (first === undefined) return;
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw new FlexjobError(`${first.message}${more}`, {
    code: "INPUT_INVALID",
    ...(first.remedy ? { remedy: first.remedy } : {}),
    issues,
  });
}
