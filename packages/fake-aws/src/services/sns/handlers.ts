import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { XmlEntries } from "../../core/xml.js";
import {
  defaultPolicy,
  invalidParameter,
  nextUuid,
  requireTopic,
  type SnsEnv,
  type Subscription,
  type Topic,
} from "./state.js";

/** SNS's request handlers (awsQuery): topics, their attributes, subscriptions, Publish, tags. */

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const SETTABLE = [
  "Policy",
  "DisplayName",
  "KmsMasterKeyId",
  "DeliveryPolicy",
  "TracingConfig",
  "SignatureVersion",
];
const PROTOCOLS = ["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MAX_MESSAGE_BYTES = 262_144;

const OPERATIONS: Record<string, OperationHandler<SnsEnv>> = {
  CreateTopic: createTopic,
  ListTopics: listTopics,
  GetTopicAttributes: getTopicAttributes,
  SetTopicAttributes: setTopicAttributes,
  DeleteTopic: deleteTopic,
  Subscribe: subscribe,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  Unsubscribe: unsubscribe,
  Publish: publish,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

export function snsHandlers(env: SnsEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

function checkAttribute(name: string, value: string): void {
  if (!SETTABLE.includes(name)) throw invalidParameter(`AttributeName ${name} is not a settable attribute`);
  if (name === "Policy") {
    try {
      JSON.parse(value);
    } catch {
      throw invalidParameter(`Policy Error: the policy document is not valid JSON`);
    }
  }
}

function createTopic(env: SnsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const name = r.string("Name", { required: true });
  if (!TOPIC_NAME.test(name)) {
    throw invalidParameter(`Topic Name ${name}: names are 1-256 letters, digits, hyphens and underscores`);
  }
  const attributes = r.stringMap("Attributes") ?? {};
  for (const [key, value] of Object.entries(attributes)) checkAttribute(key, value);
  const tags = readTags(r);
  const arn = `arn:aws:sns:${ctx.region}:${ctx.accountId}:${name}`;
  const existing = env.state.topics.get(arn);
  if (existing) {
    // CreateTopic is idempotent only for the same attributes.
    if (JSON.stringify(existing.createdWith) !== JSON.stringify(attributes)) {
      throw invalidParameter("Attributes Reason: Topic already exists with different attributes");
    }
    return { TopicArn: arn };
  }
  env.state.topics.set(arn, {
    region: ctx.region,
    name,
    arn,
    attributes: new Map([["Policy", defaultPolicy(arn, ctx.accountId)], ...Object.entries(attributes)]),
    createdWith: attributes,
    tags: new Map(tags),
  });
  return { TopicArn: arn };
}

/** The region's topics, 100 a page, as SNS pages them. */
function listTopics(env: SnsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const topics = [...env.state.topics.values()].filter((topic) => topic.region === ctx.region);
  const page = paginate(topics, (topic) => topic.arn, {
    token: r.string("NextToken"),
    max: 100,
    invalidToken: () => invalidParameter("NextToken"),
  });
  return { Topics: page.items.map((topic) => ({ TopicArn: topic.arn })), NextToken: page.nextToken };
}

function getTopicAttributes(env: SnsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const topic = requireTopic(
    env.state,
    Reader.of(input, invalidParameter).string("TopicArn", { required: true }),
  );
  const subscriptions = subscriptionsOf(env, topic);
  return {
    Attributes: new XmlEntries({
      TopicArn: topic.arn,
      Owner: ctx.accountId,
      DisplayName: "",
      SubscriptionsConfirmed: String(subscriptions.filter((s) => s.confirmed).length),
      SubscriptionsPending: String(subscriptions.filter((s) => !s.confirmed).length),
      SubscriptionsDeleted: "0",
      ...Object.fromEntries(topic.attributes),
    }),
  };
}

function setTopicAttributes(env: SnsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const topic = requireTopic(env.state, r.string("TopicArn", { required: true }));
  const name = r.string("AttributeName", { required: true });
  const value = r.string("AttributeValue") ?? "";
  checkAttribute(name, value);
  if (value === "" && name !== "Policy") topic.attributes.delete(name);
  else topic.attributes.set(name, value);
  return {};
}

function deleteTopic(env: SnsEnv, input: Record<string, unknown>) {
  const arn = Reader.of(input, invalidParameter).string("TopicArn", { required: true });
  env.state.topics.delete(arn);
  for (const [subscriptionArn, s] of env.state.subscriptions) {
    if (s.topicArn === arn) env.state.subscriptions.delete(subscriptionArn);
  }
  return {};
}

const subscriptionsOf = (env: SnsEnv, topic: Topic) =>
  [...env.state.subscriptions.values()].filter((s) => s.topicArn === topic.arn);

function subscribe(env: SnsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const topic = requireTopic(env.state, r.string("TopicArn", { required: true }));
  const protocol = r.string("Protocol", { required: true });
  const endpoint = r.string("Endpoint") ?? "";
  const returnArn = r.bool("ReturnSubscriptionArn") ?? false;
  if (!PROTOCOLS.includes(protocol))
    throw invalidParameter(`Protocol ${protocol} is not a valid protocol type`);
  if (protocol.startsWith("email") && !EMAIL.test(endpoint)) {
    throw invalidParameter(`Email address ${endpoint} is not valid`);
  }
  const existing = subscriptionsOf(env, topic).find(
    (s) => s.protocol === protocol && s.endpoint === endpoint,
  );
  const subscription: Subscription = existing ?? {
    arn: `${topic.arn}:${nextUuid(env.state)}`,
    topicArn: topic.arn,
    protocol,
    endpoint,
    confirmed: !protocol.startsWith("email"),
  };
  env.state.subscriptions.set(subscription.arn, subscription);
  return { SubscriptionArn: subscription.confirmed || returnArn ? subscription.arn : "pending confirmation" };
}

function listSubscriptionsByTopic(env: SnsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const topic = requireTopic(env.state, r.string("TopicArn", { required: true }));
  const page = paginate(subscriptionsOf(env, topic), (s) => s.arn, {
    token: r.string("NextToken"),
    max: 100,
    invalidToken: () => invalidParameter("NextToken"),
  });
  return {
    Subscriptions: page.items.map((s) => ({
      SubscriptionArn: s.confirmed ? s.arn : "PendingConfirmation",
      Owner: ctx.accountId,
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      TopicArn: s.topicArn,
    })),
    NextToken: page.nextToken,
  };
}

function unsubscribe(env: SnsEnv, input: Record<string, unknown>) {
  const arn = Reader.of(input, invalidParameter).string("SubscriptionArn", { required: true });
  if (!env.state.subscriptions.delete(arn))
    throw new AwsError("NotFound", "Subscription does not exist", 404);
  return {};
}

function publish(env: SnsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const topicArn = r.string("TopicArn") ?? r.string("TargetArn");
  if (topicArn === undefined)
    throw invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  requireTopic(env.state, topicArn);
  const message = r.string("Message", { required: true });
  const subject = r.string("Subject");
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    throw invalidParameter(
      `Message too long: ${Buffer.byteLength(message)} bytes, at most ${MAX_MESSAGE_BYTES}`,
    );
  }
  if (subject !== undefined && (subject.length === 0 || subject.length > 100)) {
    throw invalidParameter("Subject must be 1-100 characters");
  }
  const messageId = nextUuid(env.state);
  env.state.published.push({
    topicArn,
    messageId,
    message,
    ...(subject !== undefined && { subject }),
    publishedBy: ctx.accountId,
  });
  return { MessageId: messageId };
}

function readTags(r: Reader): [string, string][] {
  return r
    .objects("Tags", { max: 50 })
    .map((t) => [
      t.string("Key", { required: true, min: 1, max: 128 }),
      t.string("Value", { required: true, max: 256 }),
    ]);
}

function tagResource(env: SnsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const topic = requireTopic(env.state, r.string("ResourceArn", { required: true }));
  for (const [key, value] of readTags(r)) topic.tags.set(key, value);
  return {};
}

function untagResource(env: SnsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const topic = requireTopic(env.state, r.string("ResourceArn", { required: true }));
  for (const key of r.strings("TagKeys", { required: true }) ?? []) topic.tags.delete(key);
  return {};
}

function listTagsForResource(env: SnsEnv, input: Record<string, unknown>) {
  const topic = requireTopic(
    env.state,
    Reader.of(input, invalidParameter).string("ResourceArn", { required: true }),
  );
  return { Tags: [...topic.tags].map(([Key, Value]) => ({ Key, Value })) };
}
