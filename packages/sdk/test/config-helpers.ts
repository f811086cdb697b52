import { type ParseConfigOptions, parseConfig } from "../src/config/parse.js";
import type { FlexjobConfig, JobSpec } from "../src/config/schema.js";
import { type FieldIssue, FlexjobError } from "../src/errors.js";

/** A config with one job, `nightly`, made of the minimum plus `fields`. */
export function withJob(fields: Record<string, unknown>, top: Record<string, unknown> = {}): unknown {
  return { app: "billing", ...top, jobs: { nightly: { schedule: "rate(5 minutes)", ...fields } } };
}

/** Parses a config that must be valid and returns its one job. */
export function parseJob(fields: Record<string, unknown>): JobSpec {
  const [job] = parseConfig(withJob(fields)).jobs;
  if (!job) throw new Error("no job parsed");
  return job;
}

/** Parses a config that must be invalid and returns its issues. */
export function issuesOf(raw: unknown, options?: ParseConfigOptions): readonly FieldIssue[] {
  try {
    parseConfig(raw, options);
  } catch (error) {
    if (error instanceof FlexjobError && error.code === "CONFIG_INVALID") return error.issues;
    throw error;
  }
  throw new Error("expected the config to be invalid");
}

/** The issues of a config as [path, message, remedy], the form most tests compare. */
export function problems(raw: unknown): [string, string, string | undefined][] {
  return issuesOf(raw).map((issue) => [issue.path, issue.message, issue.remedy]);
}

/** The one issue of a one-job config with `fields`, as [path, message, remedy]. */
export function jobProblem(fields: Record<string, unknown>): [string, string, string | undefined] {
  const found = problems(withJob(fields));
  if (found.length !== 1 || !found[0]) throw new Error(`expected one problem, got ${JSON.stringify(found)}`);
  return found[0];
}

export type { FlexjobConfig };
