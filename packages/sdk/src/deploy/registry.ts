import { alertRules } from "../aws/alert-rule.js";
import { alertsDestinations } from "../aws/alerts-destination.js";
import { alertsTopics } from "../aws/alerts-topic.js";
import { boundaries } from "../aws/boundary.js";
import { clusters } from "../aws/cluster.js";
import { dashboards } from "../aws/dashboard.js";
import { discoveryServices } from "../aws/discovery-service.js";
import { eventRules } from "../aws/event-rule.js";
import { logGroups } from "../aws/log-group.js";
import { logsResourcePolicies } from "../aws/logs-resource-policy.js";
import { missedPipes } from "../aws/missed-pipe.js";
import { missedQueues } from "../aws/missed-queue.js";
import { namespaces } from "../aws/namespace.js";
import type { AnyStep, ResourceAdapter } from "../aws/resource.js";
import { roles } from "../aws/role.js";
import { schedules } from "../aws/schedule.js";
import { scheduleGroups } from "../aws/schedule-group.js";
import { stateMachines } from "../aws/state-machine.js";
import { taskDefinitions } from "../aws/task-definition.js";
import type { PlanOf, PlanStep } from "../plan/types.js";

/** Checks that each entry is keyed on its adapter's own kind. */
function defineRegistry<R extends { [K in keyof R]: ResourceAdapter<AnyStep & { kind: K }> }>(
  registry: R,
): R {
  return registry;
}

/**
 * Every resource kind flexjob manages, keyed on its kind. A new kind is its adapter module and one
 * line here; the plan's step union, apply's dispatch, destroy and the deploy policy all follow
 * from this table. Order matters only among kinds of equal `order`: it is the plan's order.
 */
export const registry = defineRegistry({
  boundary: boundaries,
  role: roles,
  cluster: clusters,
  "schedule-group": scheduleGroups,
  namespace: namespaces,
  "discovery-service": discoveryServices,
  "logs-policy": logsResourcePolicies,
  "log-group": logGroups,
  "missed-queue": missedQueues,
  "missed-pipe": missedPipes,
  "task-definition": taskDefinitions,
  "state-machine": stateMachines,
  schedule: schedules,
  "event-rule": eventRules,
  "alerts-destination": alertsDestinations,
  "alerts-topic": alertsTopics,
  "alert-rule": alertRules,
  dashboard: dashboards,
});

type Registry = typeof registry;

/**
 * The kinds of AWS resource a plan can hold: the registry's keys (`"role"`, `"cluster"`,
 * `"schedule-group"`, `"namespace"`, `"discovery-service"`, `"log-group"`, `"task-definition"`,
 * `"schedule"`), derived so that registering a kind is the only edit.
 */
export type ResourceKind = keyof Registry;

/** A plan step of any kind: a union discriminated on `kind`. */
export type ResourceStep = { [K in ResourceKind]: Parameters<Registry[K]["apply"]>[0] }[ResourceKind];

/** A plan whose steps carry their kind's spec and live types: what the engine plans and applies. */
export type ResourcePlan = PlanOf<ResourceStep>;

/**
 * What exists, what should, and the steps between them: what `flexjob plan` prints, what a dry run
 * returns. Each step's `desired` and `live` are its kind's normalised spec and live state, as JSON.
 */
export type Plan = PlanOf<PlanStep<ResourceKind>>;

/** The adapters in registry order, typed for the engine, which treats every kind alike. */
export const adapters: readonly ResourceAdapter<AnyStep>[] = Object.values(registry);

/** The adapter of a step's kind. */
export function adapterOf(kind: ResourceKind): ResourceAdapter<AnyStep> {
  return registry[kind];
}

/** Kinds in the order apply writes them (see ResourceAdapter.order); the registry's among equals. */
export const adaptersByWrite = [...adapters].sort((a, b) => a.order.write - b.order.write);

/** Kinds in the order apply deletes them. */
export const adaptersByRemove = [...adapters].sort((a, b) => a.order.remove - b.order.remove);
