import { mapLimit } from "../map-limit.js";
import { names, ownedByApp, ownTags, TAG_APP, TAG_JOB, TAG_MANAGED, tagList } from "../naming.js";
import { canonicalJson, canonicalJsonText } from "../plan/canonical-json.js";
import { diffFields, Leaf, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { byCodeUnits } from "../text-order.js";
import { alertingJobs, alertsTopicArn, configHasAlerts, renderAlertRules, ruleArn } from "./alert-rule.js";
import type { AppScope } from "./app-scope.js";
import { tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { policy } from "./policy.js";
import {
  type Desired,
  deleteStep,
  type Found,
  type ObserveContext,
  type Permissions,
  type PlanContext,
  planJobLeftover,
  type RenderInput,
  type ResourceAdapter,
  runStep,
} from "./resource.js";

/** What ListSubscriptionsByTopic says of an email subscription nobody has confirmed yet. */
export const PENDING_CONFIRMATION = "PendingConfirmation";

/**
 * The SNS topic email alerts go through: the app's (`<app>-flexjob-alerts`) or a job's own. Its
 * policy lets EventBridge publish only from the alert rules that target it. No server-side
 * encryption: EventBridge cannot publish to a topic encrypted with the AWS managed key for SNS,
 * whose key policy cannot be changed to let it.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export interface AlertsTopicSpec {
  name: string;
  arn: string;
  /** Canonical JSON. */
  policy: string;
  /** The addresses subscribed, sorted. */
  emails: string[];
  tags: Record<string, string>;
}

export interface TopicSubscription {
  endpoint: string;
  /** {@link PENDING_CONFIRMATION} until the address confirms. */
  arn: string;
}

export interface AlertsTopicLive {
  name: string;
  arn: string;
  policy: string;
  /** Email subscriptions, sorted by address. */
  subscriptions: TopicSubscription[];
  tags: Record<string, string>;
}

export type AlertsTopicStep = PlanStep<"alerts-topic", AlertsTopicSpec, AlertsTopicLive>;

/** EventBridge may publish, and only from these rules. */
export function topicPolicy(topicArn: string, ruleArns: readonly string[]): string {
  return canonicalJson(
    policy({
      Sid: "AlertRulesPublish",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns].sort() } },
    }),
  );
}

/** One topic per owner of alerts with addresses (the app's, or a job's own), if a rule targets it. */
export function renderAlertsTopics(input: RenderInput): Desired<AlertsTopicSpec>[] {
  const { config, region, accountId } = input;
  const rules = renderAlertRules(input);
  // Every job of one owner shares that owner's alerts, so any of them gives its addresses.
  const emailsOf = new Map<string | undefined, readonly string[]>();
  for (const { owner, alerts } of alertingJobs(config)) {
    if (alerts.email.length > 0) emailsOf.set(owner, alerts.email);
  }
  return [...emailsOf].flatMap(([owner, emails]) => {
    const arn = alertsTopicArn(region, accountId, config.app, owner);
    const sources = rules
      .filter(({ spec }) => spec.targets.some((target) => "topic" in target.to && target.to.topic === arn))
      .map(({ spec }) => ruleArn(region, accountId, spec.name));
    if (sources.length === 0) return [];
    const name = names.alertsTopic(config.app, owner);
    const tags = {
      [TAG_MANAGED]: "true",
      [TAG_APP]: config.app,
      ...(owner === undefined ? {} : { [TAG_JOB]: owner }),
    };
    const spec = { name, arn, policy: topicPolicy(arn, sources), emails: [...emails].sort(), tags };
    return [{ id: name, ...(owner === undefined ? {} : { job: owner }), spec }];
  });
}

/** The topic's email subscriptions, confirmed or not, sorted by address. */
export async function listEmailSubscriptions(clients: AwsClients, arn: string): Promise<TopicSubscription[]> {
  const { paginateListSubscriptionsByTopic } = await loadSdk(clients, "sns");
  const found: TopicSubscription[] = [];
  for await (const page of paginateListSubscriptionsByTopic({ client: clients.sns }, { TopicArn: arn })) {
    for (const subscription of page.Subscriptions ?? []) {
      if (subscription.Protocol !== "email") continue;
      found.push({ endpoint: subscription.Endpoint ?? "", arn: subscription.SubscriptionArn ?? "" });
    }
  }
  return found.sort((a, b) => byCodeUnits(a.endpoint, b.endpoint));
}

export async function observeAlertsTopic(
  clients: AwsClients,
  name: string,
  arn: string,
): Promise<AlertsTopicLive | undefined> {
  const { GetTopicAttributesCommand, ListTagsForResourceCommand } = await loadSdk(clients, "sns");
  try {
    const attributes = await tolerating(
      clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })),
      "NotFoundException",
    );
    if (attributes === undefined) return undefined;
    const [subscriptions, { Tags = [] }] = await Promise.all([
      listEmailSubscriptions(clients, arn),
      clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: arn })),
    ]);
    return {
      name,
      arn,
      policy: canonicalJsonText(attributes.Attributes?.Policy ?? ""),
      subscriptions,
      tags: Object.fromEntries(Tags.map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
    };
  } catch (error) {
    throw wrapAwsError(error, `reading SNS topic ${name}`);
  }
}

/** Topics of the app's alert names (`<app>-flexjob-alerts`, `<app>-<job>-flexjob-alerts`) with its tags. */
async function listAlertsTopics(clients: AwsClients, app: string): Promise<AlertsTopicLive[]> {
  const { paginateListTopics } = await loadSdk(clients, "sns");
  const candidates: { name: string; arn: string }[] = [];
  try {
    for await (const page of paginateListTopics({ client: clients.sns }, {})) {
      for (const { TopicArn: arn = "" } of page.Topics ?? []) {
        const name = arn.slice(arn.lastIndexOf(":") + 1);
        if (name.startsWith(`${app}-`) && name.endsWith("-flexjob-alerts")) candidates.push({ name, arn });
      }
    }
  } catch (error) {
    throw wrapAwsError(error, `listing the SNS topics of app ${app}`);
  }
  const found = await mapLimit(candidates, 8, ({ name, arn }) => observeAlertsTopic(clients, name, arn));
  return found.flatMap((live) => (live !== undefined && ownedByApp(live.tags, app) ? [live] : []));
}

/**
 * What is subscribed for the plan: addresses that confirmed and those still pending, except a
 * pending one the config dropped, which SNS cannot remove (Unsubscribe needs the ARN that only
 * confirming creates): it is noted instead, and lapses unless confirmed.
 */
function subscribedEmails(spec: AlertsTopicSpec, live: AlertsTopicLive, context: PlanContext): string[] {
  const wanted = new Set(spec.emails);
  return live.subscriptions.flatMap(({ endpoint, arn }) => {
    if (arn !== PENDING_CONFIRMATION || wanted.has(endpoint)) return [endpoint];
    context.note(
      `${endpoint} is no longer in alerts but stays subscribed to SNS topic ${spec.name} while its confirmation is pending: SNS cannot remove a subscription nobody confirmed; if confirmed, the next deploy removes it`,
    );
    return [];
  });
}

function comparable(topic: { policy: string; emails: string[]; tags: Record<string, string> }) {
  return { policy: new Leaf(JSON.parse(topic.policy)), emails: new Leaf(topic.emails), tags: topic.tags };
}

export function planAlertsTopic(
  desired: Desired<AlertsTopicSpec>,
  live: AlertsTopicLive | undefined,
  context: PlanContext,
): AlertsTopicStep {
  const { spec } = desired;
  const base = {
    kind: "alerts-topic",
    id: spec.name,
    ...(desired.job === undefined ? {} : { job: desired.job }),
    desired: spec,
  } as const;
  if (live === undefined) return stepFrom(base, live, diffFields(undefined, comparable(spec)));
  // Tags a user added to the topic are theirs: only flexjob's own keys are compared.
  const tags = ownTags(spec.tags, live.tags);
  const emails = subscribedEmails(spec, live, context);
  return stepFrom(base, live, diffFields(comparable({ ...live, emails, tags }), comparable(spec)));
}

async function subscribe(clients: AwsClients, arn: string, emails: readonly string[]): Promise<void> {
  const { SubscribeCommand } = await loadSdk(clients, "sns");
  // SNS makes no second subscription for an address already pending: a rerun is harmless.
  for (const email of emails) {
    await clients.sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "email", Endpoint: email }));
  }
}

async function createTopic(clients: AwsClients, spec: AlertsTopicSpec): Promise<string> {
  const { CreateTopicCommand, SetTopicAttributesCommand } = await loadSdk(clients, "sns");
  // No attributes at creation: CreateTopic of an existing topic is idempotent only for the same ones.
  const { TopicArn: arn = spec.arn } = await clients.sns.send(
    new CreateTopicCommand({ Name: spec.name, Tags: tagList(spec.tags) }),
  );
  await clients.sns.send(
    new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "Policy", AttributeValue: spec.policy }),
  );
  await subscribe(clients, arn, spec.emails);
  return arn;
}

async function updateTopic(
  clients: AwsClients,
  spec: AlertsTopicSpec,
  live: AlertsTopicLive,
): Promise<string> {
  const { SetTopicAttributesCommand, TagResourceCommand, UnsubscribeCommand } = await loadSdk(clients, "sns");
  const arn = live.arn;
  // Both are canonical JSON: observe made the live one so.
  if (live.policy !== spec.policy) {
    await clients.sns.send(
      new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "Policy", AttributeValue: spec.policy }),
    );
  }
  if (Object.entries(spec.tags).some(([key, value]) => live.tags[key] !== value)) {
    await clients.sns.send(new TagResourceCommand({ ResourceArn: arn, Tags: tagList(spec.tags) }));
  }
  const subscribed = new Set(live.subscriptions.map((subscription) => subscription.endpoint));
  await subscribe(
    clients,
    arn,
    spec.emails.filter((email) => !subscribed.has(email)),
  );
  const wanted = new Set(spec.emails);
  for (const subscription of live.subscriptions) {
    if (wanted.has(subscription.endpoint) || subscription.arn === PENDING_CONFIRMATION) continue;
    await tolerating(
      clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription.arn })),
      "NotFoundException",
    );
  }
  return arn;
}

export async function applyAlertsTopic(
  clients: AwsClients,
  step: AlertsTopicStep,
): Promise<string | undefined> {
  const { DeleteTopicCommand } = await loadSdk(clients, "sns");
  return runStep(step, "SNS topic", {
    // Deleting a topic deletes its subscriptions.
    delete: () =>
      tolerating(
        clients.sns.send(
          new DeleteTopicCommand({ TopicArn: step.live?.arn ?? step.desired?.arn ?? step.id }),
        ),
        "NotFoundException",
      ),
    create: (spec) => createTopic(clients, spec),
    update: (spec, live) => updateTopic(clients, spec, live),
  });
}

async function observeAlertsTopics(
  desired: readonly Desired<AlertsTopicSpec>[],
  context: ObserveContext,
): Promise<{ live: Map<string, AlertsTopicLive>; unwanted: Found<AlertsTopicLive>[] }> {
  // Nothing of alerts is read unless some are asked for: the deploy role may lack the reads.
  if (desired.length === 0) return { live: new Map(), unwanted: [] };
  // One listing finds both the topics asked for and those no longer asked for.
  const owned = await listAlertsTopics(context.clients, context.app);
  const wanted = new Set(desired.map((item) => item.id));
  const selected = new Set(desired.filter((item) => context.selected(item.job)).map((item) => item.id));
  return {
    live: new Map(owned.filter((live) => selected.has(live.name)).map((live) => [live.name, live])),
    unwanted: owned.filter((live) => !wanted.has(live.name)).map(foundTopic),
  };
}

function foundTopic(live: AlertsTopicLive): Found<AlertsTopicLive> {
  const job = live.tags[TAG_JOB];
  return { id: live.name, ...(job === undefined ? {} : { job }), live };
}

/** Each owner's email alerts topic: the app's, and those of jobs with alerts of their own. */
export const alertsTopics: ResourceAdapter<AlertsTopicStep> = {
  kind: "alerts-topic",
  // Before the alert rules that publish to it; removed after them.
  order: { write: 1, remove: 5 },
  render: renderAlertsTopics,
  observe: observeAlertsTopics,
  plan: planAlertsTopic,
  planUnwanted(found, context) {
    const remove = (item: Found<AlertsTopicLive>, reason: string) =>
      deleteStep<AlertsTopicStep>("alerts-topic", item, reason);
    if (found.job === undefined)
      return remove(found, "no job alerts by email through the app's alerts any more");
    return planJobLeftover(found, context, {
      remove,
      reason: () => "the job's own alerts send no email any more",
      remains: "its alerts topic remains; deploy with prune to remove it",
    });
  },
  // Destroy looks whatever the config says now: alerts removed from it must not outlive the app.
  async owned({ clients, config, job }) {
    const owned = (await listAlertsTopics(clients, config.app)).map(foundTopic);
    return owned.filter((found) => job === undefined || found.job === job);
  },
  apply: (step, { clients }) => applyAlertsTopic(clients, step),
  permissions: (scope) => alertsTopicPermissions(scope),
};

function alertsTopicPermissions(scope: AppScope): Permissions {
  const topics = [
    scope.arn("sns", names.alertsTopic(scope.app)),
    scope.arn("sns", `${scope.app}-*-flexjob-alerts`),
  ];
  const destroy = [
    {
      Sid: "DestroyAlertsTopics",
      Effect: "Allow" as const,
      Action: [
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        "sns:ListTagsForResource",
      ],
      Resource: topics,
    },
  ];
  // Without alerts only destroy looks for them; ListTopics takes no ARN.
  const list = { Sid: "FindAlertsTopics", Effect: "Allow" as const, Action: "sns:ListTopics", Resource: "*" };
  if (!configHasAlerts(scope.config)) return { deploy: [], destroy: [...destroy, list] };
  return {
    reads: ["sns:ListTopics"],
    destroy,
    deploy: [
      {
        Sid: "ManageAlertsTopics",
        Effect: "Allow" as const,
        Action: [
          "sns:CreateTopic",
          "sns:DeleteTopic",
          "sns:GetTopicAttributes",
          "sns:ListSubscriptionsByTopic",
          "sns:ListTagsForResource",
          "sns:SetTopicAttributes",
          "sns:Subscribe",
          "sns:TagResource",
        ],
        Resource: topics,
      },
      {
        // Unsubscribe names no resource type in SNS's authorization reference (a subscription is
        // not an IAM resource); flexjob calls it only for its own topics' removed addresses.
        Sid: "UnsubscribeRemovedAlertAddresses",
        Effect: "Allow" as const,
        Action: "sns:Unsubscribe",
        Resource: "*",
      },
    ],
  };
}
