import { randomUUID } from "node:crypto";
import type { ApplyContext } from "../aws/resource.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import type { PlanStep } from "../plan/types.js";
import { adapterOf, type ResourceKind, type ResourcePlan, type ResourceStep } from "./registry.js";

export interface ApplyResult {
  /** Kind → resource id → ARN, for every resource that exists after apply and has one. */
  arns: Partial<Record<ResourceKind, Record<string, string>>>;
  /** How many steps sent a mutating call. */
  changed: number;
}

/** Writes in flight at once; AWS's control-plane write limits are low, and order within a phase is free. */
const WRITE_CONCURRENCY = 6;

/** Deletes run after every create and update, so they sort after every write order. */
const DELETES = 1_000;

/**
 * Phases run in order; steps within a phase are independent and run in parallel. Each kind's
 * adapter says when its writes and its deletes go (see ResourceAdapter.order).
 */
function phaseOf(step: ResourceStep): number {
  const { order } = adapterOf(step.kind);
  return step.action === "delete" ? DELETES + order.remove : order.write;
}

function describeStep(step: PlanStep): string {
  return `${step.action} ${step.kind} ${step.id}`;
}

/**
 * The ARNs a plan's resources have before it is applied: what a dry run reports, and where apply
 * starts (it then records what it creates and updates). Resources about to be deleted are left out.
 */
export function liveArns(plan: ResourcePlan): ApplyResult {
  const result: ApplyResult = { arns: {}, changed: 0 };
  for (const step of plan.steps) {
    const arn = (step.live as { arn?: string } | undefined)?.arn;
    if (arn !== undefined && step.action !== "delete") record(result, step, arn);
  }
  return result;
}

/** Records a resource's ARN; a delete (no ARN) forgets it. */
function record(result: ApplyResult, step: ResourceStep, arn: string | undefined): void {
  const own = result.arns[step.kind] ?? {};
  result.arns[step.kind] = own;
  if (arn === undefined) delete own[step.id];
  else own[step.id] = arn;
}

export interface ApplyOptions {
  /** What the plan is for, as a failure names it: a failed destroy must not say "deploy". */
  operation?: "deploy" | "destroy";
}

/** Executes exactly the create/update/delete steps of a plan; no-op steps send nothing. */
export async function apply(
  plan: ResourcePlan,
  deps: Deps,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const result = liveArns(plan);
  const context: ApplyContext = {
    clients: deps.clients,
    sleep: deps.sleep,
    now: deps.now,
    runId: randomUUID(),
    arnOf: (adapter, id) => result.arns[adapter.kind as ResourceKind]?.[id],
  };
  const pending = plan.steps.filter((step) => step.action !== "noop");
  const done: ResourceStep[] = [];
  const phases = [...new Set(pending.map(phaseOf))].sort((a, b) => a - b);
  for (const phase of phases) {
    const steps = pending.filter((step) => phaseOf(step) === phase);
    const failures: { step: ResourceStep; error: unknown }[] = [];
    await mapLimit(steps, WRITE_CONCURRENCY, async (step) => {
      try {
        deps.logger.info(describeStep(step));
        const arn = await adapterOf(step.kind).apply(step, context);
        if (step.action === "delete") record(result, step, undefined);
        else if (typeof arn === "string" && arn !== "") record(result, step, arn);
        done.push(step);
        result.changed++;
      } catch (error) {
        failures.push({ step, error });
      }
    });
    if (failures.length > 0) {
      throw partialFailure(options.operation ?? "deploy", plan, pending, done, failures);
    }
  }
  return result;
}

function partialFailure(
  operation: "deploy" | "destroy",
  plan: ResourcePlan,
  pending: ResourceStep[],
  done: ResourceStep[],
  failures: { step: ResourceStep; error: unknown }[],
): FlexjobError {
  const notDone = pending.filter((step) => !done.includes(step));
  const first = failures[0];
  const cause = first?.error instanceof Error ? first.error.message : String(first?.error);
  const lines = [
    `${operation} of ${plan.app} stopped: ${failures.length} step${failures.length === 1 ? "" : "s"} failed, first ${first ? describeStep(first.step) : ""}: ${cause}`,
    `done (${done.length}): ${done.map(describeStep).join(", ") || "nothing"}`,
    `not done (${notDone.length}): ${notDone.map(describeStep).join(", ")}`,
  ];
  const firstError = first?.error;
  const ownRemedy = firstError instanceof FlexjobError ? firstError.remedy : undefined;
  return new FlexjobError(lines.join("\n"), {
    code: "AWS_ERROR",
    fault: firstError instanceof FlexjobError ? firstError.fault : "aws",
    cause: firstError,
    remedy: rerunRemedy(operation, ownRemedy),
  });
}

/** A step's own remedy comes first; a destroy's says itself when to run again, since a bare rerun can fail the same way. */
function rerunRemedy(operation: "deploy" | "destroy", ownRemedy: string | undefined): string {
  if (operation === "destroy") {
    return ownRemedy ?? "destroy again: flexjob reads what exists and removes the rest";
  }
  return `${ownRemedy ? `${ownRemedy}; then ` : ""}deploy again: flexjob reads what exists and finishes the rest`;
}
