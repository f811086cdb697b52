import type { AwsClients } from "./clients.js";

/** The clock a bucket waits on: the injected `Deps` (or an apply context) in tests, real time outside. */
export interface PacingClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** A token bucket's shape: how many calls may go at once, and how many per second after that. */
export interface BucketQuota {
  burst: number;
  ratePerSecond: number;
}

/**
 * A token bucket in the injected clock's time: full at first (`burst` calls go at once), refilled at
 * `ratePerSecond`. Callers wait in arrival order, one sleeping at a time, so with a fake clock the
 * waits add up exactly to what the quota demands and no more.
 */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly quota: BucketQuota,
    private readonly clock: PacingClock,
  ) {
    if (!(quota.ratePerSecond > 0) || !(quota.burst >= 1)) {
      throw new RangeError(
        `a token bucket needs ratePerSecond > 0 and burst >= 1, got ${JSON.stringify(quota)}`,
      );
    }
    this.tokens = quota.burst;
    this.updatedMs = clock.now().getTime();
  }

  /** Resolves when a token is taken: at once while the bucket holds one, else after the refill. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeInTurn());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeInTurn(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.quota.ratePerSecond) * 1000));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const nowMs = this.clock.now().getTime();
    const elapsed = Math.max(0, nowMs - this.updatedMs);
    this.tokens = Math.min(this.quota.burst, this.tokens + (elapsed / 1000) * this.quota.ratePerSecond);
    this.updatedMs = nowMs;
  }
}

/**
 * ECS throttles per account and Region with a token bucket per action (request-throttling page).
 * RegisterTaskDefinition: 20 at once, then 1 per second, the figures issue #18 states and throttled
 * deploys report (aws-actions/amazon-ecs-deploy-task-definition#502).
 * RunTask: each call flexjob sends launches one Fargate task, so Fargate's task launch bucket binds
 * whatever ECS's API bucket allows: 100 at once, then 20 per second, on-demand and Spot alike.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
 * https://docs.aws.amazon.com/AmazonECS/latest/userguide/throttling.html
 */
const ECS_QUOTAS = {
  "ecs:RegisterTaskDefinition": { burst: 20, ratePerSecond: 1 },
  "ecs:RunTask": { burst: 100, ratePerSecond: 20 },
} as const satisfies Record<string, BucketQuota>;

/**
 * EventBridge Scheduler's CreateSchedule, UpdateSchedule, DeleteSchedule and GetSchedule quotas are
 * one per-second rate each, per account and Region: 1,000 in the primary Regions below, 250 in
 * every other. Copies of the page disagree: older ones say 50 everywhere (AWS raised the four to
 * 1,000 in most Regions on 2024-08-21, per its What's New post), and some recent copies of the
 * English page say 5,000 for CreateSchedule in the primary Regions. We take 1,000/250: the
 * translated and China-partition copies agree on it, the What's New post confirms it, and no
 * announcement backs 5,000. Pacing under a quota only costs time, pacing over it costs throttles,
 * so the lower documented figure is the safe default (bulk sync takes a higher rate as an option
 * after a quota increase).
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html
 * https://aws.amazon.com/cn/about-aws/whats-new/2024/08/amazon-eventbridge-scheduler-higher-quotas
 */
export const SCHEDULER_PRIMARY_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "ap-northeast-1",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "sa-east-1",
];

/**
 * The documented default rate (requests per second) of one Scheduler schedule operation in a Region.
 * @example defaultSchedulerWriteRate("eu-west-1") // 1000
 * @example defaultSchedulerWriteRate("eu-north-1") // 250
 */
export function defaultSchedulerWriteRate(region: string): number {
  return SCHEDULER_PRIMARY_REGIONS.includes(region) ? 1_000 : 250;
}

/**
 * ListSchedules was left out of the 2024 raise: the page lists it at 50 per second in every Region.
 * A sync's listing is sequential, one page of 100 per round trip, so only a latency under 20 ms
 * would reach it; the limiter makes sure.
 */
export const LIST_SCHEDULES_RATE = 50;

/**
 * Scheduler documents a per-second rate, not a bucket: a tenth of a second's worth at once keeps a
 * burst from spending a whole second's quota in one go.
 */
function schedulerQuota(region: string): BucketQuota {
  const ratePerSecond = defaultSchedulerWriteRate(region);
  return { burst: ratePerSecond / 10, ratePerSecond };
}

const SCHEDULER_OPERATIONS = [
  "scheduler:CreateSchedule",
  "scheduler:UpdateSchedule",
  "scheduler:DeleteSchedule",
  "scheduler:GetSchedule",
] as const;

/** The operations flexjob paces: the ones a big deploy or a run of many jobs sends many of. */
export type PacedOperation = keyof typeof ECS_QUOTAS | (typeof SCHEDULER_OPERATIONS)[number];

/** The documented default quota of `operation` in `region`. */
export function quotaOf(operation: PacedOperation, region: string): BucketQuota {
  return operation in ECS_QUOTAS ? ECS_QUOTAS[operation as keyof typeof ECS_QUOTAS] : schedulerQuota(region);
}

/** What a paced call needs: the clients (one account and Region) and the clock to wait on. */
export interface Pacing extends PacingClock {
  clients: AwsClients;
}

/**
 * Buckets per set of clients (one account and Region, as the quotas are) and per clock, so every
 * call of an operation in a process shares one bucket, while a test's fake clock never mixes with
 * another's. Weak keys: buckets go when their clients do.
 */
const buckets = new WeakMap<AwsClients, WeakMap<() => Date, Map<PacedOperation, TokenBucket>>>();

function bucketFor(pacing: Pacing, operation: PacedOperation): TokenBucket {
  let byClock = buckets.get(pacing.clients);
  if (byClock === undefined) {
    byClock = new WeakMap();
    buckets.set(pacing.clients, byClock);
  }
  let byOperation = byClock.get(pacing.now);
  if (byOperation === undefined) {
    byOperation = new Map();
    byClock.set(pacing.now, byOperation);
  }
  let bucket = byOperation.get(operation);
  if (bucket === undefined) {
    bucket = new TokenBucket(quotaOf(operation, pacing.clients.region), pacing);
    byOperation.set(operation, bucket);
  }
  return bucket;
}

/**
 * Sends one call of `operation` once its bucket holds a token, so a deploy of many jobs is slower
 * but stays under the account's quota instead of failing on it. Errors, throttles included, are the
 * caller's: the SDK's retries (or the caller's own) still apply.
 * @example
 * await paced(deps, "ecs:RunTask", () => deps.clients.ecs.send(new RunTaskCommand(input)));
 */
export async function paced<T>(
  pacing: Pacing,
  operation: PacedOperation,
  send: () => Promise<T>,
): Promise<T> {
  await bucketFor(pacing, operation).take();
  return send();
}
