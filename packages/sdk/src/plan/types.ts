/**
 * The plan is plain JSON data: what exists, what should, and the steps between them. It is what
 * `flexjob plan` prints, what a dry run returns, and the only input of apply.
 */

export type ResourceKind =
  | "role"
  | "cluster"
  | "schedule-group"
  | "namespace"
  | "discovery-service"
  | "log-group"
  | "task-definition"
  | "schedule";

export type PlanAction = "create" | "update" | "delete" | "noop";

/** One field that differs between what runs and what the config asks for. */
export interface FieldChange {
  /** Dotted path inside the resource, e.g. `container.environment.LOG_LEVEL`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface PlanStep<Desired = unknown, Live = unknown> {
  kind: ResourceKind;
  /** The resource's name (or ARN when it has no name), unique within its kind. */
  id: string;
  /** The job it belongs to; absent for app-wide resources. */
  job?: string;
  action: PlanAction;
  changes: FieldChange[];
  /** Why a delete or an unusual step happens, for people reading the plan. */
  reason?: string;
  desired?: Desired;
  live?: Live;
}

export interface Plan {
  app: string;
  region: string;
  accountId: string;
  /** In the order apply runs them: what others depend on comes first; deletes come last. */
  steps: PlanStep[];
  /** Things a person should know that are not steps, e.g. a private subnet needs a NAT to pull. */
  notes: string[];
}

/**
 * True when applying the plan would change nothing.
 * @example
 * if (planIsNoop(await plan(config, {}, deps))) console.log("nothing to deploy");
 */
export function planIsNoop(plan: Plan): boolean {
  return plan.steps.every((step) => step.action === "noop");
}
