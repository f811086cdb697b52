import { accountIdOf } from "../aws/account.js";
import { observeCluster } from "../aws/cluster.js";
import { listServices } from "../aws/discovery-service.js";
import { listOwnedLogGroups } from "../aws/log-group.js";
import { observeNamespace } from "../aws/namespace.js";
import { observeRole } from "../aws/role.js";
import { listScheduleNames, planScheduleDelete } from "../aws/schedule.js";
import { observeScheduleGroup } from "../aws/schedule-group.js";
import { listFlexjobFamilies } from "../aws/task-definition.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import type { Deps } from "../deps.js";
import { jobOfSchedule, names, TAG_APP, TAG_MANAGED } from "../naming.js";
import type { Plan, PlanStep } from "../plan/types.js";
import { apply } from "./apply.js";

export interface DestroyOptions {
  /** One job; without it, the whole app. */
  job?: string;
  /** Plan only. */
  dryRun?: boolean;
}

export interface DestroyResult {
  plan: Plan;
  changed: boolean;
}

const isOwned = (tags: Record<string, string> | undefined, app: string) =>
  tags?.[TAG_MANAGED] === "true" && tags[TAG_APP] === app;

/**
 * Removes what flexjob created for one job or the whole app, and nothing else: schedules live in
 * flexjob's own group, and every other resource must carry flexjob's tags for this app. Running it
 * again finds nothing and changes nothing.
 * @example
 * const result = await destroy(config, { job: "report" }, deps);
 */
export async function destroy(
  config: FlexjobConfig,
  options: DestroyOptions,
  deps: Deps,
): Promise<DestroyResult> {
  const { clients } = deps;
  const app = config.app;
  if (options.job !== undefined) jobNamed(config, options.job);
  const wholeApp = options.job === undefined;
  const inScope = (job: string | undefined) => wholeApp || job === options.job;
  const groupName = names.scheduleGroup(app);
  const [accountId, group, families, logGroups] = await Promise.all([
    accountIdOf(clients),
    observeScheduleGroup(clients, groupName),
    listFlexjobFamilies(clients, app),
    listOwnedLogGroups(clients, names.logGroup(app, ""), app),
  ]);
  const scheduleNames = group === undefined ? [] : await listScheduleNames(clients, groupName);
  const reason = wholeApp ? `destroying app ${app}` : `destroying job ${options.job}`;
  const steps: PlanStep[] = [];
  for (const name of scheduleNames) {
    const job = jobOfSchedule(app, name);
    if (inScope(job)) steps.push(planScheduleDelete(name, groupName, job, reason));
  }
  for (const family of families) {
    const job = family.slice(app.length + 1);
    if (inScope(job))
      steps.push({ kind: "task-definition", id: family, job, action: "delete", changes: [], reason });
  }
  for (const logGroup of logGroups) {
    const job = logGroup.slice(names.logGroup(app, "").length);
    if (inScope(job))
      steps.push({ kind: "log-group", id: logGroup, job, action: "delete", changes: [], reason });
  }
  if (wholeApp) {
    if (group !== undefined) {
      steps.push({
        kind: "schedule-group",
        id: groupName,
        action: "delete",
        changes: [],
        reason,
        live: group,
      });
    }
    const [executionRole, schedulerRole, taskRole, cluster, namespace] = await Promise.all([
      observeRole(clients, names.executionRole(app)),
      observeRole(clients, names.schedulerRole(app)),
      observeRole(clients, names.taskRole(app)),
      observeCluster(clients, names.cluster(app, config.cluster)),
      config.discovery ? observeNamespace(clients, config.discovery.namespace) : Promise.resolve(undefined),
    ]);
    if (namespace !== undefined && isOwned(namespace.tags, app)) {
      // Cloud Map refuses to delete a namespace with services; one flexjob did not create keeps it.
      const services = await listServices(clients, namespace.id);
      for (const service of services.filter((candidate) => isOwned(candidate.tags, app))) {
        steps.push({
          kind: "discovery-service",
          id: `${namespace.id}/${service.name}`,
          action: "delete",
          changes: [],
          reason,
          live: service,
        });
      }
      if (services.every((service) => isOwned(service.tags, app))) {
        steps.push({
          kind: "namespace",
          id: namespace.name,
          action: "delete",
          changes: [],
          reason,
          live: namespace,
        });
      }
    }
    for (const role of [executionRole, schedulerRole, taskRole]) {
      if (role !== undefined && isOwned(role.tags, app)) {
        steps.push({ kind: "role", id: role.name, action: "delete", changes: [], reason, live: role });
      }
    }
    if (cluster !== undefined && isOwned(cluster.tags, app)) {
      steps.push({ kind: "cluster", id: cluster.name, action: "delete", changes: [], reason, live: cluster });
    }
  }
  // Bulk schedules (flexjob schedules sync) go with their job: deleting the group deletes them all.
  const bulkJobs = wholeApp ? config.jobs.map((job) => job.name) : [options.job ?? ""];
  const bulkGroups = await Promise.all(
    bulkJobs.map((job) => observeScheduleGroup(clients, names.bulkScheduleGroup(app, job))),
  );
  for (const [index, group] of bulkGroups.entries()) {
    if (group === undefined || !isOwned(group.tags, app)) continue;
    const job = bulkJobs[index];
    steps.push({
      kind: "schedule-group",
      id: group.name,
      ...(job ? { job } : {}),
      action: "delete",
      changes: [],
      reason,
      live: group,
    });
  }
  const plan: Plan = { app, region: clients.region, accountId, steps, notes: [] };
  if (options.dryRun || steps.length === 0) return { plan, changed: false };
  const applied = await apply(plan, deps, { operation: "destroy" });
  return { plan, changed: applied.changed > 0 };
}
