import { isRecord, type JobContext, report, valueAt } from "./context.js";
import type { Unresolved } from "./merge.js";

/** Fields with no flexjob equivalent, and what to do instead. */
const UNMAPPED: readonly { path: string[]; note: string }[] = [
  {
    path: ["count"],
    note: "Copilot's state machine starts one task per run whatever count says, as flexjob does; flexjob's tasks: N would run N in parallel",
  },
  {
    path: ["exec"],
    note: "flexjob has no ECS Exec into job tasks; run the job with flexjob run and read its logs instead",
  },
  {
    path: ["publish"],
    note: "flexjob creates no SNS topics: create them yourself, give the job a taskRole allowed to sns:Publish, and pass the topic ARNs in env",
  },
  {
    path: ["taskdef_overrides"],
    note: "flexjob has no task definition overrides: express each change with a flexjob field, or raise an issue for one",
  },
  {
    path: ["storage", "readonly_fs"],
    note: "flexjob's containers have a writable root file system; remove readonly_fs",
  },
];

/** Reports each field flexjob cannot carry over, one entry per sidecar and volume. */
export function reportUnmapped(
  ctx: JobContext,
  addons: string | undefined,
  unresolved: readonly Unresolved[],
): void {
  for (const { path, note } of UNMAPPED) {
    if (valueAt(ctx, path) !== undefined) report(ctx, path, "unmapped", undefined, note);
  }
  for (const [group, note] of [
    [
      "sidecars",
      "flexjob runs no sidecars (a log router aside, from logs.to): fold it into the job's image or run it as a service",
    ],
    ["volumes", "flexjob mounts no volumes: use the task's ephemeral storage (storage: GiB), or S3"],
  ] as const) {
    const path = group === "sidecars" ? ["sidecars"] : ["storage", "volumes"];
    const items = valueAt(ctx, path);
    for (const name of Object.keys(isRecord(items) ? items : {}))
      report(ctx, [...path, name], "unmapped", undefined, note);
  }
  if (addons !== undefined) {
    ctx.entries.push({
      job: ctx.job,
      field: "addons",
      file: addons,
      line: 1,
      status: "unmapped",
      note: "flexjob deploys no CloudFormation addons: deploy them as their own stack and pass their outputs in env, secrets or taskRole",
    });
  }
  for (const { path, name } of unresolved) {
    const note =
      name === "COPILOT_ENVIRONMENT_NAME"
        ? "Copilot puts the environment it deploys to here: import again with --env NAME, or write the environment's name"
        : "Copilot read it from the deploying shell: replace it with its value";
    report(ctx, path, "unmapped", undefined, `\${${name}} is written as is; ${note}`);
  }
}
