import { canonicalJson } from "../plan/canonical-json.js";

/**
 * How a run that could not start reaches the run history and the alerts. EventBridge Scheduler
 * sends the failed invocation, after its start retries, to the app's dead-letter queue
 * (`flexjob-<app>-missed`, SQS) with the reason in message attributes; an EventBridge pipe of the
 * same name drains the queue onto the default bus as one event per missed run, with this source
 * and detail type and the SQS record (body, `messageAttributes`, `eventSourceARN`) as its detail.
 * Rules then record it in `/flexjob/<app>/runs` and alert on it, like a task stop.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html
 */
export const MISSED_SOURCE = "flexjob";
export const MISSED_DETAIL_TYPE = "flexjob Run Missed";

/** The attributes Scheduler puts on a dead-letter message, as the pipe's record carries them. */
export const DEAD_LETTER_ATTRIBUTES = {
  scheduleArn: "SCHEDULE_ARN",
  scheduledTime: "SCHEDULED_TIME",
  executionId: "EXECUTION_ID",
  errorCode: "ERROR_CODE",
  errorMessage: "ERROR_MESSAGE",
  retryAttempts: "RETRY_ATTEMPTS",
} as const;

export function missedQueueArn(region: string, accountId: string, queue: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${queue}`;
}

/**
 * What Step Functions answers when a schedule starts an execution whose name is taken: a late
 * duplicate delivery of a run that happened, which the dead-letter queue receives too. It is the
 * exactly-once guard at work, not a missed run.
 */
export const DUPLICATE_START = "ExecutionAlreadyExists";

/**
 * The missed-run events of one app's queue; with `schedules`, only those of these schedules and
 * not a refused duplicate (a job's alert rule). The history records every one.
 */
export function missedRulePattern(queueArn: string, schedules?: readonly string[]): string {
  const detail: Record<string, unknown> = { eventSourceARN: [queueArn] };
  if (schedules !== undefined) {
    detail.messageAttributes = {
      [DEAD_LETTER_ATTRIBUTES.scheduleArn]: { stringValue: [...schedules].sort() },
      [DEAD_LETTER_ATTRIBUTES.errorCode]: { stringValue: [{ "anything-but": DUPLICATE_START }] },
    };
  }
  return canonicalJson({ source: [MISSED_SOURCE], "detail-type": [MISSED_DETAIL_TYPE], detail });
}
