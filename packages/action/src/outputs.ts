import type { DeployResult } from "@flexjob/sdk";
import { planOutput } from "./plan-text.js";

/** The step's outputs, as action.yml declares them. Objects are JSON, keyed by job name. */
export interface ActionOutputs {
  image: string;
  "task-definition-arn": string;
  "schedule-arns": string;
  "next-run": string;
  changed: "true" | "false";
  plan: string;
}

/**
 * From a deploy (or dry run) result. Unknown values are null, not missing: a dry run that would
 * create a task definition has no ARN for it yet. No result (no job for this branch) gives empty
 * objects and a null plan.
 */
export function actionOutputs(result: DeployResult | undefined): ActionOutputs {
  const jobs = result?.jobs ?? [];
  const byJob = <T>(value: (job: (typeof jobs)[number]) => T) =>
    JSON.stringify(Object.fromEntries(jobs.map((job) => [job.name, value(job)])));
  return {
    image: byJob((job) => job.image),
    "task-definition-arn": byJob((job) => job.taskDefinitionArn ?? null),
    "schedule-arns": byJob((job) => job.scheduleArns),
    "next-run": byJob((job) => job.nextRuns[0] ?? null),
    changed: result?.changed === true ? "true" : "false",
    plan: JSON.stringify(result === undefined ? null : planOutput(result.plan)),
  };
}
