import { type FieldIssue, FlexjobError } from "../errors.js";
import { dottedPath, problemsFromIssues } from "./issues.js";
import { type FlexjobConfig, flexjobConfigSchema } from "./schema.js";

/** Maps a field path to where it is written; for a missing field, where its parent is. */
export type Locate = (path: (string | number)[]) => { line: number; column: number } | undefined;

export interface ParseConfigOptions {
  /** The file the raw config came from, as the user should see it (e.g. `flexjob.yml`). */
  file?: string;
  locate?: Locate;
}

/**
 * Validates a raw config (parsed YAML or JSON, or an object built in code) against
 * {@link flexjobConfigSchema} and returns it with every default filled and every value resolved.
 * Throws one `CONFIG_INVALID` FlexjobError carrying every problem, each with its dotted path,
 * message, remedy and, when `locate` is given, its file and line.
 */
export function parseConfig(raw: unknown, options: ParseConfigOptions = {}): FlexjobConfig {
  const result = flexjobConfigSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const issues = problemsFromIssues(result.error.issues, flexjobConfigSchema).map((problem): FieldIssue => {
    const issue: FieldIssue = { path: dottedPath(problem.path), message: problem.message };
    if (problem.remedy !== undefined && problem.remedy !== "") issue.remedy = problem.remedy;
    if (options.file !== undefined) {
      const position = options.locate?.(problem.path);
      issue.location = position ? { file: options.file, ...position } : { file: options.file };
    }
    return issue;
  });
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

function lineOf(issue: FieldIssue): number {
  return (issue.location?.line ?? 0) * 10_000 + (issue.location?.column ?? 0);
}
