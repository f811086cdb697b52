import { createHash, randomUUID } from "node:crypto";
import type { CreateScheduleInput, ScheduleSummary } from "@aws-sdk/client-scheduler";
import { isAwsError, tolerating, wrapAwsError } from "../aws/aws-error.js";
import { loadSdk, type SdkOf } from "../aws/clients.js";
import { LIST_SCHEDULES_RATE } from "../aws/pacing.js";
import { observeSchedule } from "../aws/schedule.js";
import { applyScheduleGroup, observeScheduleGroup, planScheduleGroup } from "../aws/schedule-group.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import type { Deps } from "../deps.js";
import { FlexjobError, internal } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import { names, TAG_APP, TAG_JOB, TAG_MANAGED } from "../naming.js";
import { type BulkSchedule, checkBulkSchedules } from "./entries.js";
import { bulkGroupName, decodeKey, parseBulkScheduleName } from "./names.js";
import { type BulkOperation, type BulkPlan, planBulkSchedules } from "./plan.js";
import { AdaptiveRateLimiter, defaultSchedulerWriteRate, paceSdkRetries, sendPaced } from "./rate.js";
import { bulkTargetOf, type RenderedBulkSchedule, renderBulkSchedule } from "./render.js";

export interface BulkSyncOptions {
  /**
   * Delete schedules whose key is no longer in the list. Off by default: a truncated list must not
   * silently delete thousands of schedules.
   */
  prune?: boolean;
  /** Read and plan only: no write is sent. */
  dryRun?: boolean;
  /**
   * Client-side ceiling on each Scheduler write operation's rate (CreateSchedule, DeleteSchedule,
   * UpdateSchedule separately), per second. Default: the documented default quota of the Region
   * (1,000, or 250 outside the primary Regions). Lower it when other tools share the account's
   * quota; raise it after a quota increase.
   * https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html
   * @example { ratePerSecond: 200 }
   */
  ratePerSecond?: number;
  /** Calls in flight at once, default 64: enough for 1,000 writes/s at up to 60 ms per call. */
  concurrency?: number;
  /** Log progress after every this many writes, default 1,000. */
  progressEvery?: number;
}

export interface BulkSyncResult {
  group: string;
  /** Schedules created (with dryRun: that would be). */
  created: number;
  /** Schedules deleted: older versions of changed entries, and with prune, entries no longer listed. */
  deleted: number;
  /** Desired schedules already there, untouched. */
  unchanged: number;
  /** Schedules of keys no longer listed, left in place because prune was off. */
  kept: number;
  /** API calls flexjob sent (the SDK's own retries not counted). */
  calls: { reads: number; writes: number };
  /** Throttles that outlasted the SDK's retries and slowed the sync down. */
  throttles: number;
  /** The write rate the sync started at, and the lowest it slowed to. */
  ratePerSecond: { start: number; lowest: number };
  dryRun: boolean;
}

const LIST_PAGE_SIZE = 100;
const DEFAULT_CONCURRENCY = 64;
const DEFAULT_PROGRESS_EVERY = 1_000;

/** Counts every call flexjob sends; reads and writes are reported separately. */
class CallCounter {
  reads = 0;
  writes = 0;
}

/**
 * Makes a job's bulk schedules exactly `schedules`: one Scheduler schedule per entry, in the job's
 * own group `flexjob-<app>.<job>`, each starting the same task as the job's deployed schedule with
 * the entry's env added. A sync reads only the group's listing (one call per 100 schedules), since
 * each name hashes its complete content; it creates what is new or changed (the older version of a
 * changed entry is deleted right after its replacement is created) and, with `prune`, deletes what
 * is no longer listed. Writes are paced under Scheduler's quotas and slow down on throttling; a
 * sync that stops part-way is finished by running it again.
 * @example
 * const result = await syncBulkSchedules(config, "remind", [
 *   { key: "acme", expression: "every day at 06:00", timezone: "Europe/Berlin", env: { CUSTOMER_ID: "acme" } },
 * ], { prune: true }, deps);
 * // { group: "flexjob-shop.remind", created: 1, deleted: 0, unchanged: 0, kept: 0, calls: { reads: 4, writes: 2 }, … }
 */
export async function syncBulkSchedules(
  config: FlexjobConfig,
  job: string,
  schedules: readonly BulkSchedule[],
  options: BulkSyncOptions,
  deps: Deps,
): Promise<BulkSyncResult> {
  const jobSpec = jobNamed(config, job);
  const entries = checkBulkSchedules(schedules);
  const { clients, logger } = deps;
  const counter = new CallCounter();
  const group = bulkGroupName(config.app, job);
  const startRate = options.ratePerSecond ?? defaultSchedulerWriteRate(clients.region);
  const limiters = rateLimiters(startRate, deps);

  const target = await deployedTarget(config, job, jobSpec.timezone, counter, deps);
  const rendered = entries.map((entry) => renderBulkSchedule(entry, target));

  const groupSpec = {
    name: group,
    tags: { [TAG_MANAGED]: "true", [TAG_APP]: config.app, [TAG_JOB]: job },
  };
  const groupLive = await observeScheduleGroup(clients, group);
  counter.reads += groupLive === undefined ? 1 : 2;
  const groupStep = planScheduleGroup(groupSpec, groupLive);
  const listed = groupLive === undefined ? [] : await listNames(deps, group, limiters.read, counter);
  const plan = planBulkSchedules(rendered, listed, { prune: options.prune ?? false });
  const planned = countPlanned(plan);
  const summary = {
    group,
    unchanged: plan.unchanged,
    kept: plan.kept.length,
    ratePerSecond: { start: startRate, lowest: startRate },
  };
  logger.info(
    `${job}: ${rendered.length} bulk schedules: ${planned.creates} to create, ${planned.deletes} to delete, ${plan.unchanged} unchanged${plan.kept.length > 0 ? `, ${plan.kept.length} no longer listed kept (prune is off)` : ""}`,
  );
  if (options.dryRun) {
    return { ...summary, created: planned.creates, deleted: planned.deletes, ...dryRunCalls(counter) };
  }
  if (groupStep.action !== "noop") {
    counter.writes += 1;
    await applyScheduleGroup(clients, groupStep);
  }
  const outcome = await applyBulkPlan(plan, rendered, {
    // Loaded once for the sync, not per write: each of thousands of writes only builds a command.
    sdk: await loadSdk(clients, "scheduler"),
    deps,
    limiters,
    counter,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    progressEvery: options.progressEvery ?? DEFAULT_PROGRESS_EVERY,
    job,
    group,
  });
  return {
    ...summary,
    created: outcome.created,
    deleted: outcome.deleted,
    ...writtenCalls(counter, limiters, startRate),
  };
}

/** One limiter per operation: Scheduler's quotas are per API action. */
function rateLimiters(
  startRate: number,
  deps: Deps,
): Record<"read" | "create" | "update" | "delete", AdaptiveRateLimiter> {
  const limiter = (rate: number) => new AdaptiveRateLimiter(rate, deps);
  return {
    read: limiter(Math.min(startRate, LIST_SCHEDULES_RATE)),
    create: limiter(startRate),
    update: limiter(startRate),
    delete: limiter(startRate),
  };
}

/** The calls a sync sent, the throttles it met and the lowest rate any write limiter slowed to. */
function writtenCalls(
  counter: CallCounter,
  limiters: Record<"read" | "create" | "update" | "delete", AdaptiveRateLimiter>,
  startRate: number,
) {
  const all = Object.values(limiters);
  const writes = [limiters.create, limiters.update, limiters.delete];
  return {
    calls: { reads: counter.reads, writes: counter.writes },
    throttles: all.reduce((sum, item) => sum + item.throttles, 0),
    ratePerSecond: { start: startRate, lowest: Math.min(...writes.map((item) => item.lowestRate)) },
    dryRun: false,
  };
}

/** The target of the job's deployed schedule, which every bulk schedule starts too. */
async function deployedTarget(
  config: FlexjobConfig,
  job: string,
  timezone: string,
  counter: CallCounter,
  deps: Deps,
) {
  const shard0 = names.schedule(config.app, job, 0);
  counter.reads += 1;
  const live = await observeSchedule(deps.clients, names.scheduleGroup(config.app), shard0);
  if (live === undefined) {
    throw new FlexjobError(
      `job ${job} is not deployed (no schedule ${shard0}), so its bulk schedules have no target`,
      {
        code: "INPUT_INVALID",
        remedy:
          "run flexjob deploy first; bulk schedules start exactly what the job's deployed schedule starts",
      },
    );
  }
  return bulkTargetOf(live, { app: config.app, job, groupName: bulkGroupName(config.app, job), timezone });
}

function dryRunCalls(counter: CallCounter) {
  return { calls: { reads: counter.reads, writes: 0 }, throttles: 0, dryRun: true };
}

function countPlanned(plan: BulkPlan): { creates: number; deletes: number } {
  let creates = 0;
  let deletes = 0;
  for (const operation of plan.operations) {
    if (operation.kind === "create") {
      creates += 1;
      deletes += operation.replaces.length;
    } else deletes += 1;
  }
  return { creates, deletes };
}

/** Every schedule in the group, 100 per ListSchedules call: the sync's only per-schedule reads. */
async function listSummaries(
  deps: Deps,
  group: string,
  limiter: AdaptiveRateLimiter,
  counter: CallCounter,
): Promise<ScheduleSummary[]> {
  const { ListSchedulesCommand } = await loadSdk(deps.clients, "scheduler");
  const found: ScheduleSummary[] = [];
  let token: string | undefined;
  try {
    do {
      counter.reads += 1;
      const page = await sendPaced(limiter, deps.sleep, () =>
        deps.clients.scheduler.send(
          new ListSchedulesCommand({
            GroupName: group,
            MaxResults: LIST_PAGE_SIZE,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
        ),
      );
      found.push(...(page.Schedules ?? []));
      token = page.NextToken;
    } while (token !== undefined);
  } catch (error) {
    throw wrapAwsError(error, `listing bulk schedules of group ${group}`);
  }
  return found;
}

async function listNames(
  deps: Deps,
  group: string,
  limiter: AdaptiveRateLimiter,
  counter: CallCounter,
): Promise<string[]> {
  const summaries = await listSummaries(deps, group, limiter, counter);
  return summaries.flatMap((summary) => (summary.Name === undefined ? [] : [summary.Name]));
}

interface ApplyContext {
  sdk: SdkOf<"scheduler">;
  deps: Deps;
  limiters: Record<"create" | "update" | "delete", AdaptiveRateLimiter>;
  counter: CallCounter;
  concurrency: number;
  progressEvery: number;
  job: string;
  group: string;
}

/** The writes done so far, for progress lines and for the error that stops a sync part-way. */
interface Tally {
  created: number;
  deleted: number;
  done: number;
  totalWrites: number;
}

/**
 * Runs the plan's writes with bounded concurrency, each paced by its operation's limiter. The
 * first failure that is not a throttle stops new writes; the ones in flight finish, and the error
 * says how far the sync got.
 */
async function applyBulkPlan(
  plan: BulkPlan,
  rendered: readonly RenderedBulkSchedule[],
  context: ApplyContext,
): Promise<{ created: number; deleted: number }> {
  const byName = new Map(rendered.map((schedule) => [schedule.name, schedule]));
  const runId = randomUUID();
  const total = countPlanned(plan);
  const tally: Tally = { created: 0, deleted: 0, done: 0, totalWrites: total.creates + total.deletes };
  let failure: { error: unknown; doing: string } | undefined;
  const run = async (operation: BulkOperation) => {
    if (failure !== undefined) return;
    const step = { doing: "" };
    try {
      await runOperation(operation, { byName, runId, tally, context, step });
    } catch (error) {
      failure ??= { error, doing: step.doing };
    }
  };
  await mapLimit(plan.operations, context.concurrency, run);
  if (failure !== undefined) throw stoppedError(failure, tally, total, context.job);
  return { created: tally.created, deleted: tally.deleted };
}

interface OperationRun {
  byName: ReadonlyMap<string, RenderedBulkSchedule>;
  runId: string;
  tally: Tally;
  context: ApplyContext;
  /** What the operation is doing now, for the error if it fails there. */
  step: { doing: string };
}

/** A create, then the deletes of the versions it replaces; or a delete. */
async function runOperation(operation: BulkOperation, run: OperationRun): Promise<void> {
  const { step } = run;
  if (operation.kind !== "create") {
    step.doing = `deleting bulk schedule ${operation.name}${operation.reason === "pruned" ? " (no longer listed)" : ""}`;
    await removeSchedule(operation.name, run);
    return;
  }
  const schedule = run.byName.get(operation.name);
  if (schedule === undefined) throw internal(`no rendered schedule named ${operation.name}`);
  step.doing = `creating bulk schedule ${operation.name} (key ${JSON.stringify(operation.key)})`;
  await createSchedule(schedule, run);
  for (const name of operation.replaces) {
    step.doing = `deleting ${name}, replaced by ${operation.name}`;
    await removeSchedule(name, run);
  }
}

async function createSchedule(schedule: RenderedBulkSchedule, run: OperationRun): Promise<void> {
  const { deps, limiters, sdk } = run.context;
  const { CreateScheduleCommand, UpdateScheduleCommand } = sdk;
  const input: CreateScheduleInput = {
    ...schedule.request,
    ClientToken: clientToken(schedule.name, run.runId),
  };
  try {
    await pacedWrite(run.context, limiters.create, (generation) =>
      deps.clients.scheduler.send(
        paceSdkRetries(new CreateScheduleCommand(input), limiters.create, generation),
      ),
    );
  } catch (error) {
    // The name hashes the content, so it exists only as written before, unless edited by hand:
    // sending the complete schedule again settles it either way.
    if (!isAwsError(error, "ConflictException")) throw error;
    await pacedWrite(run.context, limiters.update, (generation) =>
      deps.clients.scheduler.send(
        paceSdkRetries(new UpdateScheduleCommand(schedule.request), limiters.update, generation),
      ),
    );
  }
  run.tally.created += 1;
  reportProgress(run.tally, run.context);
}

async function removeSchedule(name: string, run: OperationRun): Promise<void> {
  const { deps, limiters, group, sdk } = run.context;
  await tolerating(
    pacedWrite(run.context, limiters.delete, (generation) =>
      deps.clients.scheduler.send(
        paceSdkRetries(
          new sdk.DeleteScheduleCommand({ GroupName: group, Name: name }),
          limiters.delete,
          generation,
        ),
      ),
    ),
    "ResourceNotFoundException",
  );
  run.tally.deleted += 1;
  reportProgress(run.tally, run.context);
}

function reportProgress(tally: Tally, context: ApplyContext): void {
  tally.done += 1;
  if (tally.done % context.progressEvery === 0 || tally.done === tally.totalWrites) {
    context.deps.logger.info(
      `${context.job}: ${tally.done}/${tally.totalWrites} bulk schedule writes (${tally.created} created, ${tally.deleted} deleted) at ${Math.round(context.limiters.create.ratePerSecond)}/s`,
    );
  }
}

/** One write, counted and paced; a throttle that slowed the limiter is logged once the write ends. */
function pacedWrite<T>(
  context: ApplyContext,
  limiter: AdaptiveRateLimiter,
  send: (generation: number) => Promise<T>,
): Promise<T> {
  const { deps, counter } = context;
  const before = limiter.throttles;
  return sendPaced(limiter, deps.sleep, (generation) => {
    counter.writes += 1;
    return send(generation);
  }).finally(() => {
    if (limiter.throttles > before) {
      deps.logger.warn(
        `EventBridge Scheduler is throttling: writes slowed to ${limiter.ratePerSecond}/s (start ${limiter.maxRate}/s)`,
      );
    }
  });
}

function stoppedError(
  failure: { error: unknown; doing: string },
  tally: Tally,
  total: { creates: number; deletes: number },
  job: string,
): FlexjobError {
  const cause = wrapAwsError(failure.error, failure.doing);
  return new FlexjobError(
    `bulk sync of job ${job} stopped after ${tally.created} of ${total.creates} creates and ${tally.deleted} of ${total.deletes} deletes: ${cause.message}`,
    {
      code: cause.code,
      fault: cause.fault,
      cause: failure.error,
      remedy: `${cause.remedy ?? "check the error above"}; then rerun the sync: it converges from where it stopped, repeating no finished write`,
    },
  );
}

/**
 * Scoped to one sync, like a deploy's: the SDK's retries of a lost response are recognised as the
 * same request, while a later sync never collides with a token Scheduler still remembers. The name
 * already hashes the complete request (render.ts), so hashing it again with the run id identifies
 * the request without serialising it once more per write, which at 1,000 writes a second is CPU
 * the pacing needs.
 */
function clientToken(name: string, runId: string): string {
  return createHash("sha256").update(`${runId}\n${name}`).digest("hex");
}

/** One bulk schedule as a listing shows it. */
export interface BulkScheduleListing {
  name: string;
  /** The entry's key, or undefined for a long key (stored hashed) or a name flexjob did not write. */
  key: string | undefined;
  state: string | undefined;
}

/**
 * Lists a job's bulk schedules from the group alone (one call per 100), keys recovered from names.
 * @example await listBulkSchedules(config, "remind", deps)
 *   // { group: "flexjob-shop.remind", exists: true, schedules: [{ name: "acme.3f2a…", key: "acme", state: "ENABLED" }] }
 */
export async function listBulkSchedules(
  config: FlexjobConfig,
  job: string,
  deps: Deps,
): Promise<{ group: string; exists: boolean; schedules: BulkScheduleListing[] }> {
  const group = bulkGroupName(config.app, job);
  const live = await observeScheduleGroup(deps.clients, group);
  if (live === undefined) return { group, exists: false, schedules: [] };
  const limiter = new AdaptiveRateLimiter(LIST_SCHEDULES_RATE, deps);
  const summaries = await listSummaries(deps, group, limiter, new CallCounter());
  const schedules = summaries
    .flatMap((summary) => (summary.Name === undefined ? [] : [{ name: summary.Name, state: summary.State }]))
    .map(({ name, state }) => ({ name, key: decodeKey(parseBulkScheduleName(name).keyPart), state }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { group, exists: true, schedules };
}

/**
 * Removes all of a job's bulk schedules in one call, by deleting their group (Scheduler deletes
 * the schedules with it, asynchronously). Only a group flexjob tagged for this app and job is
 * deleted; a missing group is not an error. The job need not be in the config any more.
 * @example await deleteBulkSchedules(config, "remind", deps) // { group: "flexjob-shop.remind", deleted: true }
 */
export async function deleteBulkSchedules(
  config: FlexjobConfig,
  job: string,
  deps: Deps,
): Promise<{ group: string; deleted: boolean }> {
  const group = bulkGroupName(config.app, job);
  const live = await observeScheduleGroup(deps.clients, group);
  if (live === undefined) return { group, deleted: false };
  if (live.tags[TAG_MANAGED] !== "true" || live.tags[TAG_APP] !== config.app || live.tags[TAG_JOB] !== job) {
    throw new FlexjobError(
      `schedule group ${group} is not tagged as flexjob's bulk group of ${config.app}/${job}`,
      {
        code: "INPUT_INVALID",
        remedy: "flexjob deletes only groups it created; delete it yourself if it is really unused",
      },
    );
  }
  await applyScheduleGroup(deps.clients, {
    kind: "schedule-group",
    id: group,
    action: "delete",
    changes: [],
    live,
  });
  return { group, deleted: true };
}
