import { createHash } from "node:crypto";
import { type AttributedResource, AwsError, type MessageAttributeValue } from "../../core/types.js";

/**
 * SQS's state: standard queues with their attributes, tags and messages. Messages leave the
 * queue when deleted or when older than the queue's retention period, and are invisible for
 * the visibility timeout after each receive; all on the fake clock.
 */

export interface Message {
  id: string;
  body: string;
  md5: string;
  sentAtMs: number;
  /** Not receivable before this (delay, then each visibility timeout). */
  visibleAtMs: number;
  receiveCount: number;
  firstReceivedAtMs?: number;
  /** The handle of the latest receive; only it deletes the message. */
  receiptHandle?: string;
  /** The message's own attributes (already checked), and their MD5 as SQS computes it. */
  attributes?: Record<string, MessageAttributeValue>;
  md5OfAttributes?: string;
}

export interface Queue extends AttributedResource {
  url: string;
  messages: Message[];
  createdAtMs: number;
}

export interface SqsState {
  /** By URL. */
  queues: Map<string, Queue>;
  serial: number;
}

export interface SqsEnv {
  state: SqsState;
  /** Told each queue a message was queued in (by its ARN): consumers such as Pipes drain it. */
  onQueued?: (queueArn: string) => void;
}

export const emptySqsState = (): SqsState => ({ queues: new Map(), serial: 0 });

export const invalidAttributeValue = (message: string) => new AwsError("InvalidAttributeValue", message);
export const invalidParameter = (message: string) => new AwsError("InvalidParameterValue", message);
export const queueNotFound = () => new AwsError("QueueDoesNotExist", "The specified queue does not exist.");

/** AWS's documented defaults for a new standard queue. */
export const DEFAULT_ATTRIBUTES: Readonly<Record<string, string>> = {
  DelaySeconds: "0",
  MaximumMessageSize: "262144",
  MessageRetentionPeriod: "345600",
  ReceiveMessageWaitTimeSeconds: "0",
  VisibilityTimeout: "30",
  SqsManagedSseEnabled: "true",
};

export const queueUrl = (region: string, account: string, name: string) =>
  `https://sqs.${region}.amazonaws.com/${account}/${name}`;

export function requireQueue(state: SqsState, url: string): Queue {
  const queue = state.queues.get(url);
  if (!queue) throw queueNotFound();
  return queue;
}

export function findQueueByArn(state: SqsState, arn: string): Queue | undefined {
  return [...state.queues.values()].find((q) => q.arn === arn);
}

export function nextId(state: SqsState): string {
  state.serial += 1;
  return `5a5a5a5a-0000-4000-8000-${state.serial.toString(16).padStart(12, "0")}`;
}

export const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

/** Drops messages past the retention period (SQS deletes them on its own). */
export function expire(queue: Queue, nowMs: number): void {
  const retentionMs = Number(queue.attributes.get("MessageRetentionPeriod")) * 1000;
  queue.messages = queue.messages.filter((m) => nowMs - m.sentAtMs < retentionMs);
}

/** What a sender gives besides the body. */
export interface SendOptions {
  delaySeconds?: number | undefined;
  attributes?: Record<string, MessageAttributeValue> | undefined;
  md5OfAttributes?: string | undefined;
}

export function enqueue(
  state: SqsState,
  queue: Queue,
  body: string,
  nowMs: number,
  options: SendOptions = {},
): Message {
  const delay = options.delaySeconds ?? Number(queue.attributes.get("DelaySeconds"));
  const message: Message = {
    id: nextId(state),
    body,
    md5: md5(body),
    sentAtMs: nowMs,
    visibleAtMs: nowMs + delay * 1000,
    receiveCount: 0,
    ...(options.attributes !== undefined && {
      attributes: options.attributes,
      ...(options.md5OfAttributes !== undefined && { md5OfAttributes: options.md5OfAttributes }),
    }),
  };
  queue.messages.push(message);
  return message;
}

/** Receives up to `max` visible messages, hiding each for the visibility timeout under a new handle. */
export function receive(
  state: SqsState,
  queue: Queue,
  max: number,
  visibilitySeconds: number,
  nowMs: number,
): Message[] {
  expire(queue, nowMs);
  const received = queue.messages.filter((m) => m.visibleAtMs <= nowMs).slice(0, max);
  for (const m of received) {
    m.receiveCount += 1;
    m.firstReceivedAtMs ??= nowMs;
    m.visibleAtMs = nowMs + visibilitySeconds * 1000;
    m.receiptHandle = Buffer.from(`${m.id}/${nextId(state)}`).toString("base64url");
  }
  return received;
}

/** Deletes the message the latest receive handed this handle; false when no message has it. */
export function deleteByHandle(queue: Queue, handle: string): boolean {
  const index = queue.messages.findIndex((m) => m.receiptHandle === handle);
  if (index < 0) return false;
  queue.messages.splice(index, 1);
  return true;
}
