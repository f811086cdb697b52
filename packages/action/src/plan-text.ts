import type { Plan, PlanAction, PlanStep } from "@flexjob/sdk";

export const ACTION_SYMBOL: Record<PlanAction, string> = { create: "+", update: "~", delete: "-", noop: "=" };

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** `container.image: "a" → "b"`, one a changed field. */
export function changeLines(step: PlanStep): string[] {
  return step.changes.map((change) => `${change.path}: ${show(change.before)} → ${show(change.after)}`);
}

export function countActions(plan: Plan): Record<PlanAction, number> {
  const counts: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const step of plan.steps) counts[step.action]++;
  return counts;
}

/** `1 to create, 0 to update, …` for a plan; `1 created, 0 updated, …` once applied. */
export function countLine(plan: Plan, tense: "planned" | "applied" = "planned"): string {
  const counts = countActions(plan);
  return tense === "planned"
    ? `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.noop} unchanged`
    : `${counts.create} created, ${counts.update} updated, ${counts.delete} deleted, ${counts.noop} unchanged`;
}

/** The plan for the log: one line a resource (`+ ~ - =`), the changed fields of updates, notes. */
export function planText(plan: Plan): string {
  const width = Math.max(0, ...plan.steps.map((step) => step.id.length));
  const lines = [`plan for ${plan.app} in ${plan.region} (account ${plan.accountId})`];
  for (const step of plan.steps) {
    const reason = step.reason === undefined ? "" : `  ${step.reason}`;
    lines.push(
      `  ${ACTION_SYMBOL[step.action]} ${step.kind.padEnd(15)} ${step.id.padEnd(width)}${reason}`.trimEnd(),
    );
    if (step.action === "update") lines.push(...changeLines(step).map((line) => `      ${line}`));
  }
  lines.push(countLine(plan));
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
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
