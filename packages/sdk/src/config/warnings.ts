import type { PathProblem } from "./issues.js";

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
 * The warnings of a valid config, each with its path, message and fix; parseConfig places them in
 * the file. Only fields it can be sure of: a deprecated field next to its new name is an error,
 * not a warning (the schema's).
 */
export function configWarnings(raw: unknown): PathProblem[] {
  const jobs = isRecord(raw) && isRecord(raw.jobs) ? raw.jobs : {};
  return Object.entries(jobs).flatMap(([name, job]) =>
    Object.entries(RENAMED_JOB_FIELDS)
      .filter(
        ([old, renamed]) => isRecord(job) && Object.hasOwn(job, old) && !Object.hasOwn(job, renamed.now),
      )
      .map(([old, renamed]) => ({
        path: ["jobs", name, old],
        message: `${old} is now called ${renamed.now} (${renamed.why}); ${old} is still read`,
        remedy: `rename ${old} to ${renamed.now}`,
      })),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
