/**
 * The deploy engine: render → observe → plan over every registered resource kind, knowing none of
 * them by name. Apply (apply.ts) and destroy (destroy.ts) dispatch the same way.
 */
import type { AwsClients } from "../aws/clients.js";
import type {
  AnyStep,
  Desired,
  LiveOf,
  ObserveContext,
  Observed,
  PlanContext,
  RenderInput,
  ResourceAdapter,
  SpecOf,
} from "../aws/resource.js";
import type { PlanStep } from "../plan/types.js";
import {
  adapters,
  adaptersByRemove,
  adaptersByWrite,
  type ResourcePlan,
  type ResourceStep,
} from "./registry.js";

/** Every AWS resource a config asks for, complete, in flexjob's normalised form, by kind. */
export interface DesiredState {
  app: string;
  region: string;
  accountId: string;
  input: RenderInput;
  resources: ReadonlyMap<string, readonly Desired<unknown>[]>;
}

/** What exists of the desired resources, and what else each kind found the app owns. */
export type LiveState = ReadonlyMap<string, Observed<unknown>>;

export interface PlanOptions {
  /** Remove the schedules and task definitions of jobs that are no longer in the config. */
  prune?: boolean;
  /** Only these jobs (default: all). App-wide resources are always planned. */
  jobs?: readonly string[];
  /** The current time: a schedule's start date that has passed is left out. */
  now?: Date;
}

/** Pure: the same input always renders the same state. */
export function renderDesired(input: RenderInput): DesiredState {
  return {
    app: input.config.app,
    region: input.region,
    accountId: input.accountId,
    input,
    resources: new Map(adapters.map((adapter) => [adapter.kind, adapter.render(input)])),
  };
}

/** The desired resources of one kind, typed by its adapter. */
export function desiredOf<Step extends AnyStep>(
  state: DesiredState,
  adapter: ResourceAdapter<Step>,
): readonly Desired<SpecOf<Step>>[] {
  return (state.resources.get(adapter.kind) ?? []) as Desired<SpecOf<Step>>[];
}

/** The observed resource of one kind, typed by its adapter. */
export function liveOf<Step extends AnyStep>(
  live: LiveState,
  adapter: ResourceAdapter<Step>,
  id: string,
): LiveOf<Step> | undefined {
  return live.get(adapter.kind)?.live.get(id) as LiveOf<Step> | undefined;
}

const inScope = (jobs: readonly string[] | undefined) => (job: string | undefined) =>
  job === undefined || jobs === undefined || jobs.includes(job);

/**
 * Reads only. Every kind reads at once; a kind that needs another's state (a schedule, its task
 * definition's latest revision) awaits that kind's reads, never repeats them.
 */
export async function observe(
  clients: AwsClients,
  desired: DesiredState,
  options: { prune?: boolean; jobs?: readonly string[] } = {},
): Promise<LiveState> {
  const selected = inScope(options.jobs);
  const reads = new Map<string, Promise<Observed<unknown>>>();
  const context: ObserveContext = {
    clients,
    app: desired.app,
    prune: options.prune ?? false,
    selected,
    live: async (adapter, id) => (await reads.get(adapter.kind))?.live.get(id) as never,
  };
  for (const adapter of adapters) {
    // Started in registry order, each after the ones it may await are in the map.
    reads.set(adapter.kind, adapter.observe(desired.resources.get(adapter.kind) ?? [], context));
  }
  return new Map(await Promise.all([...reads].map(async ([kind, read]) => [kind, await read] as const)));
}

/**
 * Pure: the ordered steps from `live` to `desired`: creates and updates in apply's write order,
 * then what the config no longer asks for, in delete order.
 */
export function planDeploy(desired: DesiredState, live: LiveState, options: PlanOptions = {}): ResourcePlan {
  const notes: string[] = [];
  const planned = new Map<string, Map<string, AnyStep>>();
  const context: PlanContext = {
    app: desired.app,
    accountId: desired.accountId,
    config: desired.input.config,
    now: options.now,
    prune: options.prune ?? false,
    selected: inScope(options.jobs),
    step: (adapter, id) => planned.get(adapter.kind)?.get(id) as never,
    live: (adapter, id) => liveOf(live, adapter, id),
    note: (text) => {
      if (!notes.includes(text)) notes.push(text);
    },
  };
  const steps: PlanStep[] = [];
  for (const adapter of adaptersByWrite) {
    const own = new Map<string, AnyStep>();
    planned.set(adapter.kind, own);
    for (const item of desired.resources.get(adapter.kind) ?? []) {
      if (!context.selected(item.job)) continue;
      const step = adapter.plan(item, live.get(adapter.kind)?.live.get(item.id), context);
      if (step === undefined) continue;
      own.set(item.id, step);
      steps.push(step);
    }
  }
  for (const adapter of adaptersByRemove) {
    for (const found of live.get(adapter.kind)?.unwanted ?? []) {
      const step = adapter.planUnwanted?.(found, context);
      if (step !== undefined) steps.push(step);
    }
  }
  return {
    app: desired.app,
    region: desired.region,
    accountId: desired.accountId,
    steps: steps as ResourceStep[],
    notes,
  };
}
