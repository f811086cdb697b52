import { randomUUID } from "node:crypto";
import { applyCluster, type ClusterStep } from "../aws/cluster.js";
import { applyService, type ServiceStep } from "../aws/discovery-service.js";
import { applyLogGroup, type LogGroupStep } from "../aws/log-group.js";
import { applyNamespace, type NamespaceStep } from "../aws/namespace.js";
import { applyRole, type RoleStep } from "../aws/role.js";
import { applySchedule, type ScheduleStep } from "../aws/schedule.js";
import { applyScheduleGroup, type ScheduleGroupStep } from "../aws/schedule-group.js";
import { applyTaskDefinition, type TaskDefinitionStep } from "../aws/task-definition.js";
import { type Deps, mapLimit } from "../deps.js";
import { FlexjobError, internal, REPORT_WITH_PLAN } from "../errors.js";
import type { Plan, PlanStep } from "../plan/types.js";

export interface ApplyResult {
  /** Task definition family → the revision ARN schedules now run. */
  taskDefinitionArns: Record<string, string>;
  /** Schedule name → ARN, for every schedule that exists after apply. */
  scheduleArns: Record<string, string>;
  /** How many steps sent a mutating call. */
  changed: number;
}

/** Writes in flight at once; AWS's control-plane write limits are low, and order within a phase is free. */
const WRITE_CONCURRENCY = 6;

/**
 * Phases run in order; steps within a phase are independent and run in parallel. Creates and
 * updates go before the schedules that need them; deletes go last, schedules before the task
 * definitions and roles they point at, so a failure midway never leaves a dangling reference.
 */
function phaseOf(step: PlanStep): number {
  const deleting = step.action === "delete";
  switch (step.kind) {
    case "role":
    case "cluster":
    case "schedule-group":
    case "namespace":
      return deleting ? 7 : 0;
    case "discovery-service":
      return deleting ? 6 : 1;
    case "log-group":
      return deleting ? 5 : 1;
    case "task-definition":
      return deleting ? 4 : 1;
    case "schedule":
      return deleting ? 3 : 2;
  }
}

function describeStep(step: PlanStep): string {
  return `${step.action} ${step.kind} ${step.id}`;
}

/**
 * The ARNs a plan's resources have before it is applied: what a dry run reports, and where apply
 * starts (it then records what it creates and updates). Resources about to be deleted are left out.
 */
export function liveArns(plan: Plan): ApplyResult {
  const result: ApplyResult = { taskDefinitionArns: {}, scheduleArns: {}, changed: 0 };
  for (const step of plan.steps) {
    const arn = (step.live as { arn?: string } | undefined)?.arn;
    if (arn === undefined || step.action === "delete") continue;
    if (step.kind === "task-definition") result.taskDefinitionArns[step.id] = arn;
    if (step.kind === "schedule") result.scheduleArns[step.id] = arn;
  }
  return result;
}

export interface ApplyOptions {
  /** What the plan is for, as a failure names it: a failed destroy must not say "deploy". */
  operation?: "deploy" | "destroy";
}

/** Executes exactly the create/update/delete steps of a plan; no-op steps send nothing. */
export async function apply(plan: Plan, deps: Deps, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { clients, logger, sleep } = deps;
  const runId = randomUUID();
  const result = liveArns(plan);
  const pending = plan.steps.filter((step) => step.action !== "noop");
  const done: PlanStep[] = [];
  const phases = [...new Set(pending.map(phaseOf))].sort((a, b) => a - b);

  const run = async (step: PlanStep): Promise<void> => {
    logger.info(describeStep(step));
    // The dispatcher is the one place a step's kind decides its spec type.
    switch (step.kind) {
      case "role":
        return applyRole(clients, step as RoleStep);
      case "cluster":
        return applyCluster(clients, step as ClusterStep);
      case "schedule-group":
        return applyScheduleGroup(clients, step as ScheduleGroupStep);
      case "namespace":
        await applyNamespace(clients, step as NamespaceStep, { sleep, now: deps.now });
        return;
      case "discovery-service":
        await applyService(clients, step as ServiceStep, { sleep, now: deps.now });
        return;
      case "log-group":
        return applyLogGroup(clients, step as LogGroupStep);
      case "task-definition": {
        const arn = await applyTaskDefinition(clients, step as TaskDefinitionStep, { sleep });
        if (step.action !== "delete") result.taskDefinitionArns[step.id] = arn;
        return;
      }
      case "schedule": {
        const arn = await applySchedule(clients, step as ScheduleStep, {
          sleep,
          runId,
          taskDefinitionArnFor: (family) => {
            const found = result.taskDefinitionArns[family];
            if (found === undefined)
              throw internal(
                `no task definition revision for ${family} before its schedule`,
                REPORT_WITH_PLAN,
              );
            return found;
          },
        });
        if (step.action === "delete") delete result.scheduleArns[step.id];
        else result.scheduleArns[step.id] = arn;
        return;
      }
    }
  };

  for (const phase of phases) {
    const steps = pending.filter((step) => phaseOf(step) === phase);
    const failures: { step: PlanStep; error: unknown }[] = [];
    await mapLimit(steps, WRITE_CONCURRENCY, async (step) => {
      try {
        await run(step);
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
  plan: Plan,
  pending: PlanStep[],
  done: PlanStep[],
  failures: { step: PlanStep; error: unknown }[],
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
