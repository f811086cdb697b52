import { randomUUID } from "node:crypto";
import type { Task, TaskOverride } from "@aws-sdk/client-ecs";
import { wrapAwsError } from "../aws/aws-error.js";
import { loadSdk } from "../aws/clients.js";
import { paced } from "../aws/pacing.js";
import { observeSchedule } from "../aws/schedule.js";
import type { ScheduleLive } from "../aws/schedule-fields.js";
import { LOG_ROUTER } from "../aws/task-definition-log-router.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";
import { isoSeconds } from "../schedule/index.js";

export interface RunNowOptions {
  /** Follow the tasks until they stop and report their exit codes. */
  wait?: boolean;
  /** How long to wait in all, default 1 hour. */
  timeoutMs?: number;
  /** How often to look, default 6 s (DescribeTasks is cheap, but tasks take tens of seconds to start). */
  pollMs?: number;
  /** The run's id, FLEXJOB_RUN_ID (and a state machine's execution name); default `manual-<uuid>`. */
  runId?: string;
  /** The time the run stands for, FLEXJOB_SCHEDULED_TIME; default now (a backfill passes the missed time). */
  scheduledTime?: Date;
}

export interface TaskRun {
  taskArn: string;
  /** FLEXJOB_TASK_INDEX of this task. */
  shard: number;
  lastStatus: string;
  exitCode: number | undefined;
  stoppedReason: string | undefined;
  startedAt: string | undefined;
  stoppedAt: string | undefined;
  durationSeconds: number | undefined;
}

/**
 * The error for runs whose tasks failed: one line naming each job and how each of its tasks ended.
 * JOB_FAILED, not AWS_ERROR: the job's own code failed, so the remedy points at its logs.
 * @example
 * const result = await runNow(config, "report", { wait: true }, deps);
 * if (!result.succeeded) throw runFailure([result]);
 */
export function runFailure(failed: readonly RunNowResult[]): FlexjobError {
  const what = failed.map((run) => {
    const tasks = run.tasks.map((task) =>
      task.exitCode === undefined
        ? `task ${task.shard + 1} stopped: ${task.stoppedReason ?? task.lastStatus}`
        : `task ${task.shard + 1} exit ${task.exitCode}`,
    );
    return `${run.job} (${tasks.join(", ")})`;
  });
  return new FlexjobError(`run-now: ${what.join("; ")}`, {
    code: "JOB_FAILED",
    fault: "user",
    remedy: "the job's code failed; read its output in the logs linked from the job summary",
  });
}

export interface RunNowResult {
  job: string;
  runId: string;
  tasks: TaskRun[];
  /** With wait: every task stopped with exit code 0. Without wait: every task was started. */
  succeeded: boolean;
}

/** Fills Scheduler's per-invocation placeholders the way Scheduler would for a run started now. */
function runInput(input: string, context: { runId: string; scheduledTime: Date }): unknown {
  const filled = input
    .replaceAll("<aws.scheduler.scheduled-time>", isoSeconds(context.scheduledTime))
    .replaceAll("<aws.scheduler.execution-id>", context.runId)
    .replaceAll("<aws.scheduler.attempt-number>", "1");
  return JSON.parse(filled);
}

/**
 * Starts a job's tasks now, with exactly what its schedules would start: each shard's deployed
 * schedule is the source of the task definition revision, network, capacity and per-task env.
 * @example
 * const { succeeded } = await runNow(config, "report", { wait: true }, deps);
 */
export async function runNow(
  config: FlexjobConfig,
  jobName: string,
  options: RunNowOptions,
  deps: Deps,
): Promise<RunNowResult> {
  const job = jobNamed(config, jobName);
  const { clients, logger } = deps;
  const groupName = names.scheduleGroup(config.app);
  const first = await observeSchedule(clients, groupName, names.schedule(config.app, job.name, 0));
  // A state-machine job has one schedule, which starts the run: a manual run goes the same way.
  if (first?.spec.target.stateMachineArn !== undefined) {
    const run = {
      job: job.name,
      cluster: names.cluster(config.app, config.cluster),
      family: names.taskFamily(config.app, job.name),
    };
    return runExecution(run, first, options, deps);
  }
  const shards = Array.from({ length: job.tasks }, (_, shard) => shard);
  const schedules = [
    first,
    ...(await Promise.all(
      shards
        .slice(1)
        .map((shard) => observeSchedule(clients, groupName, names.schedule(config.app, job.name, shard))),
    )),
  ];
  const missing = shards.filter((shard) => schedules[shard] === undefined);
  if (missing.length > 0) {
    throw new FlexjobError(`job ${job.name} is not deployed (no schedule for task ${missing.join(", ")})`, {
      code: "INPUT_INVALID",
      remedy: "run flexjob deploy first; run uses exactly what is deployed",
    });
  }
  const runId = options.runId ?? `manual-${randomUUID()}`;
  const now = deps.now();
  const scheduledTime = options.scheduledTime ?? now;
  const started = await Promise.all(
    shards.map(async (shard) => {
      const task = await startTask(deps, schedules[shard] as ScheduleLive, { runId, scheduledTime });
      logger.info(`started ${job.name} task ${shard + 1}/${job.tasks}: ${task.taskArn ?? ""}`);
      return { shard, task };
    }),
  );
  let tasks = started.map(({ shard, task }) => toTaskRun(task, shard));
  if (!options.wait) return { job: job.name, runId, tasks, succeeded: true };

  const cluster = (schedules[0] as ScheduleLive).spec.target.clusterArn;
  const deadline = now.getTime() + (options.timeoutMs ?? 3_600_000);
  const pollMs = options.pollMs ?? 6_000;
  while (tasks.some((task) => task.lastStatus !== "STOPPED")) {
    if (deps.now().getTime() >= deadline) {
      throw new FlexjobError(`tasks of ${job.name} still running after the wait timeout`, {
        code: "AWS_ERROR",
        fault: "aws",
        remedy: `follow them with flexjob status, or flexjob logs ${job.name} --follow`,
      });
    }
    await deps.sleep(pollMs);
    const described = await describeTasks(
      deps,
      cluster,
      tasks.map((task) => task.taskArn),
    );
    tasks = tasks.map((task) => {
      const fresh = described.find((candidate) => candidate.taskArn === task.taskArn);
      return fresh ? toTaskRun(fresh, task.shard) : task;
    });
  }
  for (const task of tasks) logger.info(`${job.name} task ${task.shard + 1}: exit ${task.exitCode ?? "?"}`);
  return { job: job.name, runId, tasks, succeeded: tasks.every((task) => task.exitCode === 0) };
}

/** The job a state-machine run is of, and where its tasks are. */
interface RunOf {
  job: string;
  cluster: string;
  family: string;
}

/**
 * Starts the job's state machine as its schedule does (its StartExecution request, the run id as
 * the execution's name), so a manual run retries, times out and checks overlap like a scheduled
 * one; with wait, follows the execution and reports every attempt's task.
 */
async function runExecution(
  run: RunOf,
  schedule: ScheduleLive,
  options: RunNowOptions,
  deps: Deps,
): Promise<RunNowResult> {
  const { DescribeExecutionCommand, StartExecutionCommand } = await loadSdk(deps.clients, "sfn");
  const runId = options.runId ?? `manual-${randomUUID()}`;
  const now = deps.now();
  const scheduledTime = options.scheduledTime ?? now;
  const request = runInput(schedule.spec.target.input, { runId, scheduledTime }) as Record<string, string>;
  const doing = `starting a run of ${run.job}`;
  const started = await deps.clients.sfn
    .send(
      new StartExecutionCommand({
        stateMachineArn: request.StateMachineArn,
        name: request.Name,
        input: request.Input,
      }),
    )
    .catch((error: unknown) => {
      throw wrapAwsError(error, doing);
    });
  const executionArn = started.executionArn ?? "";
  deps.logger.info(`started ${run.job} run ${runId}: ${executionArn}`);
  if (!options.wait) return { job: run.job, runId, tasks: [], succeeded: true };
  const deadline = now.getTime() + (options.timeoutMs ?? 3_600_000);
  let status = "RUNNING";
  while (status === "RUNNING") {
    if (deps.now().getTime() >= deadline) {
      throw new FlexjobError(`run ${runId} of ${run.job} still running after the wait timeout`, {
        code: "AWS_ERROR",
        fault: "aws",
        remedy: `follow it with flexjob status, or flexjob logs ${run.job} --follow`,
      });
    }
    await deps.sleep(options.pollMs ?? 6_000);
    const described = await deps.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    status = described.status ?? "RUNNING";
  }
  const tasks = (await runTasks(deps, run, runId)).map((task) => toTaskRun(task));
  deps.logger.info(`${run.job} run ${runId}: ${status.toLowerCase()}, ${tasks.length} task(s)`);
  return { job: run.job, runId, tasks, succeeded: status === "SUCCEEDED" };
}

/** Every task (each attempt of each shard) the run started: its FLEXJOB_RUN_ID names the run. */
async function runTasks(deps: Deps, run: RunOf, runId: string): Promise<Task[]> {
  const { ListTasksCommand } = await loadSdk(deps.clients, "ecs");
  const listed = await deps.clients.ecs.send(
    new ListTasksCommand({ cluster: run.cluster, family: run.family, desiredStatus: "STOPPED" }),
  );
  const tasks = await describeTasks(deps, run.cluster, listed.taskArns ?? []);
  const ofRun = tasks.filter((task) =>
    task.overrides?.containerOverrides?.some((container) =>
      container.environment?.some((each) => each.name === "FLEXJOB_RUN_ID" && each.value === runId),
    ),
  );
  return ofRun.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
}

async function startTask(
  deps: Deps,
  schedule: ScheduleLive,
  context: { runId: string; scheduledTime: Date },
): Promise<Task> {
  const { RunTaskCommand } = await loadSdk(deps.clients, "ecs");
  const target = schedule.spec.target;
  // render wrote this JSON as a TaskOverride; Scheduler passes it to RunTask the same way.
  const input = runInput(target.input, context) as TaskOverride;
  try {
    // Fargate's task launch quota is the account's: many run-nows (or a backfill) wait their turn.
    const response = await paced(deps, "ecs:RunTask", () =>
      deps.clients.ecs.send(
        new RunTaskCommand({
          cluster: target.clusterArn,
          taskDefinition: target.taskDefinitionArn,
          count: 1,
          ...(target.capacityProvider === "FARGATE_SPOT"
            ? { capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] }
            : { launchType: "FARGATE" }),
          platformVersion: "LATEST",
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: target.subnets,
              securityGroups: target.securityGroups,
              assignPublicIp: target.assignPublicIp ? "ENABLED" : "DISABLED",
            },
          },
          overrides: input,
          startedBy: "flexjob-run-now",
          enableECSManagedTags: true,
          propagateTags: "TASK_DEFINITION",
          tags: Object.entries(target.taskTags).map(([key, value]) => ({ key, value })),
        }),
      ),
    );
    const task = response.tasks?.[0];
    if (task === undefined) {
      const reason = response.failures
        ?.map((failure) => `${failure.arn ?? ""} ${failure.reason ?? ""}`)
        .join("; ");
      throw new FlexjobError(
        `ECS did not start a task of ${schedule.spec.name}: ${reason || "no reason given"}`,
        {
          code: "AWS_ERROR",
          fault: "aws",
          remedy: "check the cluster's capacity providers and the subnets, then run again",
        },
      );
    }
    return task;
  } catch (error) {
    throw wrapAwsError(error, `starting a task of ${schedule.spec.name}`);
  }
}

/** DescribeTasks takes at most 100 tasks per call. */
export async function describeTasks(deps: Deps, cluster: string, taskArns: string[]): Promise<Task[]> {
  const { DescribeTasksCommand } = await loadSdk(deps.clients, "ecs");
  const found: Task[] = [];
  try {
    for (let start = 0; start < taskArns.length; start += 100) {
      const page = await deps.clients.ecs.send(
        new DescribeTasksCommand({ cluster, tasks: taskArns.slice(start, start + 100), include: ["TAGS"] }),
      );
      found.push(...(page.tasks ?? []));
    }
  } catch (error) {
    throw wrapAwsError(error, `reading tasks in ${cluster}`);
  }
  return found;
}

/** The task's FLEXJOB_TASK_INDEX, read back from its overrides. */
export function shardOf(task: Task): number | undefined {
  for (const override of task.overrides?.containerOverrides ?? []) {
    const value = override.environment?.find((variable) => variable.name === "FLEXJOB_TASK_INDEX")?.value;
    if (value !== undefined) return Number(value);
  }
  return undefined;
}

export function toTaskRun(task: Task, shard = shardOf(task) ?? 0): TaskRun {
  const startedAt = task.startedAt ?? task.createdAt;
  const stoppedAt = task.stoppedAt;
  return {
    taskArn: task.taskArn ?? "",
    shard,
    lastStatus: task.lastStatus ?? "UNKNOWN",
    // The job's container, not the log router a job routing its logs has beside it.
    exitCode: task.containers?.find((container) => container.name !== LOG_ROUTER.name)?.exitCode,
    stoppedReason: task.stoppedReason,
    startedAt: startedAt?.toISOString(),
    stoppedAt: stoppedAt?.toISOString(),
    durationSeconds:
      startedAt && stoppedAt ? Math.round((stoppedAt.getTime() - startedAt.getTime()) / 1000) : undefined,
  };
}
