import { resourcePolicyAllows } from "../../core/resource-policy.js";
import { AwsError, type QueueDelivery, type ServiceDefinition, type SqsInternals } from "../../core/types.js";
import { sendChecked, sqsHandlers } from "./handlers.js";
import { deleteByHandle, emptySqsState, expire, findQueueByArn, receive, type SqsEnv } from "./state.js";

/**
 * SQS: standard queues (attributes incl. retention, SQS-managed or KMS encryption, Policy),
 * messages with delay, visibility timeout and retention on the fake clock, and tags. Other
 * services (EventBridge, Scheduler's dead-letter queues) send through `receive`, which the
 * queue policy must allow.
 */

/** Test controls, on the in-process handle as `aws.sqs`. */
export interface SqsControls {
  /** The bodies of the messages a queue (by name) holds now, oldest first, without receiving them. */
  messages(queueName: string, options?: { region?: string }): string[];
}

export interface SqsService {
  service: ServiceDefinition;
  controls: SqsControls;
  /** Another service sends a message (see `World.sendToQueue`); why it failed, or undefined. */
  receive(delivery: QueueDelivery): string | undefined;
  /** What `World.sqs` answers: a queue consumed by another service. */
  internals: SqsInternals;
}

export function createSqsService(options: {
  accountId: string;
  clock: { now(): Date };
  region: string;
}): SqsService {
  const env: SqsEnv = { state: emptySqsState() };
  const nowMs = () => options.clock.now().getTime();
  const service: ServiceDefinition = {
    signingName: "sqs",
    protocol: "awsJson1_0",
    targetPrefix: "AmazonSQS",
    handlers: sqsHandlers(env),
    mutating: new Set([
      "CreateQueue",
      "SetQueueAttributes",
      "DeleteQueue",
      "SendMessage",
      "ReceiveMessage",
      "DeleteMessage",
      "TagQueue",
      "UntagQueue",
    ]),
    snapshot: () =>
      [...env.state.queues.values()].map((q) => ({
        url: q.url,
        attributes: Object.fromEntries(q.attributes),
        tags: Object.fromEntries(q.tags),
        messages: q.messages.map((m) => m.body),
      })),
    reset: () => {
      env.state = emptySqsState();
    },
  };
  return {
    service,
    controls: {
      messages(queueName, opts = {}) {
        const region = opts.region ?? options.region;
        const queue = [...env.state.queues.values()].find((q) => q.name === queueName && q.region === region);
        if (!queue) return [];
        expire(queue, nowMs());
        return queue.messages.map((m) => m.body);
      },
    },
    receive: (delivery) => receiveFromService(env, delivery, options.accountId, nowMs()),
    internals: sqsInternals(env, options.accountId, nowMs),
  };
}

function sqsInternals(env: SqsEnv, accountId: string, nowMs: () => number): SqsInternals {
  const listeners: ((queueArn: string) => void)[] = [];
  env.onQueued = (queueArn) => {
    for (const listener of listeners) listener(queueArn);
  };
  return {
    receive(queueArn, max) {
      const queue = findQueueByArn(env.state, queueArn);
      if (!queue) return undefined;
      const visibility = Number(queue.attributes.get("VisibilityTimeout"));
      return receive(env.state, queue, max, visibility, nowMs()).map((m) => ({
        MessageId: m.id,
        ReceiptHandle: m.receiptHandle ?? "",
        Body: m.body,
        MD5OfBody: m.md5,
        // SenderId is the sending principal's id in AWS; the fake knows only the account.
        Attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAtMs),
          SenderId: accountId,
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAtMs ?? m.sentAtMs),
        },
        ...(m.attributes !== undefined && { MessageAttributes: structuredClone(m.attributes) }),
        ...(m.md5OfAttributes !== undefined && { MD5OfMessageAttributes: m.md5OfAttributes }),
      }));
    },
    deleteMessage(queueArn, receiptHandle) {
      const queue = findQueueByArn(env.state, queueArn);
      if (queue) deleteByHandle(queue, receiptHandle);
    },
    onQueued: (listener) => listeners.push(listener),
  };
}

/** A message from another service (`World.sendToQueue`); a service principal needs the queue policy. */
function receiveFromService(
  env: SqsEnv,
  delivery: QueueDelivery,
  accountId: string,
  nowMs: number,
): string | undefined {
  const queue = findQueueByArn(env.state, delivery.queueArn);
  if (!queue) return `queue ${delivery.queueArn} does not exist`;
  if (delivery.principal !== undefined) {
    const call = {
      principal: delivery.principal,
      action: "sqs:SendMessage",
      resource: queue.arn,
      context: { "aws:SourceArn": delivery.sourceArn ?? "", "aws:SourceAccount": accountId },
    };
    if (!resourcePolicyAllows([queue.attributes.get("Policy") ?? ""], call)) {
      return `the policy of queue ${queue.arn} does not allow ${delivery.principal} sqs:SendMessage`;
    }
  }
  try {
    const send = { body: delivery.body, attributes: delivery.messageAttributes };
    sendChecked(env, queue, send, { now: () => new Date(nowMs) });
  } catch (error) {
    if (error instanceof AwsError)
      return `SendMessage to ${queue.arn} failed: ${error.code}: ${error.message}`;
    throw error;
  }
  return undefined;
}
