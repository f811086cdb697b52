import { type Plan, type PlanAction, type PlanStep, redactPlan } from "@flexjob/sdk";

const SYMBOL: Record<PlanAction, string> = { create: "+", update: "~", delete: "-", noop: "=" };

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function stepLines(step: PlanStep, width: number): string[] {
  const head = `  ${SYMBOL[step.action]} ${step.kind.padEnd(15)} ${step.id.padEnd(width)}${step.reason ? `  ${step.reason}` : ""}`;
  if (step.action !== "update") return [head.trimEnd()];
  return [
    head.trimEnd(),
    ...step.changes.map((change) => `      ${change.path}: ${show(change.before)} → ${show(change.after)}`),
  ];
}

/**
 * The plan as a person reads it: one line a resource, `+ ~ - =`, and the changed fields of
 * updates, with secret-looking environment values shown as `***`.
 */
export function renderPlan(unredacted: Plan, options: { verbose?: boolean } = {}): string {
  const plan = redactPlan(unredacted);
  const width = Math.max(0, ...plan.steps.map((step) => step.id.length));
  const counts: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, noop: 0 };
  const lines = [`plan for ${plan.app} in ${plan.region} (account ${plan.accountId})`];
  for (const step of plan.steps) {
    counts[step.action]++;
    if (step.action !== "noop" || options.verbose !== false) lines.push(...stepLines(step, width));
  }
  lines.push(
    `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.noop} unchanged`,
  );
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}
