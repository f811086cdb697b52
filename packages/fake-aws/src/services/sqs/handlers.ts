import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import {
  attributesSize,
  md5OfAttributes,
  readMessageAttributes,
  selectAttributes,
} from "./message-attributes.js";
import {
  DEFAULT_ATTRIBUTES,
  deleteByHandle,
  enqueue,
  expire,
  invalidAttributeValue,
  invalidParameter,
  type Message,
  type Queue,
  queueNotFound,
  queueUrl,
  receive,
  requireQueue,
  type SqsEnv,
} from "./state.js";

/** SQS's request handlers (awsJson1_0, as the current SDK speaks it). */

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** Settable attributes with their documented integer ranges; others take text. */
const RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
const TEXT_ATTRIBUTES = [
  "Policy",
  "RedrivePolicy",
  "RedriveAllowPolicy",
  "KmsMasterKeyId",
  "SqsManagedSseEnabled",
];

const OPERATIONS: Record<string, OperationHandler<SqsEnv>> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  DeleteQueue: deleteQueue,
  SendMessage: sendMessage,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
};

export function sqsHandlers(env: SqsEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

function checkAttributes(attributes: Record<string, string>, current: ReadonlyMap<string, string>): void {
  for (const [name, value] of Object.entries(attributes)) {
    const range = RANGES[name];
    if (range) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < range[0] || n > range[1]) {
        throw invalidAttributeValue(
          `Invalid value for the parameter ${name}: ${value} is not an integer from ${range[0]} to ${range[1]}.`,
        );
      }
    } else if (!TEXT_ATTRIBUTES.includes(name)) {
      throw new AwsError("InvalidAttributeName", `Unknown Attribute ${name}.`);
    }
  }
  if (
    attributes.SqsManagedSseEnabled !== undefined &&
    !["true", "false"].includes(attributes.SqsManagedSseEnabled)
  ) {
    throw invalidAttributeValue(
      `Invalid value for the parameter SqsManagedSseEnabled: ${attributes.SqsManagedSseEnabled}.`,
    );
  }
  if (attributes.Policy !== undefined && attributes.Policy !== "") {
    try {
      JSON.parse(attributes.Policy);
    } catch {
      throw invalidAttributeValue("Invalid value for the parameter Policy: it is not valid JSON.");
    }
  }
  const sse =
    attributes.SqsManagedSseEnabled ??
    (attributes.KmsMasterKeyId ? "false" : current.get("SqsManagedSseEnabled"));
  const kms = attributes.KmsMasterKeyId ?? current.get("KmsMasterKeyId");
  if (sse === "true" && kms !== undefined && kms !== "") {
    throw invalidAttributeValue(
      "You can use one type of server-side encryption (SSE) at one time: SqsManagedSseEnabled or KmsMasterKeyId.",
    );
  }
}

function createQueue(env: SqsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const name = r.string("QueueName", { required: true });
  if (!QUEUE_NAME.test(name)) {
    throw invalidParameter(
      `Value ${name} for parameter QueueName is invalid: 1-80 letters, digits, hyphens, underscores.`,
    );
  }
  const attributes = r.stringMap("Attributes") ?? {};
  const tags = r.stringMap("tags") ?? {};
  const url = queueUrl(ctx.region, ctx.accountId, name);
  const existing = env.state.queues.get(url);
  if (existing) {
    if (JSON.stringify(existing.createdWith) !== JSON.stringify(attributes)) {
      throw new AwsError(
        "QueueNameExists",
        `A queue already exists with the same name and a different value for attribute(s) ${Object.keys(attributes).join(", ")}`,
      );
    }
    return { QueueUrl: url };
  }
  // KMS encryption replaces SQS-managed encryption, the default.
  const defaults = attributes.KmsMasterKeyId
    ? { ...DEFAULT_ATTRIBUTES, SqsManagedSseEnabled: "false" }
    : DEFAULT_ATTRIBUTES;
  checkAttributes(attributes, new Map(Object.entries(defaults)));
  env.state.queues.set(url, {
    region: ctx.region,
    name,
    arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`,
    url,
    attributes: new Map(Object.entries({ ...defaults, ...attributes })),
    createdWith: attributes,
    tags: new Map(Object.entries(tags)),
    messages: [],
    createdAtMs: ctx.now().getTime(),
  });
  return { QueueUrl: url };
}

function getQueueUrl(env: SqsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const name = r.string("QueueName", { required: true });
  const account = r.string("QueueOwnerAWSAccountId") ?? ctx.accountId;
  const url = queueUrl(ctx.region, account, name);
  if (!env.state.queues.has(url)) throw queueNotFound();
  return { QueueUrl: url };
}

function queueOf(env: SqsEnv, r: Reader): Queue {
  return requireQueue(env.state, r.string("QueueUrl", { required: true }));
}

function getQueueAttributes(env: SqsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const queue = queueOf(env, r);
  const names = r.strings("AttributeNames") ?? [];
  expire(queue, ctx.now().getTime());
  const nowMs = ctx.now().getTime();
  const all: Record<string, string> = {
    ...Object.fromEntries(queue.attributes),
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAtMs <= nowMs).length),
    ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAtMs > nowMs).length),
    CreatedTimestamp: String(Math.floor(queue.createdAtMs / 1000)),
  };
  const wanted = names.includes("All") ? Object.keys(all) : names;
  const attributes = Object.fromEntries(
    wanted.filter((n) => all[n] !== undefined).map((n) => [n, all[n] as string]),
  );
  return { Attributes: Object.keys(attributes).length > 0 ? attributes : undefined };
}

function setQueueAttributes(env: SqsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const queue = queueOf(env, r);
  const attributes = r.stringMap("Attributes") ?? {};
  checkAttributes(attributes, queue.attributes);
  for (const [name, value] of Object.entries(attributes)) queue.attributes.set(name, value);
  return {};
}

function deleteQueue(env: SqsEnv, input: Record<string, unknown>) {
  const queue = queueOf(env, Reader.of(input, invalidParameter));
  env.state.queues.delete(queue.url);
  return {};
}

function sendMessage(env: SqsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const queue = queueOf(env, r);
  const body = r.string("MessageBody", { required: true, min: 1 });
  const delay = r.int("DelaySeconds", { min: 0, max: 900 });
  const message = sendChecked(env, queue, { body, attributes: input.MessageAttributes, delay }, ctx);
  return {
    MessageId: message.id,
    MD5OfMessageBody: message.md5,
    MD5OfMessageAttributes: message.md5OfAttributes,
  };
}

/**
 * SendMessage's checks and queuing, for the API and for other services alike: the attributes
 * as SQS reads them, and the body and attributes together within the queue's maximum size.
 */
export function sendChecked(
  env: SqsEnv,
  queue: Queue,
  send: { body: string; attributes?: unknown; delay?: number | undefined },
  ctx: Pick<CallContext, "now">,
): Message {
  const attributes = readMessageAttributes(send.attributes);
  const max = Number(queue.attributes.get("MaximumMessageSize"));
  if (Buffer.byteLength(send.body) + attributesSize(attributes) > max) {
    throw invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
    );
  }
  const message = enqueue(env.state, queue, send.body, ctx.now().getTime(), {
    delaySeconds: send.delay,
    attributes,
    md5OfAttributes: attributes && md5OfAttributes(attributes),
  });
  env.onQueued?.(queue.arn);
  return message;
}

function receiveMessage(env: SqsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidParameter);
  const queue = queueOf(env, r);
  const max = r.int("MaxNumberOfMessages", { min: 1, max: 10 }) ?? 1;
  const wanted = r.strings("MessageAttributeNames", { item: { min: 1, max: 256 } }) ?? [];
  const visibility =
    r.int("VisibilityTimeout", { min: 0, max: 43_200 }) ?? Number(queue.attributes.get("VisibilityTimeout"));
  r.int("WaitTimeSeconds", { min: 0, max: 20 });
  const received = receive(env.state, queue, max, visibility, ctx.now().getTime());
  return {
    Messages: received.map((m) => {
      const attributes = selectAttributes(m.attributes, wanted);
      return {
        MessageId: m.id,
        ReceiptHandle: m.receiptHandle,
        MD5OfBody: m.md5,
        Body: m.body,
        Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAtMs) },
        MessageAttributes: attributes,
        MD5OfMessageAttributes: attributes && md5OfAttributes(attributes),
      };
    }),
  };
}

function deleteMessage(env: SqsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const queue = queueOf(env, r);
  const handle = r.string("ReceiptHandle", { required: true });
  if (!deleteByHandle(queue, handle)) {
    throw new AwsError(
      "ReceiptHandleIsInvalid",
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    );
  }
  return {};
}

function tagQueue(env: SqsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const queue = queueOf(env, r);
  for (const [key, value] of Object.entries(r.stringMap("Tags") ?? {})) queue.tags.set(key, value);
  return {};
}

function untagQueue(env: SqsEnv, input: Record<string, unknown>) {
  const r = Reader.of(input, invalidParameter);
  const queue = queueOf(env, r);
  for (const key of r.strings("TagKeys", { required: true }) ?? []) queue.tags.delete(key);
  return {};
}

function listQueueTags(env: SqsEnv, input: Record<string, unknown>) {
  const queue = queueOf(env, Reader.of(input, invalidParameter));
  return { Tags: queue.tags.size > 0 ? Object.fromEntries(queue.tags) : undefined };
}
