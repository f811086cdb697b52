import { accountIdOf } from "../aws/account.js";
import { alertsTopicArn } from "../aws/alert-rule.js";
import { listEmailSubscriptions, PENDING_CONFIRMATION } from "../aws/alerts-topic.js";
import { isAwsError, wrapAwsError } from "../aws/aws-error.js";
import { loadSdk } from "../aws/clients.js";
import { observeSchedule } from "../aws/schedule.js";
import { alertsOf } from "../config/alerts.js";
import type { FlexjobConfig, JobSpec } from "../config/index.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import { names } from "../naming.js";
import { describeSchedule } from "../schedule/index.js";
import { byCodeUnits } from "../text-order.js";
import { jobNextRuns } from "./job-runs.js";
import { describeTasks, type TaskRun, toTaskRun } from "./run-now.js";
import { type JobRun, runs } from "./runs.js";

export interface JobStatus {
  name: string;
  /** False when no schedule of the job exists yet. */
  deployed: boolean;
  state: "ENABLED" | "DISABLED" | undefined;
  expression: string | undefined;
  timezone: string | undefined;
  description: string | undefined;
  /** ISO-8601 UTC, the next three (none when disabled or not deployed). */
  nextRuns: string[];
  /** Tasks running now. */
  running: TaskRun[];
  /** Recently stopped tasks, newest first (ECS keeps stopped tasks for about an hour). */
  recent: TaskRun[];
  /** The last (up to 10) runs from the app's run history, newest first (empty before the history exists). */
  lastRuns: JobRun[];
  /** Alert addresses of the job that have not confirmed their SNS subscription: nothing reaches them yet. */
  pendingConfirmation: string[];
}

/** How far back, and how many, of a job's runs status reads: enough for a strip worth looking at. */
const LAST_RUNS = { days: 30, limit: 10 } as const;

const RECENT_LIMIT = 10;

/**
 * Per job: the deployed schedule, its next runs, and its running and recent tasks. Reads only.
 * @example
 * for (const job of await status(config, deps)) console.log(job.name, job.nextRuns[0]);
 */
export async function status(config: FlexjobConfig, deps: Deps): Promise<JobStatus[]> {
  // Jobs that share the app's alerts share its topic: each topic is read once.
  const topics = new Map<string, Promise<string[]>>();
  let account: Promise<string> | undefined;
  const accountId = () => {
    account ??= accountIdOf(deps.clients);
    return account;
  };
  const pending = (job: JobSpec) => {
    const alerts = alertsOf(config.alerts, job);
    if (alerts === undefined || alerts.spec.email.length === 0) return Promise.resolve([]);
    const key = alerts.owner ?? "";
    const found = topics.get(key) ?? pendingAddresses(config, alerts.owner, accountId, deps);
    topics.set(key, found);
    return found;
  };
  return mapLimit(config.jobs, 4, async (job) => ({
    ...(await jobStatus(config, job, deps)),
    pendingConfirmation: await pending(job),
  }));
}

/** The addresses subscribed to an alerts topic that have not confirmed; none before the topic exists. */
async function pendingAddresses(
  config: FlexjobConfig,
  owner: string | undefined,
  accountId: () => Promise<string>,
  deps: Deps,
): Promise<string[]> {
  const { clients } = deps;
  const arn = alertsTopicArn(clients.region, await accountId(), config.app, owner);
  try {
    const subscriptions = await listEmailSubscriptions(clients, arn);
    return subscriptions.flatMap((each) => (each.arn === PENDING_CONFIRMATION ? [each.endpoint] : []));
  } catch (error) {
    if (isAwsError(error, "NotFoundException")) return [];
    throw wrapAwsError(
      error,
      `reading the subscriptions of SNS topic ${names.alertsTopic(config.app, owner)}`,
    );
  }
}

async function jobStatus(
  config: FlexjobConfig,
  job: JobSpec,
  deps: Deps,
): Promise<Omit<JobStatus, "pendingConfirmation">> {
  const { clients } = deps;
  const schedule = await observeSchedule(
    clients,
    names.scheduleGroup(config.app),
    names.schedule(config.app, job.name),
  );
  if (schedule === undefined) {
    return {
      name: job.name,
      deployed: false,
      state: undefined,
      expression: undefined,
      timezone: undefined,
      description: undefined,
      nextRuns: [],
      running: [],
      recent: [],
      lastRuns: [],
    };
  }
  const { spec } = schedule;
  // A schedule that starts a state machine names no cluster: the job's tasks are in the app's.
  const cluster =
    spec.target.stateMachineArn === undefined
      ? spec.target.clusterArn
      : names.cluster(config.app, config.cluster);
  const family = names.taskFamily(config.app, job.name);
  const [running, stopped, lastRuns] = await Promise.all([
    listTaskArns(deps, cluster, family, "RUNNING"),
    listTaskArns(deps, cluster, family, "STOPPED"),
    recordedRuns(config, job, deps),
  ]);
  const tasks = (await describeTasks(deps, cluster, [...running, ...stopped])).map((task) => toTaskRun(task));
  const byNewest = (a: TaskRun, b: TaskRun) => byCodeUnits(b.startedAt ?? "", a.startedAt ?? "");
  return {
    name: job.name,
    deployed: true,
    state: spec.state,
    expression: spec.expression,
    timezone: spec.timezone,
    description: describeSchedule(spec.expression, spec.timezone),
    nextRuns:
      spec.state === "ENABLED"
        ? jobNextRuns(spec, { from: deps.now(), count: 3, createdAt: schedule.createdAt })
        : [],
    running: tasks.filter((task) => task.lastStatus !== "STOPPED").sort(byNewest),
    recent: tasks
      .filter((task) => task.lastStatus === "STOPPED")
      .sort(byNewest)
      .slice(0, RECENT_LIMIT),
    lastRuns,
  };
}

/** The job's last runs; none when the app was deployed before it had a run history. */
async function recordedRuns(config: FlexjobConfig, job: JobSpec, deps: Deps): Promise<JobRun[]> {
  const since = new Date(deps.now().getTime() - LAST_RUNS.days * 86_400_000);
  try {
    return await runs(config, job.name, { since, limit: LAST_RUNS.limit }, deps);
  } catch (error) {
    if (error instanceof FlexjobError && error.code === "INPUT_INVALID") return [];
    throw error;
  }
}

async function listTaskArns(
  deps: Deps,
  cluster: string,
  family: string,
  desiredStatus: "RUNNING" | "STOPPED",
): Promise<string[]> {
  const { ListTasksCommand } = await loadSdk(deps.clients, "ecs");
  try {
    const page = await deps.clients.ecs.send(
      new ListTasksCommand({
        cluster,
        family,
        desiredStatus,
        maxResults: desiredStatus === "STOPPED" ? RECENT_LIMIT : 100,
      }),
    );
    return page.taskArns ?? [];
  } catch (error) {
    throw wrapAwsError(error, `listing ${desiredStatus.toLowerCase()} tasks of ${family}`);
  }
}
