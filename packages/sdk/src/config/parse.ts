import { type FieldIssue, FlexjobError } from "../errors.js";
import { REDACTED } from "../secret-values.js";
import { dottedPath, type PathProblem, problemsFromIssues } from "./issues.js";
import { type FlexjobConfig, flexjobConfigSchema } from "./schema.js";
import { secretsInConfig } from "./secret-fields.js";
import { configWarnings } from "./warnings.js";

/** Maps a field path to where it is written; for a missing field, where its parent is. */
export type Locate = (path: (string | number)[]) => { line: number; column: number } | undefined;

export interface ParseConfigOptions {
  /** The file the raw config came from, as the user should see it (e.g. `flexjob.yml`). */
  file?: string;
  locate?: Locate;
  /**
   * Called with each warning of a valid config (a renamed field still read under its old name),
   * before parseConfig returns it: the CLI prints them, the Action annotates them.
   */
  onWarning?: (warning: FieldIssue) => void;
}

/**
 * Validates a raw config (parsed YAML or JSON, or an object built in code) against
 * {@link flexjobConfigSchema} and returns it with every default filled and every value resolved.
 * Throws one `CONFIG_INVALID` FlexjobError carrying every problem, each with its dotted path,
 * message, remedy and, when `locate` is given, its file and line.
 * @example
 * const config = parseConfig({ app: "billing", jobs: { report: { image: "busybox:1.37", schedule: "every day at 6:00" } } });
 * config.jobs[0]?.schedule.expression; // "cron(0 6 * * ? *)"
 */
export function parseConfig(raw: unknown, options: ParseConfigOptions = {}): FlexjobConfig {
  const prototypeKeys = prototypeKeyProblems(raw, []);
  const result = flexjobConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success && prototypeKeys.length === 0) {
    for (const warning of configWarnings(raw)) options.onWarning?.(fieldIssue(warning, options));
    return result.data;
  }
  const problems = [
    ...prototypeKeys,
    ...(result.success ? [] : problemsFromIssues(result.error.issues, flexjobConfigSchema)),
  ];
  // Messages never quote a secret field (issues.ts); this also catches one quoted by accident.
  const scrub = scrubber(secretsInConfig(raw));
  const issues = problems.map((problem) =>
    fieldIssue(
      { ...problem, message: scrub(problem.message), remedy: problem.remedy && scrub(problem.remedy) },
      options,
    ),
  );
  const sorted = issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => lineOf(a.issue) - lineOf(b.issue) || a.index - b.index)
    .map(({ issue }) => issue);
  const subject = options.file ?? "the config";
  const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
  throw new FlexjobError(`${subject} has ${count}`, {
    code: "CONFIG_INVALID",
    remedy: `fix ${sorted.length === 1 ? "it" : "each of them"} in ${subject}`,
    issues: sorted,
  });
}

/** A problem as callers see it: a dotted path, and its file and line when they are known. */
function fieldIssue(problem: PathProblem, options: ParseConfigOptions): FieldIssue {
  const issue: FieldIssue = { path: dottedPath(problem.path), message: problem.message };
  if (problem.remedy !== undefined && problem.remedy !== "") issue.remedy = problem.remedy;
  if (options.file !== undefined) {
    const position = options.locate?.(problem.path);
    issue.location = position ? { file: options.file, ...position } : { file: options.file };
  }
  return issue;
}

/**
 * `__proto__` as a key: JavaScript objects give it a meaning of its own, and zod drops it
 * silently, so a job, variable or build argument of that name would vanish without a word.
 */
function prototypeKeyProblems(value: unknown, path: (string | number)[], depth = 0): PathProblem[] {
  if (value === null || typeof value !== "object" || depth > 64) return [];
  const problems: PathProblem[] = [];
  if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) {
    problems.push({
      path: [...path, "__proto__"],
      message: 'the name "__proto__" is not allowed',
      remedy:
        "rename it: __proto__ has a meaning of its own in JavaScript, so flexjob cannot use it as a name",
    });
  }
  for (const [key, item] of Object.entries(value)) {
    problems.push(
      ...prototypeKeyProblems(item, [...path, Array.isArray(value) ? Number(key) : key], depth + 1),
    );
  }
  return problems;
}

/** Replaces every secret (the longest first, as written and as JSON escapes it) by `***`. */
function scrubber(secrets: readonly string[]): (text: string) => string {
  const forms = secrets
    .filter((secret) => secret.length >= 3)
    .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((result, form) => result.replaceAll(form, REDACTED), text);
}

function lineOf(issue: FieldIssue): number {
  return (issue.location?.line ?? 0) * 10_000 + (issue.location?.column ?? 0);
}
