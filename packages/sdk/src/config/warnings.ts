import type { FieldIssue } from "../errors.js";
import type { ParseConfigOptions } from "./parse.js";

/**
 * Job fields renamed but still read, by their old name: a config written for an older flexjob
 * keeps deploying, and the warning says what to write instead.
 */
const RENAMED_JOB_FIELDS: Readonly<Record<string, { now: string; why: string }>> = {
  retry: {
    now: "startRetry",
    why: "it retries only runs that could not start; retries re-runs runs that failed",
  },
};

/**
 * The warnings of a valid config, each as a FieldIssue with its path, message, fix and, when
 * `locate` is given, its file and line. Only fields it can be sure of: a deprecated field next to
 * its new name is an error, not a warning (the schema's).
 */
export function configWarnings(raw: unknown, options: ParseConfigOptions = {}): FieldIssue[] {
  const jobs = isRecord(raw) && isRecord(raw.jobs) ? raw.jobs : {};
  return Object.entries(jobs).flatMap(([name, job]) =>
    Object.entries(RENAMED_JOB_FIELDS)
      .filter(
        ([old, renamed]) => isRecord(job) && Object.hasOwn(job, old) && !Object.hasOwn(job, renamed.now),
      )
      .map(([old, renamed]) =>
        located(["jobs", name, old], options, {
          message: `${old} is now called ${renamed.now} (${renamed.why}); ${old} is still read`,
          remedy: `rename ${old} to ${renamed.now}`,
        }),
      ),
  );
}

function located(
  path: string[],
  options: ParseConfigOptions,
  text: { message: string; remedy: string },
): FieldIssue {
  const issue: FieldIssue = { path: path.join("."), ...text };
  if (options.file !== undefined) {
    const position = options.locate?.(path);
    issue.location = position ? { file: options.file, ...position } : { file: options.file };
  }
  return issue;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
