/**
 * EventBridge Scheduler's retry policy for a target that could not be started: its limits, and
 * what Scheduler uses when a schedule sets none. Named once for the config's defaults and for
 * reading a schedule back. https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
 */
export const SCHEDULER_RETRY = {
  attempts: { min: 0, max: 185, default: 185 },
  maxAgeSeconds: { min: 60, max: 86_400, default: 86_400 },
} as const;
