import { alertWebhooks } from "../config/alerts.js";
import type { FlexjobConfig } from "../config/index.js";
import { usesFlexjobTaskRole } from "../config/logs.js";
import { names } from "../naming.js";
import { usesStateMachine } from "./asl.js";

/** What a policy is for: the account and region it grants in (`*` for any). */
export interface ScopeOptions {
  /** The account the role deploys into; default `*` (any account the role is in). */
  accountId?: string;
  /** Default: the config's region, else `*`. */
  region?: string;
}

/**
 * The app's deterministic names and ARNs, as policies grant them: every statement a resource kind
 * contributes (see ResourceAdapter.permissions) is scoped with these.
 */
export function appScope(config: FlexjobConfig, options: ScopeOptions = {}) {
  const app = config.app;
  const account = options.accountId ?? "*";
  const region = options.region ?? config.region ?? "*";
  const arn = (service: string, resource: string, inRegion = region) =>
    `arn:aws:${service}:${inRegion}:${account}:${resource}`;
  const role = (name: string) => arn("iam", `role/${name}`, "");
  const executionRole = role(names.executionRole(app));
  const schedulerRole = role(names.schedulerRole(app));
  const statesRole = role(names.statesRole(app));
  const pipesRole = role(names.pipesRole(app));
  // Only an app with a state-machine job has the role: other apps' policies stay as they were.
  const statesRoles = config.jobs.some(usesStateMachine) ? [statesRole] : [];
  // Only an app with an alerts webhook has the role EventBridge posts them with.
  const alertsRoles = alertWebhooks(config).length > 0 ? [role(names.alertsRole(app))] : [];
  // Only an app with metrics has the role the history rules start the metrics machine with.
  const metricsRoles = config.metrics ? [role(names.metricsRole(app))] : [];
  // With discovery, jobs without their own task role run as flexjob's, which the deploy manages.
  const flexjobTaskRole = usesFlexjobTaskRole(config) ? [role(names.taskRole(app))] : [];
  const taskRoles = [
    ...new Set(
      config.jobs.flatMap((job) => {
        if (job.taskRole === undefined) return [];
        return [job.taskRole.startsWith("arn:") ? job.taskRole : role(job.taskRole)];
      }),
    ),
  ].sort();
  const clusterName = names.cluster(app, config.cluster);
  return {
    app,
    config,
    arn,
    executionRole,
    schedulerRole,
    /** The role jobs' state machines run with (created only when a job has one). */
    statesRole,
    flexjobTaskRole,
    /** The role the metrics machine and the rules that start it use; empty with `metrics: false`. */
    metricsRoles,
    /** The roles flexjob creates for the app. */
    appRoles: [
      executionRole,
      schedulerRole,
      pipesRole,
      ...statesRoles,
      ...flexjobTaskRole,
      ...alertsRoles,
      ...metricsRoles,
    ],
    /** Every role a job's tasks run with: what ECS needs `iam:PassRole` for. */
    ecsRoles: [executionRole, ...flexjobTaskRole, ...taskRoles],
    boundary: arn("iam", `policy/${names.boundaryPolicy(app)}`, ""),
    clusterName,
    cluster: arn("ecs", `cluster/${clusterName}`),
    families: config.jobs.map((job) => arn("ecs", `task-definition/${names.taskFamily(app, job.name)}:*`)),
    scheduleGroup: names.scheduleGroup(app),
    /** Every job's state machine: `<app>-<job>`. */
    stateMachines: arn("states", `stateMachine:${names.stateMachine(app, "*")}`),
    logGroups: arn("logs", `log-group:${names.logGroup(app, "*")}`),
    dashboard: arn("cloudwatch", `dashboard/${names.dashboard(app)}`, ""),
  };
}

export type AppScope = ReturnType<typeof appScope>;
