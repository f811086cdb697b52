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
    const where = (entryKey: unknown) =>
      typeof entryKey === "string"
        ? `schedules[${index}] (key ${showValue(entryKey)})`
        : `schedules[${index}]`;
    const problem = (field: string, message: string, remedy: string, entryKey?: unknown) =>
      issues.push({
        path: `schedules[${index}]${field ? `.${field}` : ""}`,
        message: `${where(entryKey)}: ${message}`,
        remedy,
      });
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problem(
        "",
        `must be an object, got ${showValue(raw)}`,
        "write { key, expression, timezone?, enabled?, env? }",
      );
      return;
    }
    const entry = raw as Record<string, unknown>;
    const { key } = entry;
    const before = issues.length;
    for (const field of Object.keys(entry)) {
      if (!FIELDS.has(field)) {
        problem(
          field,
          `unknown field ${showValue(field)}`,
          "use only key, expression, timezone, enabled and env",
          key,
        );
      }
    }
    if (typeof key !== "string" || key.length === 0 || key.length > BULK_KEY_MAX) {
      problem(
        "key",
        `key must be text of 1–${BULK_KEY_MAX} characters, got ${showValue(key)}`,
        "give every entry a unique key, e.g. the customer id",
      );
    } else {
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
    let expression: string | undefined;
    if (typeof entry.expression !== "string") {
      problem(
        "expression",
        `expression must be text, got ${showValue(entry.expression)}`,
        'write e.g. "every day at 06:00" or "cron(0 6 * * ? *)"',
        key,
      );
    } else {
      try {
        expression = parseSchedule(entry.expression).expression;
      } catch (error) {
        if (!(error instanceof FlexjobError)) throw error;
        problem(
          "expression",
          `expression ${showValue(entry.expression)}: ${error.message}`,
          error.remedy ?? "",
          key,
        );
      }
    }
    let timezone: string | undefined;
    if (entry.timezone !== undefined) {
      try {
        if (typeof entry.timezone !== "string")
          throw new FlexjobError("", {
            code: "TIMEZONE_INVALID",
            remedy: 'use an IANA name such as "Europe/Berlin"',
          });
        timezone = assertTimezone(entry.timezone);
      } catch (error) {
        if (!(error instanceof FlexjobError)) throw error;
        problem(
          "timezone",
          `timezone ${showValue(entry.timezone)} is not an IANA time zone`,
          error.remedy ?? "",
          key,
        );
      }
    }
    if (entry.enabled !== undefined && typeof entry.enabled !== "boolean") {
      problem(
        "enabled",
        `enabled must be true or false, got ${showValue(entry.enabled)}`,
        "write enabled: true or enabled: false",
        key,
      );
    }
    const env: Record<string, string> = {};
    if (entry.env !== undefined) {
      if (entry.env === null || typeof entry.env !== "object" || Array.isArray(entry.env)) {
        problem(
          "env",
          `env must be a map of names to values, got ${showValue(entry.env)}`,
          'write env: { CUSTOMER_ID: "acme" }',
          key,
        );
      } else {
        for (const [name, value] of Object.entries(entry.env)) {
          const bad = envNameProblem(name, "env");
          if (bad) problem(`env.${name}`, bad.message, bad.remedy, key);
          else if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
            problem(
              `env.${name}`,
              `env.${name} must be a string, a number or a boolean, got ${showValue(value)}`,
              "quote the value",
              key,
            );
          } else env[name] = String(value);
        }
      }
    }
    if (issues.length > before || typeof key !== "string" || expression === undefined) return;
    checked.push({ key, expression, timezone, enabled: entry.enabled !== false, env });
  });
  const [first] = issues;
  if (first !== undefined) {
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    throw new FlexjobError(`${first.message}${more}`, {
      code: "INPUT_INVALID",
      ...(first.remedy ? { remedy: first.remedy } : {}),
      issues,
    });
  }
  return checked;
}
