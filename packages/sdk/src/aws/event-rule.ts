import { names, ownedByApp, ownTags, roleArn, TAG_APP, TAG_MANAGED } from "../naming.js";
import { canonicalJson } from "../plan/canonical-json.js";
import { diffFields, Leaf, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import type { AppScope } from "./app-scope.js";
import { usesStateMachine } from "./asl.js";
import type { AwsClients } from "./clients.js";
import { missedQueueArn, missedRulePattern } from "./missed-runs.js";
import { passRoleStatement } from "./policy.js";
import { deleteStep, type RenderInput, type ResourceAdapter, runStep } from "./resource.js";
import { deleteRule, RULE_ACTIONS, type RuleRead, readRule, writeRule } from "./rule-io.js";
import { stateMachineArn } from "./state-machine.js";

/**
 * Where a rule sends what it matches: the runs log group (Logs targets take no role), and the
 * app's metrics machine, which EventBridge starts with the metrics role.
 */
export interface RuleTargetSpec {
  id: string;
  arn: string;
  roleArn?: string;
}

/**
 * An EventBridge rule on the default bus. flexjob writes one per app: the record of every run
 * (ECS "Task State Change" for the app's tasks that stopped) into the app's runs log group, which
 * outlives ECS's hour of memory of a stopped task.
 */
export interface EventRuleSpec {
  name: string;
  description: string;
  /** Canonical JSON, so the same pattern always compares equal. */
  eventPattern: string;
  targets: RuleTargetSpec[];
  tags: Record<string, string>;
}

export interface EventRuleLive extends RuleRead<RuleTargetSpec> {}

export type EventRuleStep = PlanStep<"event-rule", EventRuleSpec, EventRuleLive>;

/**
 * The app's runs rule: tasks of the app's task definition families that stopped in its cluster.
 * Each family is matched as an exact ARN prefix (`…task-definition/<family>:`), so another app
 * whose family merely starts with this app's name is never recorded here.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
export function runsRulePattern(clusterArn: string, families: readonly string[], arnPrefix: string): string {
  return canonicalJson({
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: {
      lastStatus: ["STOPPED"],
      clusterArn: [clusterArn],
      taskDefinitionArn: [...families].sort().map((family) => ({ prefix: `${arnPrefix}${family}:` })),
    },
  });
}

export async function observeEventRule(
  clients: AwsClients,
  name: string,
): Promise<EventRuleLive | undefined> {
  // Neither target takes a transformer: the id, the ARN and the role are the whole target.
  return readRule(clients, name, (target) => ({
    id: target.Id ?? "",
    arn: target.Arn ?? "",
    ...(target.RoleArn === undefined ? {} : { roleArn: target.RoleArn }),
  }));
}

/** The fields a plan compares; a rule someone disabled is enabled again. */
function comparable(rule: Omit<EventRuleLive, "arn" | "name">): Record<string, unknown> {
  return {
    description: rule.description,
    eventPattern: new Leaf(JSON.parse(rule.eventPattern)),
    state: rule.state,
    targets: new Leaf(rule.targets),
    tags: rule.tags,
  };
}

export function planEventRule(spec: EventRuleSpec, live: EventRuleLive | undefined): EventRuleStep {
  const base = { kind: "event-rule", id: spec.name, desired: spec } as const;
  const desired = comparable({ ...spec, state: "ENABLED" });
  if (live === undefined) return stepFrom(base, live, diffFields(undefined, desired));
  // Tags a user added to the rule are theirs: only flexjob's own keys are compared.
  const liveTags = ownTags(spec.tags, live.tags);
  return stepFrom(base, live, diffFields(comparable({ ...live, tags: liveTags }), desired));
}

export async function applyEventRule(clients: AwsClients, step: EventRuleStep): Promise<string | undefined> {
  return runStep(step, "EventBridge rule", {
    delete: () => deleteRule(clients, step.id, step.live?.targets),
    create: (spec) => writeRule(clients, spec, undefined, toTarget),
    update: (spec, live) => writeRule(clients, spec, live, toTarget),
  });
}

const toTarget = (target: RuleTargetSpec) => ({ Id: target.id, Arn: target.arn, RoleArn: target.roleArn });

/**
 * The app's state-machine runs as a whole: their executions' status changes, so the history knows
 * a run that timed out or was skipped, which no task stop says.
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 */
export function executionsRulePattern(stateMachineArns: readonly string[]): string {
  return canonicalJson({
    source: ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    detail: { stateMachineArn: [...stateMachineArns].sort() },
  });
}

function renderRules({ config, accountId, region, retained }: RenderInput): EventRuleSpec[] {
  const app = config.app;
  const group = names.runsLogGroup(app);
  const history = { id: "runs-log-group", arn: `arn:aws:logs:${region}:${accountId}:log-group:${group}` };
  // Every record the history keeps is measured too, unless metrics are off.
  // Sorted by id, as a rule's targets are read back.
  const targets: RuleTargetSpec[] = config.metrics
    ? [
        {
          id: "run-metrics",
          arn: stateMachineArn(region, accountId, names.metricsMachine(app)),
          roleArn: roleArn(accountId, names.metricsRole(app)),
        },
        history,
      ]
    : [history];
  const tags = { [TAG_MANAGED]: "true", [TAG_APP]: app };
  const clusterArn = `arn:aws:ecs:${region}:${accountId}:cluster/${names.cluster(app, config.cluster)}`;
  // Jobs kept without prune still run: their runs are recorded too.
  const families = [
    ...new Set([
      ...config.jobs.map((job) => names.taskFamily(app, job.name)),
      ...retained.map((job) => job.family),
    ]),
  ];
  const rules: EventRuleSpec[] = [
    {
      name: names.runsRule(app),
      description: `flexjob ${app}: records every task stop of the app's jobs in ${group}`,
      eventPattern: runsRulePattern(
        clusterArn,
        families,
        `arn:aws:ecs:${region}:${accountId}:task-definition/`,
      ),
      targets,
      tags,
    },
  ];
  rules.push({
    name: names.missedRule(app),
    description: `flexjob ${app}: records every run that could not start in ${group}`,
    eventPattern: missedRulePattern(missedQueueArn(region, accountId, names.missedQueue(app))),
    targets,
    tags,
  });
  const machines = config.jobs
    .filter(usesStateMachine)
    .map((job) => stateMachineArn(region, accountId, names.stateMachine(app, job.name)));
  if (machines.length > 0) {
    rules.push({
      name: names.executionsRule(app),
      description: `flexjob ${app}: records how each state-machine run of the app's jobs ended in ${group}`,
      eventPattern: executionsRulePattern(machines),
      targets,
      tags,
    });
  }
  return rules;
}

/** The app's rules: `flexjob-<app>-runs` (task stops), `flexjob-<app>-missed` (runs that could not start) and, with a state machine, `flexjob-<app>-executions`. */
export const eventRules: ResourceAdapter<EventRuleStep> = {
  kind: "event-rule",
  // After the runs log group it delivers to; removed before that group.
  order: { write: 2, remove: 4 },
  render: (input) => renderRules(input).map((spec) => ({ id: spec.name, spec })),
  async observe(desired, { clients, app }) {
    // Both rules are read: the executions rule outlives the last state machine only until this deploy.
    const rules = appRuleNames(app);
    const found = await Promise.all(rules.map((name) => observeEventRule(clients, name)));
    const wanted = new Set(desired.map((item) => item.id));
    const owned = found.flatMap((live) => (live !== undefined && ownedByApp(live.tags, app) ? [live] : []));
    return {
      live: new Map(owned.filter((live) => wanted.has(live.name)).map((live) => [live.name, live])),
      unwanted: owned.filter((live) => !wanted.has(live.name)).map((live) => ({ id: live.name, live })),
    };
  },
  plan: (desired, live) => planEventRule(desired.spec, live),
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    const rules = appRuleNames(config.app);
    const found = await Promise.all(rules.map((name) => observeEventRule(clients, name)));
    return found.flatMap((live) =>
      live !== undefined && ownedByApp(live.tags, config.app) ? [{ id: live.name, live }] : [],
    );
  },
  planUnwanted: (found) =>
    deleteStep("event-rule", found, "no job of the app runs through a state machine any more"),
  apply: (step, { clients }) => applyEventRule(clients, step),
  permissions: (scope) => ({
    deploy: [
      {
        // DeleteRule too: a deploy removes the executions rule when the last state machine goes.
        Sid: "ManageRunHistoryRules",
        Effect: "Allow",
        Action: RULE_ACTIONS,
        Resource: appRules(scope),
      },
      ...(scope.metricsRoles.length > 0
        ? [passRoleStatement("PassMetricsRoleToRules", scope.metricsRoles, "events.amazonaws.com")]
        : []),
    ],
  }),
};

/** The app's run-history rules: task stops, missed runs and, with a state machine, executions. */
function appRuleNames(app: string): string[] {
  return [names.runsRule(app), names.missedRule(app), names.executionsRule(app)];
}

/** The app's rules, as the deploy role is granted them. */
function appRules(scope: AppScope): string[] {
  return appRuleNames(scope.app).map((rule) => scope.arn("events", `rule/${rule}`));
}
