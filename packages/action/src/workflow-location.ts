import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type FieldIssue, parseConfigText, type SourceLocation } from "@flexjob/sdk";
import { isRecord } from "./data.js";

/** The runner's description of the step being run, from GITHUB_* variables. */
export interface WorkflowContext {
  workspace: string;
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/deploy.yml@refs/heads/main`. */
  workflowRef: string | undefined;
  /** GITHUB_REPOSITORY: `owner/repo`. */
  repository: string | undefined;
  /** GITHUB_JOB: the job's id in the workflow. */
  job: string | undefined;
}

/** `.github/workflows/deploy.yml` from the workflow ref. */
export function workflowPath(context: WorkflowContext): string | undefined {
  const ref = context.workflowRef;
  if (ref === undefined) return undefined;
  const at = ref.lastIndexOf("@");
  const full = at === -1 ? ref : ref.slice(0, at);
  const prefix = context.repository === undefined ? undefined : `${context.repository}/`;
  if (prefix !== undefined && full.startsWith(prefix)) return full.slice(prefix.length);
  const parts = full.split("/");
  return parts.length > 2 ? parts.slice(2).join("/") : undefined;
}

type Step = { uses?: unknown; with?: unknown };

/**
 * Gives each input problem the place in the workflow file where the input is written (`with:
 * tasks: 99`), or where the flexjob step starts when it is missing, so the annotation shows on the
 * workflow's line. Best effort: without the workflow file in the checkout, issues stay as they are.
 */
export async function locateInputIssues(
  issues: readonly FieldIssue[],
  inputNames: ReadonlySet<string>,
  context: WorkflowContext,
): Promise<FieldIssue[]> {
  const wanted = issues.filter((issue) => issue.location === undefined && inputNames.has(issue.path));
  const file = workflowPath(context);
  if (wanted.length === 0 || file === undefined) return [...issues];
  let parsed: ReturnType<typeof parseConfigText>;
  try {
    parsed = parseConfigText(await readFile(resolve(context.workspace, file), "utf8"), file);
  } catch {
    return [...issues];
  }
  const { raw, locate } = parsed;
  const jobs = isRecord(raw) && isRecord(raw.jobs) ? raw.jobs : {};
  const jobIds = context.job !== undefined && context.job in jobs ? [context.job] : Object.keys(jobs);
  const candidates = jobIds.flatMap((jobId) => {
    const job = jobs[jobId];
    const steps = isRecord(job) && Array.isArray(job.steps) ? (job.steps as unknown[]) : [];
    return steps.flatMap((step, index) =>
      isRecord(step) && isFlexjobStep(step) ? [{ path: ["jobs", jobId, "steps", index], step }] : [],
    );
  });
  return issues.map((issue) => {
    if (!wanted.includes(issue)) return issue;
    const withInput = candidates.find(({ step }) => isRecord(step.with) && issue.path in step.with);
    const target = withInput ?? candidates[0];
    if (target === undefined) return issue;
    const position = locate(withInput ? [...target.path, "with", issue.path] : target.path);
    const location: SourceLocation = position ? { file, ...position } : { file };
    return { ...issue, location };
  });
}

/** `uses: flexjob/flexjob@v1`, a fork of it, or the action in the repository itself (`./`). */
function isFlexjobStep(step: Step): boolean {
  return typeof step.uses === "string" && (/flexjob/i.test(step.uses) || step.uses.startsWith("./"));
}
