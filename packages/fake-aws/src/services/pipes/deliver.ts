import type { MessageAttributeValue, ReceivedMessage } from "../../core/types.js";
import { type Pipe, type PipesEnv, recordFailure } from "./state.js";
import { applyInputTemplate, atPath } from "./template.js";

/**
 * A RUNNING pipe at work: it assumes its role (which must trust pipes.amazonaws.com, for the
 * pipe's account and ARN when its trust has those conditions) and, as that role, receives from
 * its SQS queue (sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes), builds each
 * message's record as Pipes does for an SQS source, applies the InputTemplate, puts one event per
 * record on the target bus (events:PutEvents), through EventBridge's own publishing so rules match
 * it, and deletes the message. A role refused anything leaves the messages in the queue and the
 * reason in the failures. Without parameters, the event's source is `Pipe <name>` and its
 * detail-type `Event from aws:sqs`.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-sqs.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html
 */

export const PIPES_PRINCIPAL = "pipes.amazonaws.com";
const QUEUE_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

/** Drains every RUNNING pipe (whose source is `queueArn`, when given) until its queue has nothing visible. */
export function drain(env: PipesEnv, now: Date, queueArn?: string): void {
  for (const pipe of [...env.state.pipes.values()]) {
    if (pipe.currentState !== "RUNNING" || (queueArn !== undefined && pipe.source !== queueArn)) continue;
    // A pipe whose own events refill its queue takes them in its running pass, not a nested one.
    if (env.draining.has(pipe.arn)) continue;
    env.draining.add(pipe.arn);
    try {
      drainPipe(env, pipe, now);
    } finally {
      env.draining.delete(pipe.arn);
    }
  }
}

function drainPipe(env: PipesEnv, pipe: Pipe, now: Date): void {
  const refused = roleProblem(env, pipe);
  if (refused !== undefined) {
    recordFailure(env.state, pipe, { reason: refused, at: now.toISOString() });
    return;
  }
  const sqs = env.world.sqs;
  let failed = false;
  const batchSize = (pipe.sourceParameters.SqsQueueParameters as { BatchSize?: number } | undefined)
    ?.BatchSize;
  for (;;) {
    const messages = sqs?.receive(pipe.source, Math.min(batchSize ?? 10, 10));
    if (messages === undefined) {
      recordFailure(env.state, pipe, {
        reason: `queue ${pipe.source} does not exist`,
        at: now.toISOString(),
      });
      return;
    }
    if (messages.length === 0) break;
    for (const message of messages) failed = !deliver(env, pipe, message, now) || failed;
  }
  if (!failed) delete pipe.stateReason;
}

/** Whether the record reached the bus (and left the queue). */
function deliver(env: PipesEnv, pipe: Pipe, message: ReceivedMessage, now: Date): boolean {
  const record = sqsRecord(pipe, message);
  const parameters = pipe.targetParameters ?? {};
  const template = parameters.InputTemplate as string | undefined;
  const detail = template === undefined ? record : applyInputTemplate(template, record, pipe, now);
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
    const reason = "the InputTemplate's output is not a JSON object, so it cannot be an event's detail";
    recordFailure(env.state, pipe, { messageId: message.MessageId, reason, at: now.toISOString() });
    return false; // the message comes back after its visibility timeout
  }
  const bus = (parameters.EventBridgeEventBusParameters ?? {}) as Record<string, unknown>;
  env.world.publishEvent?.({
    source: typeof bus.Source === "string" ? bus.Source : `Pipe ${pipe.name}`,
    detailType: typeof bus.DetailType === "string" ? bus.DetailType : "Event from aws:sqs",
    detail: detail as Record<string, unknown>,
    resources: Array.isArray(bus.Resources) ? bus.Resources.map(String) : [],
    region: pipe.region,
    account: env.accountId,
    time: eventTime(bus.Time, record) ?? now,
  });
  env.world.sqs?.deleteMessage(pipe.source, message.ReceiptHandle);
  return true;
}

/** `Time`: a JSON path to the record's RFC 3339 time stamp; without one, the time of delivery. */
function eventTime(path: unknown, record: Record<string, unknown>): Date | undefined {
  if (typeof path !== "string") return undefined;
  const value = atPath(record, path);
  const time = typeof value === "string" ? new Date(value) : undefined;
  return time !== undefined && !Number.isNaN(time.getTime()) ? time : undefined;
}

/** Why the pipe may not act as its role, or undefined when it may do all it needs. */
function roleProblem(env: PipesEnv, pipe: Pipe): string | undefined {
  const context = { "aws:SourceAccount": env.accountId, "aws:SourceArn": pipe.arn };
  if (!(env.world.roleTrusts?.(pipe.roleArn, PIPES_PRINCIPAL, context) ?? true)) {
    return `role ${pipe.roleArn} does not trust ${PIPES_PRINCIPAL} for ${pipe.arn}`;
  }
  const needs = [
    ...QUEUE_ACTIONS.map((action) => ({ action, resource: pipe.source })),
    { action: "events:PutEvents", resource: pipe.target },
  ];
  for (const request of needs) {
    if (!(env.world.roleAllows?.(pipe.roleArn, request) ?? true)) {
      return `role ${pipe.roleArn} is not allowed ${request.action} on ${request.resource}`;
    }
  }
  return undefined;
}

/** The record Pipes builds for one SQS message: Lambda's SQS event record shape. */
export function sqsRecord(pipe: Pipe, message: ReceivedMessage): Record<string, unknown> {
  const attributes = message.MessageAttributes;
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: { ...message.Attributes },
    messageAttributes: Object.fromEntries(
      Object.entries(attributes ?? {}).map(([name, value]) => [name, recordAttribute(value)]),
    ),
    md5OfBody: message.MD5OfBody,
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: "aws:sqs",
    eventSourceARN: pipe.source,
    awsRegion: pipe.region,
  };
}

function recordAttribute(value: MessageAttributeValue): Record<string, unknown> {
  return {
    ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
    ...(value.BinaryValue !== undefined && { binaryValue: value.BinaryValue }),
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType,
  };
}
