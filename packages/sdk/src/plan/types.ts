/**
 * The plan is plain JSON data: what exists, what should, and the steps between them. It is what
 * `flexjob plan` prints, what a dry run returns, and the only input of apply.
 */

export type PlanAction = "create" | "update" | "delete" | "noop";

/** One field that differs between what runs and what the config asks for. */
export interface FieldChange {
  /** Dotted path inside the resource, e.g. `container.environment.LOG_LEVEL`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

/**
 * One step of a plan, for one resource. `Kind` names the resource kind; the deploy engine's
 * registry (`deploy/registry.ts`) narrows it to the union of the kinds it knows.
 */
export interface PlanStep<Kind extends string = string, Desired = unknown, Live = unknown> {
  kind: Kind;
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

/** A plan over steps of type `Step`; `Plan` (from the registry) is the deploy engine's. */
export interface PlanOf<Step extends PlanStep = PlanStep> {
  app: string;
  region: string;
  accountId: string;
  /** In the order apply runs them: what others depend on comes first; deletes come last. */
  steps: Step[];
  /** Things a person should know that are not steps, e.g. a private subnet needs a NAT to pull. */
  notes: string[];
}

/**
 * True when applying the plan would change nothing.
 * @example
 * if (planIsNoop(await plan(config, {}, deps))) console.log("nothing to deploy");
 */
export function planIsNoop(plan: PlanOf): boolean {
  return plan.steps.every((step) => step.action === "noop");
}
