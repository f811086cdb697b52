import { scheduleError } from "./schedule-error.js";

/**
 * Unix cron's `@` shorthands, as the AWS expression for the same times (UTC unless the schedule
 * has a time zone). `@weekly` is Sunday at midnight, as in Unix cron.
 */
const SHORTHANDS: Readonly<Record<string, string>> = {
  "@yearly": "cron(0 0 1 1 ? *)",
  "@annually": "cron(0 0 1 1 ? *)",
  "@monthly": "cron(0 0 1 * ? *)",
  "@weekly": "cron(0 0 ? * SUN *)",
  "@daily": "cron(0 0 * * ? *)",
  "@midnight": "cron(0 0 * * ? *)",
  "@hourly": "cron(0 * * * ? *)",
};

export function shorthandToAws(source: string): string {
  const word = source.trim().toLowerCase();
  const expression = SHORTHANDS[word];
  if (expression !== undefined) return expression;
  throw scheduleError(
    `"${source.trim()}" is not a schedule shorthand`,
    word === "@reboot"
      ? "a job has no machine to reboot; use a schedule such as @daily"
      : `use one of ${Object.keys(SHORTHANDS).join(", ")}`,
  );
}
