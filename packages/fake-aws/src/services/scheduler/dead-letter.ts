import type { AwsError, MessageAttributeValue } from "../../core/types.js";
import type { SchedulerEnv } from "./state.js";

/**
 * What Scheduler does with an invocation it could not deliver: when the target has a
 * `DeadLetterConfig`, it sends a dead-letter event to that SQS queue as the schedule's role (which
 * needs `sqs:SendMessage` on it): the invocation's payload as the body, and the invocation's
 * details as String message attributes. Scheduler retries only errors that may pass (throttling,
 * the target service's own failures) until the RetryPolicy runs out, then reports the condition
 * that ended it; the rest (permissions, missing resources, invalid requests) go to the queue at
 * once, with no retry. The fake fires once, so a retryable error stands for the retries having
 * run out.
 * Scheduler's guide does not list which errors it retries; the split follows EventBridge's, whose
 * targets skip retries for permission errors and missing resources.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */

/** Where an invocation's dead-letter event went, as `Invocation.deadLetter` reports it. */
export interface DeadLetter {
  queueArn: string;
  /** Whether the queue holds it now. */
  delivered: boolean;
  /** Why it was dropped, when it was. */
  reason?: string;
}

/** What the failed invocation was. */
export interface FailedInvocation {
  scheduleArn: string;
  target: Record<string, unknown>;
  executionId: string;
  scheduledTime: string;
  /** The Input with its context attributes filled in, as the target would have received it. */
  payload: string;
  error: AwsError;
  /** Whether Scheduler could assume the role at all: without it, it sends nothing. */
  roleAssumed: boolean;
}

/** Errors that may pass on a later attempt; everything else is not retried. */
export function isRetryable(error: AwsError): boolean {
  return error.fault === "server" || /Throttl|RequestLimitExceeded|TooManyRequests/.test(error.code);
}

/** Sends the dead-letter event when the target has a queue; undefined when it has none. */
export function sendDeadLetter(env: SchedulerEnv, failed: FailedInvocation): DeadLetter | undefined {
  const queueArn = (failed.target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn;
  if (queueArn === undefined) return undefined;
  const roleArn = String(failed.target.RoleArn);
  const drop = (reason: string): DeadLetter => ({ queueArn, delivered: false, reason });
  if (!failed.roleAssumed) return drop(`Scheduler could not assume the role ${roleArn}`);
  const request = { action: "sqs:SendMessage", resource: queueArn };
  if (!(env.world.roleAllows?.(roleArn, request) ?? true)) {
    return drop(`role ${roleArn} is not allowed sqs:SendMessage on ${queueArn}`);
  }
  const send = env.world.sendToQueue;
  if (send === undefined) return drop("fake-aws has no SQS in this world");
  const refused = send({
    queueArn,
    body: failed.payload === "" ? "{}" : failed.payload,
    messageAttributes: attributes(failed),
  });
  return refused === undefined ? { queueArn, delivered: true } : drop(refused);
}

function attributes(failed: FailedInvocation): Record<string, MessageAttributeValue> {
  const retryPolicy = failed.target.RetryPolicy as { MaximumRetryAttempts?: number } | undefined;
  const retried = isRetryable(failed.error);
  const values: Record<string, string> = {
    ERROR_CODE: failed.error.code,
    // SQS refuses an empty attribute value.
    ERROR_MESSAGE: failed.error.message === "" ? failed.error.code : failed.error.message,
    EXECUTION_ID: failed.executionId,
    IS_PAYLOAD_TRUNCATED: "false",
    RETRY_ATTEMPTS: String(retried ? (retryPolicy?.MaximumRetryAttempts ?? 185) : 0),
    SCHEDULED_TIME: failed.scheduledTime,
    SCHEDULE_ARN: failed.scheduleArn,
    TARGET_ARN: String(failed.target.Arn),
    ...(retried && { EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts" }),
  };
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
  );
}
