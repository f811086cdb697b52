import { createHash } from "node:crypto";

/**
 * Every AWS name flexjob uses, derived from the app and job names alone. Lookups before creates
 * depend on these being deterministic: a rerun must find what the last run made.
 */

/** Tag keys flexjob marks its resources with; prune and destroy only touch what carries them. */
export const TAG_MANAGED = "flexjob:managed";
export const TAG_APP = "flexjob:app";
export const TAG_JOB = "flexjob:job";
/** Content hash of the normalised task definition, so "unchanged" is one tag comparison. */
export const TAG_SPEC_HASH = "flexjob:spec-hash";

/** Whether a resource's tags say flexjob made it for `app`: what prune and destroy require before a delete. */
export function ownedByApp(tags: Readonly<Record<string, string>> | undefined, app: string): boolean {
  return tags?.[TAG_MANAGED] === "true" && tags[TAG_APP] === app;
}

/** Tags as the `{Key, Value}` list most AWS APIs take, sorted by key so requests are stable. */
export function tagList(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ Key: key, Value: tags[key] ?? "" }));
}

/**
 * The live tags under flexjob's own keys (those `wanted` has): tags a user added are theirs, and a
 * plan compares only these.
 */
export function ownTags(
  wanted: Readonly<Record<string, string>>,
  live: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.keys(wanted).flatMap((key) => (live[key] === undefined ? [] : [[key, live[key]]])),
  );
}

/** Shortens `name` to `max` characters, replacing the tail with a stable hash of the whole name. */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - hash.length - 1)}-${hash}`;
}

/**
 * The AWS names flexjob gives an app's and a job's resources, each cut to its AWS length limit
 * with a stable hash suffix, so a lookup finds what an earlier deploy created.
 * @example
 * names.cluster("billing"); // "billing"
 */
export const names = {
  cluster: (app: string, cluster?: string) => cluster ?? app,
  /** Scheduler group names: `[0-9a-zA-Z-_.]`, 1–64. */
  scheduleGroup: (app: string) => fitName(`flexjob-${app}`, 64),
  /** A job's bulk schedules (`flexjob schedules sync`): `.` is in no app or job name, so it never collides. */
  bulkScheduleGroup: (app: string, job: string) => fitName(`flexjob-${app}.${job}`, 64),
  /**
   * One schedule per shard. Shard 0 keeps the plain name, so going from 1 task to N adds schedules
   * without renaming the first; `.` cannot occur in job names, so shard names never collide.
   */
  schedule: (app: string, job: string, shard = 0) =>
    fitName(shard === 0 ? `${app}-${job}` : `${app}-${job}.${shard}`, 64),
  /** ECS family names: `[a-zA-Z0-9_-]`, up to 255. */
  taskFamily: (app: string, job: string) => fitName(`${app}-${job}`, 255),
  logGroup: (app: string, job: string) => `/flexjob/${app}/${job}`,
  /** The app's run history: every run's stop records (job names cannot be `runs`). */
  runsLogGroup: (app: string) => `/flexjob/${app}/runs`,
  /** The EventBridge rule that records them: `[.\-_A-Za-z0-9]`, 1–64 (an app name is at most 20). */
  runsRule: (app: string) => `flexjob-${app}-runs`,
  /** The rule that records the app's state-machine runs' outcomes there too. */
  executionsRule: (app: string) => `flexjob-${app}-executions`,
  /** The app's Scheduler dead-letter queue (runs that could not start) and the pipe that records them: SQS names up to 80. */
  missedQueue: (app: string) => `flexjob-${app}-missed`,
  missedPipe: (app: string) => `flexjob-${app}-missed`,
  /** The rule that records what that pipe puts on the default bus in the runs log group. */
  missedRule: (app: string) => `flexjob-${app}-missed`,
  /** The role the pipe reads the queue and puts events with. */
  pipesRole: (app: string) => fitName(`${app}-flexjob-pipes`, 64),
  /** SNS topic email alerts go through (the app's, or a job's own): `[A-Za-z0-9_-]`, up to 256. */
  alertsTopic: (app: string, job?: string) =>
    job === undefined ? `${app}-flexjob-alerts` : fitName(`${app}-${job}-flexjob-alerts`, 256),
  /** The EventBridge rules that alert on a job's runs, one per event source: up to 64. */
  alertsRule: (app: string, job: string, on: "runs" | "missed") =>
    fitName(`flexjob-${app}-${job}-alert-${on}`, 64),
  /** The connection every webhook destination of the app shares, and each webhook's API destination: up to 64. */
  alertsConnection: (app: string) => `flexjob-${app}-alerts`,
  alertsDestination: (app: string, job?: string) =>
    job === undefined ? `flexjob-${app}-alerts` : fitName(`flexjob-${app}-${job}-alerts`, 64),
  /** The role EventBridge invokes the webhook destinations with. */
  alertsRole: (app: string) => fitName(`${app}-flexjob-alerts`, 64),
  /** The one CloudWatch Logs resource policy every app's run history shares (10 per Region at most). */
  runsLogsPolicy: "flexjob-events-to-logs",
  /** ECR repository names are lower-case; app and job names already are. */
  repository: (app: string, job: string) => `flexjob/${app}/${job}`,
  /** IAM role names: up to 64. */
  executionRole: (app: string) => fitName(`${app}-flexjob-execution`, 64),
  schedulerRole: (app: string) => fitName(`${app}-flexjob-scheduler`, 64),
  /** Step Functions state machine names: `[0-9a-zA-Z-_]`, 1–80. */
  stateMachine: (app: string, job: string) => fitName(`${app}-${job}`, 80),
  /**
   * The app's EXPRESS state machine that turns run records into metrics: under the `<app>-` prefix
   * the permissions boundary already lets roles start, and a name no job can take.
   */
  metricsMachine: (app: string) => fitName(`${app}-flexjob-metrics`, 80),
  /** The role EventBridge starts it with and it publishes the metrics as. */
  metricsRole: (app: string) => fitName(`${app}-flexjob-metrics`, 64),
  /** The app's CloudWatch dashboard: `[A-Za-z0-9_-]`, up to 255. */
  dashboard: (app: string) => `flexjob-${app}`,
  /** The role a job's state machine runs its tasks with. */
  statesRole: (app: string) => fitName(`${app}-flexjob-states`, 64),
  /** The task role flexjob gives jobs without their own, when they need one (service discovery). */
  taskRole: (app: string) => fitName(`${app}-flexjob-task`, 64),
  /** The managed policy every role flexjob creates carries as its permissions boundary: up to 128. */
  boundaryPolicy: (app: string) => fitName(`${app}-flexjob-boundary`, 128),
  /** The container inside each task definition; ECS overrides address it by this name. */
  container: (job: string) => job,
} as const;

/** The job a schedule in the app's group belongs to, from its deterministic name. */
export function jobOfSchedule(app: string, scheduleName: string): string | undefined {
  const prefix = `${app}-`;
  if (!scheduleName.startsWith(prefix)) return undefined;
  const rest = scheduleName.slice(prefix.length);
  const job = rest.replace(/\.\d+$/, "");
  return job.length > 0 ? job : undefined;
}

/** An IAM role's ARN from its name. */
export function roleArn(accountId: string, name: string): string {
  return `arn:aws:iam::${accountId}:role/${name}`;
}

/** `arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly:3` → `3`. */
export function revisionOf(arn: string): number {
  return Number(arn.slice(arn.lastIndexOf(":") + 1));
}

/** `arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly:3` → `billing-nightly`. */
export function familyOfArn(arn: string): string {
  const name = arn.slice(arn.indexOf(":task-definition/") + ":task-definition/".length);
  return name.slice(0, name.lastIndexOf(":"));
}
