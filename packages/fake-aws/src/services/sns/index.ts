import { resourcePolicyAllows } from "../../core/resource-policy.js";
import type { ServiceDefinition } from "../../core/types.js";
import { snsHandlers } from "./handlers.js";
import { emptySnsState, nextUuid, type PublishedMessage, type SnsEnv } from "./state.js";

export type { PublishedMessage } from "./state.js";

/**
 * SNS: topics (idempotent CreateTopic, attributes incl. Policy and KmsMasterKeyId), email and
 * other subscriptions (email waits for confirmation), Publish and tags. Messages are recorded,
 * not sent; EventBridge publishes through `receive`, which the topic policy must allow.
 */

/** Test controls, on the in-process handle as `aws.sns`. */
export interface SnsControls {
  /** Every message published, oldest first. */
  published(): PublishedMessage[];
  /** The recipient clicks the confirmation link: the topic's subscription for `endpoint` is confirmed. */
  confirmSubscription(topicArn: string, endpoint: string): void;
}

export interface SnsService {
  service: ServiceDefinition;
  controls: SnsControls;
  /** A service principal publishes to a topic (EventBridge's SNS target); why it failed, or undefined. */
  receive(delivery: {
    topicArn: string;
    message: string;
    principal: string;
    sourceArn: string;
  }): string | undefined;
}

export function createSnsService(options: { accountId: string }): SnsService {
  const env: SnsEnv = { state: emptySnsState() };
  const service: ServiceDefinition = {
    signingName: "sns",
    protocol: "awsQuery",
    apiVersion: "2010-03-31",
    xmlNamespace: "http://sns.amazonaws.com/doc/2010-03-31/",
    handlers: snsHandlers(env),
    mutating: new Set([
      "CreateTopic",
      "SetTopicAttributes",
      "DeleteTopic",
      "Subscribe",
      "Unsubscribe",
      "Publish",
      "TagResource",
      "UntagResource",
    ]),
    snapshot: () => ({
      topics: [...env.state.topics.values()].map((t) => ({
        arn: t.arn,
        attributes: Object.fromEntries(t.attributes),
        tags: Object.fromEntries(t.tags),
      })),
      subscriptions: [...env.state.subscriptions.values()],
    }),
    reset: () => {
      env.state = emptySnsState();
    },
  };
  return {
    service,
    controls: {
      published: () => env.state.published.map((m) => ({ ...m })),
      confirmSubscription(topicArn, endpoint) {
        const subscription = [...env.state.subscriptions.values()].find(
          (s) => s.topicArn === topicArn && s.endpoint === endpoint,
        );
        if (!subscription) throw new Error(`no subscription of ${endpoint} to ${topicArn}`);
        subscription.confirmed = true;
      },
    },
    receive: (delivery) => receiveFromService(env, delivery, options.accountId),
  };
}

/** EventBridge's SNS target: the topic policy must allow the principal `sns:Publish` from the rule. */
function receiveFromService(
  env: SnsEnv,
  delivery: { topicArn: string; message: string; principal: string; sourceArn: string },
  accountId: string,
): string | undefined {
  const topic = env.state.topics.get(delivery.topicArn);
  if (!topic) return `topic ${delivery.topicArn} does not exist`;
  const call = {
    principal: delivery.principal,
    action: "sns:Publish",
    resource: topic.arn,
    context: { "aws:SourceArn": delivery.sourceArn, "aws:SourceAccount": accountId },
  };
  if (!resourcePolicyAllows([topic.attributes.get("Policy") ?? ""], call)) {
    return `the policy of topic ${topic.arn} does not allow ${delivery.principal} sns:Publish`;
  }
  env.state.published.push({
    topicArn: topic.arn,
    messageId: nextUuid(env.state),
    message: delivery.message,
    publishedBy: delivery.principal,
  });
  return undefined;
}
