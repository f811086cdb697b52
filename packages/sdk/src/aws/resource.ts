/**
 * The resource contract: every kind of AWS resource flexjob manages is one module that exports one
 * {@link ResourceAdapter}, listed in the registry (`deploy/registry.ts`). The deploy engine knows
 * no kind by name: it renders, observes, plans, applies and destroys through these methods, and
 * builds the deploy role's policy from each adapter's {@link ResourceAdapter.permissions}. A kind
 * therefore costs one adapter and one registry line, and a kind the engine cannot handle does not
 * compile. The shape follows Pulumi's dynamic providers (create/diff/update/delete) and the
 * Terraform plugin framework's resources, with CDK's rule that a permission lives beside the
 * resource that needs it.
 */
import type { FlexjobConfig, JobSpec } from "../config/index.js";
import { FlexjobError, internal, REPORT_WITH_PLAN } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import type { PlanStep } from "../plan/types.js";
import type { CpuArchitecture } from "../sizing/index.js";
import type { AppScope } from "./app-scope.js";
import { wrapAwsError } from "./aws-error.js";
import type { AwsClients } from "./clients.js";
import type { ResolvedNetwork } from "./network.js";
import type { PolicyStatement } from "./policy.js";

/** Any adapter's step: a kind, its spec type and its live type. */
// biome-ignore lint/suspicious/noExplicitAny: the widest step, to constrain the type parameter only
export type AnyStep = PlanStep<string, any, any>;
export type SpecOf<Step extends AnyStep> = NonNullable<Step["desired"]>;
export type LiveOf<Step extends AnyStep> = NonNullable<Step["live"]>;

/** One resource the config asks for. */
export interface Desired<Spec> {
  /** Unique within its kind: the name, or whatever AWS keys the resource by. */
  id: string;
  /** The job it belongs to; absent for app-wide resources. */
  job?: string;
  spec: Spec;
}

/** A resource that exists and that the app owns but the config does not ask for (any more). */
export interface Found<Live> {
  id: string;
  job?: string;
  /** What it lives in, when the id alone does not find it (a schedule's group). */
  parent?: string;
  live?: Live;
}

/** What a job kept without being configured (a deploy without prune) still needs the roles to allow. */
export interface RetainedJob {
  family: string;
  /** The image its live task definition runs: the execution role must keep pulling it. */
  image: string;
  secretArns: string[];
  taskRoleArn: string | undefined;
}

/** Everything rendering reads: the config, and facts about the account and each job's image. */
export interface RenderInput {
  config: FlexjobConfig;
  accountId: string;
  region: string;
  /** Job name → the exact image its task definition runs (and its architecture, for `flex`). */
  images: Readonly<Record<string, { image: string; cpuArchitecture?: CpuArchitecture }>>;
  network: ResolvedNetwork;
  /** Jobs no longer in the config whose schedules stay: the roles keep what they need. */
  retained: readonly RetainedJob[];
}

/** What a kind's observe found: its desired resources that exist, and what else the app owns. */
export interface Observed<Live> {
  live: ReadonlyMap<string, Live>;
  /** Existing resources of the app that no desired resource names (listed only by kinds that can). */
  unwanted: Found<Live>[];
}

export interface ObserveContext {
  clients: AwsClients;
  app: string;
  /** Whether unwanted resources are looked for (prune): some kinds list them only then. */
  prune: boolean;
  /** Whether a job's resources are read in this run (`--job`); app-wide resources always are. */
  selected(job: string | undefined): boolean;
  /** Another kind's observed resource, read once by that kind's adapter. */
  live<Step extends AnyStep>(adapter: ResourceAdapter<Step>, id: string): Promise<LiveOf<Step> | undefined>;
}

export interface PlanContext {
  app: string;
  accountId: string;
  config: FlexjobConfig;
  /** The current time, when known: a schedule's passed start and end dates depend on it. */
  now: Date | undefined;
  prune: boolean;
  /** Whether a job is planned in this run (`--job`); app-wide resources always are. */
  selected(job: string | undefined): boolean;
  /** The step already planned for another kind's resource (kinds plan in `order.write` order). */
  step<Step extends AnyStep>(adapter: ResourceAdapter<Step>, id: string): Step | undefined;
  /** Another kind's observed resource. */
  live<Step extends AnyStep>(adapter: ResourceAdapter<Step>, id: string): LiveOf<Step> | undefined;
  /** A line for the plan's notes; the same line twice is kept once. */
  note(text: string): void;
}

export interface ApplyContext {
  clients: AwsClients;
  sleep(ms: number): Promise<void>;
  now(): Date;
  /** Unique per apply: scopes idempotency tokens. */
  runId: string;
  /** The ARN of another kind's resource: live before apply, or as written earlier in this apply. */
  arnOf<Step extends AnyStep>(adapter: ResourceAdapter<Step>, id: string): string | undefined;
}

export interface DestroyContext {
  clients: AwsClients;
  config: FlexjobConfig;
  /** One job; undefined for the whole app. */
  job: string | undefined;
}

/** What a kind's calls need of the deploy role. */
export interface Permissions {
  /** Reads that take no resource ARN; they join the one `ReadAccount` statement. */
  reads?: string[];
  deploy: PolicyStatement[];
  /** Only for a role that may also destroy the app. */
  destroy?: PolicyStatement[];
}

export interface ResourceAdapter<Step extends AnyStep> {
  readonly kind: Step["kind"];
  /**
   * When apply runs this kind's steps: creates and updates by ascending `write` (what others point
   * at first), then deletes by ascending `remove` (what points at others first), so a failure
   * midway never leaves a reference to something missing.
   */
  readonly order: { write: number; remove: number };
  /** What the config asks for of this kind. Pure. */
  render(input: RenderInput): Desired<SpecOf<Step>>[];
  /** Reads only: the selected ones of `desired` (all of it names what is still wanted). */
  observe(
    desired: readonly Desired<SpecOf<Step>>[],
    context: ObserveContext,
  ): Promise<Observed<LiveOf<Step>>>;
  /** The step from what exists to what is desired; undefined to plan nothing for it. */
  plan(
    desired: Desired<SpecOf<Step>>,
    live: LiveOf<Step> | undefined,
    context: PlanContext,
  ): Step | undefined;
  /** What to do with a resource the config no longer asks for; default: keep it. */
  planUnwanted?(found: Found<LiveOf<Step>>, context: PlanContext): Step | undefined;
  /** Every resource of this kind the app (or one job) owns, for destroy. Reads only. */
  owned(context: DestroyContext): Promise<Found<LiveOf<Step>>[]>;
  /** A delete step for an owned resource; by default {@link deleteStep}, which needs only the id. */
  remove?(found: Found<LiveOf<Step>>, reason: string): Step;
  /** Sends the step's calls; resolves to the resource's ARN when other kinds need it. */
  apply(step: Step, context: ApplyContext): Promise<string | undefined> | Promise<void>;
  /** The IAM the deploy role needs for this kind's calls, scoped to the app's names. */
  permissions(scope: AppScope): Permissions;
}

/** A delete step, for kinds whose delete needs nothing but the id. */
export function deleteStep<Step extends AnyStep>(
  kind: Step["kind"],
  found: Found<LiveOf<Step>>,
  reason: string,
): Step {
  return {
    kind,
    id: found.id,
    ...(found.job === undefined ? {} : { job: found.job }),
    action: "delete",
    changes: [],
    reason,
    ...(found.live === undefined ? {} : { live: found.live }),
  } as unknown as Step;
}

/**
 * What happens to a job's resource the config no longer asks for. A configured job's (a shard
 * dropped, a state machine no longer needed) goes when that job is deployed; a removed job's goes
 * with prune, and otherwise stays, with a note naming what remains.
 */
export function planJobLeftover<Step extends AnyStep>(
  found: Found<LiveOf<Step>>,
  context: PlanContext,
  leftover: {
    remove(found: Found<LiveOf<Step>>, reason: string): Step;
    /** Why a configured job no longer needs it. */
    reason(job: JobSpec): string;
    /** What the note says stays of a removed job without prune, and how it goes. */
    remains: string;
  },
): Step | undefined {
  const job = context.config.jobs.find((each) => each.name === found.job);
  if (job !== undefined)
    return context.selected(job.name) ? leftover.remove(found, leftover.reason(job)) : undefined;
  if (context.prune) return leftover.remove(found, "job is no longer in the config (prune)");
  context.note(`job ${found.job ?? found.id} is no longer in the config but ${leftover.remains}`);
  return undefined;
}

/** The delete step of an owned resource of `adapter`'s kind. */
export function removeStep<Step extends AnyStep>(
  adapter: ResourceAdapter<Step>,
  found: Found<LiveOf<Step>>,
  reason: string,
): Step {
  return adapter.remove?.(found, reason) ?? deleteStep<Step>(adapter.kind, found, reason);
}

/**
 * How many reads of one kind a deploy keeps in flight: 20 jobs' reads go out in one round trip,
 * and a burst of 20 stays under the per-second read quotas of the services flexjob reads (the
 * lowest, Scheduler's GetSchedule in older copies of its quotas page, is 50 per second).
 */
export const OBSERVE_CONCURRENCY = 20;

/** Observe for kinds that read each resource on its own and list nothing else. */
export function observeEach<Spec, Live>(
  read: (desired: Desired<Spec>, context: ObserveContext) => Promise<Live | undefined>,
): (desired: readonly Desired<Spec>[], context: ObserveContext) => Promise<Observed<Live>> {
  return async (desired, context) => {
    const found = await mapLimit(
      desired.filter((item) => context.selected(item.job)),
      OBSERVE_CONCURRENCY,
      async (item) => [item.id, await read(item, context)] as const,
    );
    return {
      live: new Map(found.flatMap(([id, live]) => (live === undefined ? [] : [[id, live] as const]))),
      unwanted: [],
    };
  };
}

/**
 * A resource of flexjob's name that flexjob did not create: it will not take over what someone
 * else made (an IAM role, a schedule group).
 */
export function notFlexjobs(noun: string, name: string): FlexjobError {
  return new FlexjobError(`${noun} "${name}" exists and was not created by flexjob`, {
    code: "INPUT_INVALID",
    fault: "user",
    remedy: "delete or rename it, or change app: so flexjob's names do not collide",
  });
}

/** What a kind sends for each action of a step. */
export interface StepHandlers<Step extends AnyStep, Result> {
  create(spec: SpecOf<Step>): Promise<Result>;
  update(spec: SpecOf<Step>, live: LiveOf<Step>): Promise<Result>;
  delete(): Promise<unknown>;
}

/**
 * Runs the handler for a step's action, with what every kind needs around it: a no-op sends
 * nothing, a create or an update without its spec (or an update without what exists) is a flexjob
 * bug, and an AWS error says what was being done: "writing ECS cluster billing: …".
 */
export async function runStep<Step extends AnyStep, Result>(
  step: Step,
  noun: string,
  handlers: StepHandlers<Step, Result>,
): Promise<Result | undefined> {
  if (step.action === "noop") return undefined;
  try {
    if (step.action === "delete") {
      await handlers.delete();
      return undefined;
    }
    const spec: SpecOf<Step> | undefined = step.desired;
    if (spec === undefined) {
      throw internal(`${step.action} step for ${noun} ${step.id} has no spec`, REPORT_WITH_PLAN);
    }
    if (step.action === "create") return await handlers.create(spec);
    const live: LiveOf<Step> | undefined = step.live;
    if (live === undefined) {
      throw internal(
        `cannot update ${noun} ${step.id}: the plan step carries no live state`,
        REPORT_WITH_PLAN,
      );
    }
    return await handlers.update(spec, live);
  } catch (error) {
    throw wrapAwsError(error, `${step.action === "delete" ? "deleting" : "writing"} ${noun} ${step.id}`);
  }
}
