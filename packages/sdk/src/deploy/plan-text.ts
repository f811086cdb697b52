import type { PlanAction, PlanOf, PlanStep } from "../plan/types.js";
import { redactPlan } from "../secret-values.js";

/**
 * The mark a step's line starts with, as in a diff: `+` create, `~` update, `-` delete, `=` unchanged.
 * @example
 * ACTION_SYMBOL.create; // "+"
 */
export const ACTION_SYMBOL: Readonly<Record<PlanAction, string>> = {
  create: "+",
  update: "~",
  delete: "-",
  noop: "=",
};

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/**
 * `container.image: "a" → "b"`, one line a changed field of an update (none for other actions).
 * @example
 * for (const step of plan.steps) console.log(changeLines(step).join("\n"));
 */
export function changeLines(step: PlanStep): string[] {
  if (step.action !== "update") return [];
  return step.changes.map((change) => `${change.path}: ${show(change.before)} → ${show(change.after)}`);
}

/**
 * `1 to create, 0 to update, …` for a plan; `1 created, 0 updated, …` once applied.
 * @example
 * countLine(plan); // "1 to create, 0 to update, 0 to delete, 6 unchanged"
 */
export function countLine(plan: PlanOf, tense: "planned" | "applied" = "planned"): string {
  const counts: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const step of plan.steps) counts[step.action]++;
  return tense === "planned"
    ? `${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.noop} unchanged`
    : `${counts.create} created, ${counts.update} updated, ${counts.delete} deleted, ${counts.noop} unchanged`;
}

export interface PlanTextOptions {
  /** false leaves out the unchanged (`=`) steps; they still count. Default true. */
  verbose?: boolean;
}

/**
 * The plan as a person reads it, in a terminal or a CI log: one line a resource (`+ ~ - =`), the
 * changed fields of updates, the counts and the notes. Secret-looking environment values show as
 * `***` (redactPlan's rule). No trailing newline.
 *
 * @example
 * process.stdout.write(`${planText(result.plan)}\n`);
 */
export function planText(unredacted: PlanOf, options: PlanTextOptions = {}): string {
  const plan = redactPlan(unredacted);
  const width = Math.max(0, ...plan.steps.map((step) => step.id.length));
  // At least as wide as "task-definition", so plans of the common kinds keep one layout.
  const kindWidth = Math.max("task-definition".length, ...plan.steps.map((step) => step.kind.length));
  const lines = [`plan for ${plan.app} in ${plan.region} (account ${plan.accountId})`];
  for (const step of plan.steps) {
    if (step.action === "noop" && options.verbose === false) continue;
    const reason = step.reason === undefined || step.reason === "" ? "" : `  ${step.reason}`;
    lines.push(
      `  ${ACTION_SYMBOL[step.action]} ${step.kind.padEnd(kindWidth)} ${step.id.padEnd(width)}${reason}`.trimEnd(),
    );
    lines.push(...changeLines(step).map((line) => `      ${line}`));
  }
  lines.push(countLine(plan));
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}
