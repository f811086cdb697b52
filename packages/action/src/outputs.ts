import type { DeployResult, Plan } from "@flexjob/sdk";

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

/**
 * The plan as the `plan` output carries it: every step without the desired and live resource
 * bodies (large, and nothing a workflow needs); an update keeps its changed fields.
 */
export function planOutput(plan: Plan): unknown {
  return {
    app: plan.app,
    region: plan.region,
    accountId: plan.accountId,
    steps: plan.steps.map(({ kind, id, job, action, changes, reason }) => ({
      kind,
      id,
      ...(job === undefined ? {} : { job }),
      action,
      ...(action === "update" ? { changes } : {}),
      ...(reason === undefined ? {} : { reason }),
    })),
    notes: plan.notes,
  };
}
