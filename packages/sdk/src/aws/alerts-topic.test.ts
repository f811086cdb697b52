import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import {
  type AlertsTopicLive,
  type AlertsTopicSpec,
  alertsTopics,
  applyAlertsTopic,
  listEmailSubscriptions,
  PENDING_CONFIRMATION,
  planAlertsTopic,
  topicPolicy,
} from "./alerts-topic.js";
import { createClients } from "./clients.js";
import { deleteStep, type PlanContext } from "./resource.js";

const sns = mockClient(SNSClient);
const clients = createClients({ region: "eu-west-1" });
beforeEach(() => sns.reset());

const ARN = "arn:aws:sns:eu-west-1:123456789012:billing-flexjob-alerts";
const RULE = "arn:aws:events:eu-west-1:123456789012:rule/flexjob-billing-nightly-alert-runs";
const spec: AlertsTopicSpec = {
  name: "billing-flexjob-alerts",
  arn: ARN,
  policy: topicPolicy(ARN, [RULE]),
  emails: ["ops@example.com"],
  tags: { "flexjob:managed": "true", "flexjob:app": "billing" },
};
const live = (subscriptions: AlertsTopicLive["subscriptions"], policy = spec.policy): AlertsTopicLive => ({
  name: spec.name,
  arn: ARN,
  policy,
  subscriptions,
  tags: { ...spec.tags, owner: "someone" },
});
const CONFIRMED = `${ARN}:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;

function planned(desired: AlertsTopicSpec, existing: AlertsTopicLive | undefined) {
  const notes: string[] = [];
  const context = { note: (text: string) => notes.push(text) } as unknown as PlanContext;
  return { step: planAlertsTopic({ id: desired.name, spec: desired }, existing, context), notes };
}

describe("planAlertsTopic", () => {
  it("an address still pending, and a tag someone added, change nothing", () => {
    const { step, notes } = planned(spec, live([{ endpoint: "ops@example.com", arn: PENDING_CONFIRMATION }]));
    expect([step.action, notes]).toEqual(["noop", []]);
  });

  it("a dropped address that never confirmed stays, with a note: SNS cannot remove it", () => {
    const { step, notes } = planned(
      spec,
      live([
        { endpoint: "old@example.com", arn: PENDING_CONFIRMATION },
        { endpoint: "ops@example.com", arn: CONFIRMED },
      ]),
    );
    expect(step.action).toBe("noop");
    expect(notes).toEqual([
      "old@example.com is no longer in alerts but stays subscribed to SNS topic billing-flexjob-alerts while its confirmation is pending: SNS cannot remove a subscription nobody confirmed; if confirmed, the next deploy removes it",
    ]);
  });
});

describe("applyAlertsTopic", () => {
  it("creates the topic without attributes, then sets its policy and subscribes each address", async () => {
    sns.on(CreateTopicCommand).resolves({ TopicArn: ARN });
    await applyAlertsTopic(clients, planned(spec, undefined).step);
    expect(sns.commandCalls(CreateTopicCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: "billing-flexjob-alerts",
        Tags: [
          { Key: "flexjob:app", Value: "billing" },
          { Key: "flexjob:managed", Value: "true" },
        ],
      },
    ]);
    expect(sns.commandCalls(SetTopicAttributesCommand).map((call) => call.args[0].input)).toEqual([
      { TopicArn: ARN, AttributeName: "Policy", AttributeValue: spec.policy },
    ]);
    expect(sns.commandCalls(SubscribeCommand).map((call) => call.args[0].input)).toEqual([
      { TopicArn: ARN, Protocol: "email", Endpoint: "ops@example.com" },
    ]);
  });

  it("an update sends only what differs: the policy, a new address, and the unsubscription of a confirmed old one", async () => {
    const existing = live(
      [
        { endpoint: "gone@example.com", arn: CONFIRMED },
        { endpoint: "ops@example.com", arn: PENDING_CONFIRMATION },
      ],
      topicPolicy(ARN, []),
    );
    const desired = { ...spec, emails: ["new@example.com", "ops@example.com"] };
    const { step } = planned(desired, existing);
    expect([step.action, step.changes.map((change) => change.path)]).toEqual([
      "update",
      ["policy", "emails"],
    ]);
    await applyAlertsTopic(clients, step);
    expect(sns.commandCalls(SetTopicAttributesCommand)).toHaveLength(1);
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(0);
    expect(sns.commandCalls(SubscribeCommand).map((call) => call.args[0].input.Endpoint)).toEqual([
      "new@example.com",
    ]);
    expect(sns.commandCalls(UnsubscribeCommand).map((call) => call.args[0].input)).toEqual([
      { SubscriptionArn: CONFIRMED },
    ]);
  });
});

describe("listEmailSubscriptions", () => {
  it("reads every page and keeps the email subscriptions, sorted by address", async () => {
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: ARN, NextToken: undefined })
      .resolves({
        Subscriptions: [
          { Protocol: "email", Endpoint: "ops@example.com", SubscriptionArn: CONFIRMED },
          { Protocol: "sqs", Endpoint: "arn:aws:sqs:eu-west-1:123456789012:q", SubscriptionArn: "x" },
        ],
        NextToken: "2",
      })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: ARN, NextToken: "2" })
      .resolves({
        Subscriptions: [
          { Protocol: "email", Endpoint: "dev@example.com", SubscriptionArn: PENDING_CONFIRMATION },
        ],
      });
    expect(await listEmailSubscriptions(clients, ARN)).toEqual([
      { endpoint: "dev@example.com", arn: PENDING_CONFIRMATION },
      { endpoint: "ops@example.com", arn: CONFIRMED },
    ]);
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(2);
  });
});

describe("destroy", () => {
  it("on clients with nothing loaded, finds the app's alerts topics by listing and deletes each", async () => {
    const other = "arn:aws:sns:eu-west-1:123456789012:shop-flexjob-alerts";
    sns
      .on(ListTopicsCommand)
      .resolves({ Topics: [{ TopicArn: ARN }, { TopicArn: other }] })
      .on(GetTopicAttributesCommand, { TopicArn: ARN })
      .resolves({ Attributes: { Policy: spec.policy } })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: ARN })
      .resolves({
        Subscriptions: [{ Protocol: "email", Endpoint: "ops@example.com", SubscriptionArn: CONFIRMED }],
      })
      .on(ListTagsForResourceCommand, { ResourceArn: ARN })
      .resolves({
        Tags: [
          { Key: "flexjob:managed", Value: "true" },
          { Key: "flexjob:app", Value: "billing" },
        ],
      });
    const config = parseConfig({
      app: "billing",
      jobs: { nightly: { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "rate(1 hour)" } },
    });
    const found = await alertsTopics.owned({
      clients: createClients({ region: "eu-west-1" }),
      config,
      job: undefined,
    });
    expect(found).toEqual([
      {
        id: "billing-flexjob-alerts",
        live: {
          name: "billing-flexjob-alerts",
          arn: ARN,
          policy: spec.policy,
          subscriptions: [{ endpoint: "ops@example.com", arn: CONFIRMED }],
          tags: { "flexjob:managed": "true", "flexjob:app": "billing" },
        },
      },
    ]);
    const [topic] = found;
    if (topic === undefined) throw new Error("no topic found");
    await applyAlertsTopic(
      createClients({ region: "eu-west-1" }),
      deleteStep("alerts-topic", topic, "destroy"),
    );
    expect(sns.commandCalls(DeleteTopicCommand).map((call) => call.args[0].input)).toEqual([
      { TopicArn: ARN },
    ]);
  });
});
