import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
} from "@aws-sdk/client-eventbridge";
import { names, ownedByApp, TAG_APP, TAG_MANAGED } from "../naming.js";
import { canonicalJson } from "../plan/canonical-json.js";
import { diffFields, Leaf, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { tolerating, wrapAwsError } from "./aws-error.js";
import type { AwsClients } from "./clients.js";
import { deleteStep, observeEach, type ResourceAdapter, runStep } from "./resource.js";

/** Where a rule sends what it matches: a CloudWatch Logs group, by ARN (Logs targets take no role). */
export interface RuleTargetSpec {
  id: string;
  arn: string;
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

export interface EventRuleLive {
  name: string;
  arn: string;
  description: string;
  eventPattern: string;
  state: string;
  targets: RuleTargetSpec[];
  tags: Record<string, string>;
}

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
  try {
    const rule = await tolerating(
      clients.events.send(new DescribeRuleCommand({ Name: name })),
      "ResourceNotFoundException",
    );
    if (rule?.Arn === undefined) return undefined;
    const [{ Targets = [] }, { Tags = [] }] = await Promise.all([
      clients.events.send(new ListTargetsByRuleCommand({ Rule: name })),
      clients.events.send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn })),
    ]);
    return {
      name,
      arn: rule.Arn,
      description: rule.Description ?? "",
      eventPattern: canonicalPattern(rule.EventPattern ?? ""),
      state: rule.State ?? "ENABLED",
      targets: Targets.map((target) => ({ id: target.Id ?? "", arn: target.Arn ?? "" })).sort(byId),
      tags: Object.fromEntries(Tags.map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
    };
  } catch (error) {
    throw wrapAwsError(error, `reading EventBridge rule ${name}`);
  }
}

const byId = (a: RuleTargetSpec, b: RuleTargetSpec) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A pattern written by other means compares by content. */
function canonicalPattern(pattern: string): string {
  try {
    return canonicalJson(JSON.parse(pattern));
  } catch {
    return pattern;
  }
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
  const liveTags = Object.fromEntries(
    Object.keys(spec.tags).flatMap((key) => (live.tags[key] === undefined ? [] : [[key, live.tags[key]]])),
  );
  return stepFrom(base, live, diffFields(comparable({ ...live, tags: liveTags }), desired));
}

export async function applyEventRule(clients: AwsClients, step: EventRuleStep): Promise<string | undefined> {
  const name = step.id;
  return runStep(step, "EventBridge rule", {
    async delete() {
      // EventBridge refuses to delete a rule that still has targets.
      const targets = step.live?.targets ?? (await observeEventRule(clients, name))?.targets ?? [];
      if (targets.length > 0) {
        await tolerating(
          clients.events.send(
            new RemoveTargetsCommand({ Rule: name, Ids: targets.map((target) => target.id) }),
          ),
          "ResourceNotFoundException",
        );
      }
      await tolerating(
        clients.events.send(new DeleteRuleCommand({ Name: name })),
        "ResourceNotFoundException",
      );
    },
    create: (spec) => writeRule(clients, spec, undefined),
    update: (spec, live) => writeRule(clients, spec, live),
  });
}

/** PutRule creates or replaces the rule whole; targets and tags follow. Either converges. */
async function writeRule(
  clients: AwsClients,
  spec: EventRuleSpec,
  live: EventRuleLive | undefined,
): Promise<string> {
  const { RuleArn: arn = live?.arn ?? "" } = await clients.events.send(
    new PutRuleCommand({
      Name: spec.name,
      Description: spec.description,
      EventPattern: spec.eventPattern,
      State: "ENABLED",
      ...(live === undefined && { Tags: tagList(spec.tags) }),
    }),
  );
  const wanted = new Set(spec.targets.map((target) => target.id));
  const stale = (live?.targets ?? []).filter((target) => !wanted.has(target.id));
  if (stale.length > 0) {
    await clients.events.send(
      new RemoveTargetsCommand({ Rule: spec.name, Ids: stale.map((target) => target.id) }),
    );
  }
  await clients.events.send(
    new PutTargetsCommand({
      Rule: spec.name,
      Targets: spec.targets.map((target) => ({ Id: target.id, Arn: target.arn })),
    }),
  );
  if (live !== undefined && Object.entries(spec.tags).some(([key, value]) => live.tags[key] !== value)) {
    await clients.events.send(new TagResourceCommand({ ResourceARN: arn, Tags: tagList(spec.tags) }));
  }
  return arn;
}

function tagList(tags: Record<string, string>) {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ Key: key, Value: tags[key] ?? "" }));
}

/** The app's EventBridge rules: its run history (`flexjob-<app>-runs`). */
export const eventRules: ResourceAdapter<EventRuleStep> = {
  kind: "event-rule",
  // After the runs log group it delivers to, before nothing; removed before that group.
  order: { write: 2, remove: 4 },
  render: ({ config, accountId, region, retained }) => {
    const app = config.app;
    const name = names.runsRule(app);
    const clusterArn = `arn:aws:ecs:${region}:${accountId}:cluster/${names.cluster(app, config.cluster)}`;
    // Jobs kept without prune still run: their runs are recorded too.
    const families = [
      ...new Set([
        ...config.jobs.map((job) => names.taskFamily(app, job.name)),
        ...retained.map((job) => job.family),
      ]),
    ];
    const arnPrefix = `arn:aws:ecs:${region}:${accountId}:task-definition/`;
    const group = names.runsLogGroup(app);
    const spec: EventRuleSpec = {
      name,
      description: `flexjob ${app}: records every run of the app's jobs in ${group}`,
      eventPattern: runsRulePattern(clusterArn, families, arnPrefix),
      targets: [{ id: "runs-log-group", arn: `arn:aws:logs:${region}:${accountId}:log-group:${group}` }],
      tags: { [TAG_MANAGED]: "true", [TAG_APP]: app },
    };
    return [{ id: name, spec }];
  },
  observe: observeEach((desired, { clients }) => observeEventRule(clients, desired.id)),
  plan: (desired, live) => planEventRule(desired.spec, live),
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    const live = await observeEventRule(clients, names.runsRule(config.app));
    return live !== undefined && ownedByApp(live.tags, config.app) ? [{ id: live.name, live }] : [];
  },
  remove: (found, reason) => deleteStep("event-rule", found, reason),
  apply: (step, { clients }) => applyEventRule(clients, step),
  permissions: (scope) => ({
    deploy: [
      {
        Sid: "ManageRunHistoryRule",
        Effect: "Allow",
        Action: [
          "events:DescribeRule",
          "events:ListTagsForResource",
          "events:ListTargetsByRule",
          "events:PutRule",
          "events:PutTargets",
          "events:RemoveTargets",
          "events:TagResource",
        ],
        Resource: scope.arn("events", `rule/${names.runsRule(scope.app)}`),
      },
    ],
    destroy: [
      {
        Sid: "DestroyRunHistoryRule",
        Effect: "Allow",
        Action: "events:DeleteRule",
        Resource: scope.arn("events", `rule/${names.runsRule(scope.app)}`),
      },
    ],
  }),
};
