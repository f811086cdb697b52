import * as core from "@actions/core";
import { code } from "./markdown.js";

/** A job the branch filter left out. */
export interface SkippedJob {
  name: string;
  branch: string;
}

/**
 * GitOps: a job with `branch:` deploys only from that branch; the others deploy from any. The
 * full run asks of the checked config, the first step of the config as data.
 */
export function jobsForBranch(
  jobs: readonly { name: string; branch?: string | undefined }[],
  only: readonly string[] | undefined,
  ref: string | undefined,
): { selected: string[]; skipped: SkippedJob[] } {
  const selected: string[] = [];
  const skipped: SkippedJob[] = [];
  for (const job of jobs) {
    if (only !== undefined && !only.includes(job.name)) continue;
    if (job.branch !== undefined && job.branch !== ref) skipped.push({ name: job.name, branch: job.branch });
    else selected.push(job.name);
  }
  return { selected, skipped };
}

/** One notice per job the branch filter left out, on the run's page. */
export function announceSkipped(skipped: readonly SkippedJob[], ref: string | undefined): void {
  const on = ref === undefined ? "on no known branch" : `on ${ref}`;
  for (const job of skipped) {
    core.notice(`job ${job.name} skipped: it deploys from branch ${job.branch}, and this run is ${on}`, {
      title: "flexjob: job skipped",
    });
  }
}

/** The job summary's line naming them; undefined when there are none. */
export function skippedLine(skipped: readonly SkippedJob[], ref: string | undefined): string | undefined {
  if (skipped.length === 0) return undefined;
  const on = ref === undefined ? "no branch is known for this run" : `this run is on ${code(ref)}`;
  return `Skipped (${on}): ${skipped.map((job) => `${code(job.name)} deploys from ${code(job.branch)}`).join(", ")}.`;
}
