/**
 * A schedule's fields, each defined once per layer and side by side: the spec, how the config
 * renders it (`renderSchedule`), how GetSchedule's answer reads back into it (`readSchedule`), what
 * a plan compares (`comparable`) and the request that writes it (`scheduleRequest`, for a job's
 * schedules and its bulk schedules alike), the way Terraform's provider pairs expand and flatten.
 * A new schedule field is one edit in each of these, in this file only.
 */
import type {
  ActionAfterCompletion,
  CreateScheduleInput,
  EcsParameters,
  GetScheduleOutput,
  PropagateTags,
} from "@aws-sdk/client-scheduler";
import type { JobSpec } from "../config/index.js";
import { names, roleArn, TAG_APP, TAG_JOB, TAG_MANAGED } from "../naming.js";
import { canonicalJson, canonicalJsonText } from "../plan/canonical-json.js";
import { SCHEDULER_RETRY } from "../schedule/retry-policy.js";
import { capacityProviderFor, type FargateCapacityProvider } from "../sizing/index.js";
import { usesStateMachine } from "./asl.js";
import { missedQueueArn } from "./missed-runs.js";
import type { RenderInput } from "./resource.js";
import { sortedPairs } from "./task-definition-spec.js";

/**
 * One EventBridge Scheduler schedule that starts a job's task (one per shard). Schedules cannot be
 * tagged and UpdateSchedule replaces the whole schedule, so this is always the complete state.
 */
export interface ScheduleSpec {
  name: string;
  groupName: string;
  expression: string;
  timezone: string;
  state: "ENABLED" | "DISABLED";
  /** undefined means the flexible time window is OFF. */
  flexibleWindowMinutes: number | undefined;
  /** ISO-8601 UTC. */
  startDate: string | undefined;
  endDate: string | undefined;
  description: string;
  target: {
    clusterArn: string;
    roleArn: string;
    /** The family; apply resolves the exact revision ARN, which may be registered in the same run. */
    taskDefinitionFamily: string;
    capacityProvider: FargateCapacityProvider;
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: boolean;
    retry: { attempts: number; maxAgeSeconds: number };
    /**
     * The app's dead-letter queue: what Scheduler could not start within `retry` lands there and
     * is recorded as a missed run (see missed-runs.ts). undefined only as read from a schedule
     * written without one.
     */
    deadLetterArn: string | undefined;
    /** RunTask overrides as the JSON text Scheduler passes on (with its context placeholders). */
    input: string;
    /** Tags each started task carries. */
    taskTags: Record<string, string>;
    /**
     * Set for a job with retries, a timeout or an overlap policy: the schedule starts an execution of
     * this state machine (which runs the tasks) instead of a task, and `input` is StartExecution's
     * request. The ECS fields above then only say what the state machine runs; none is sent.
     */
    stateMachineArn?: string | undefined;
  };
}

/**
 * Scheduler's universal target for Step Functions StartExecution: the target's Input is the
 * request, with context attributes filled in at each invocation.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
 */
export const START_EXECUTION_TARGET = "arn:aws:scheduler:::aws-sdk:sfn:startExecution";

/**
 * A live schedule's target: the spec's target, except that it points at an exact task definition
 * revision, and that its capacity is whatever the schedule says (`FARGATE`, `FARGATE_SPOT`, or a
 * description such as `EC2` for a schedule edited by hand, so the plan can show it).
 */
export type ScheduleLiveTarget = Omit<ScheduleSpec["target"], "taskDefinitionFamily" | "capacityProvider"> & {
  taskDefinitionArn: string;
  capacityProvider: string;
};

/** A schedule as GetSchedule returns it, in {@link ScheduleSpec}'s shape. */
export type ScheduleLiveSpec = Omit<ScheduleSpec, "target"> & { target: ScheduleLiveTarget };

/**
 * Settings flexjob sends the same way on every schedule. They are not config, but a schedule edited
 * in the console may differ in them, and UpdateSchedule would silently put them back, so the plan
 * compares them too.
 */
export interface ScheduleSettings {
  taskCount: number;
  platformVersion: string;
  enableEcsManagedTags: boolean;
  enableExecuteCommand: boolean;
  propagateTags: PropagateTags | undefined;
  actionAfterCompletion: ActionAfterCompletion;
  kmsKeyArn: string | undefined;
}

/** What apply sends. */
export const SCHEDULE_SETTINGS: ScheduleSettings = {
  taskCount: 1,
  platformVersion: "LATEST",
  enableEcsManagedTags: true,
  enableExecuteCommand: false,
  propagateTags: "TASK_DEFINITION",
  actionAfterCompletion: "NONE",
  kmsKeyArn: undefined,
};

export interface ScheduleLive {
  arn: string;
  spec: ScheduleLiveSpec;
  settings: ScheduleSettings;
  /** CreationDate, ISO UTC: what a rate without a StartDate counts from. */
  createdAt?: string | undefined;
  /**
   * Set when the target is an older ACTIVE revision with the same content as the family's latest:
   * two deploys racing each register one, and a schedule on either is already right.
   */
  targetIsTwin?: true;
}

/**
 * The per-run context Scheduler fills in: these placeholders are replaced in the target's Input at
 * each invocation, so every task knows its run, its scheduled time and which attempt it is.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
const RUN_CONTEXT = {
  FLEXJOB_SCHEDULED_TIME: "<aws.scheduler.scheduled-time>",
  FLEXJOB_RUN_ID: "<aws.scheduler.execution-id>",
  FLEXJOB_ATTEMPT: "<aws.scheduler.attempt-number>",
} as const;

/**
 * StartExecution's request for a state-machine job. The execution is named after Scheduler's
 * execution id: a second delivery of the same invocation asks for an execution that exists, which
 * Step Functions refuses (or, with the same input while it runs, answers with the same execution),
 * so a duplicate delivery never starts a second run.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */
export function startExecutionInput(stateMachineArn: string): string {
  return canonicalJson({
    StateMachineArn: stateMachineArn,
    Name: RUN_CONTEXT.FLEXJOB_RUN_ID,
    Input: canonicalJson({ FLEXJOB_SCHEDULED_TIME: RUN_CONTEXT.FLEXJOB_SCHEDULED_TIME }),
  });
}

/**
 * How many schedules a job has: one per shard for the direct ECS target; one for a state-machine
 * job, whose one execution runs every shard.
 */
export function scheduleCount(job: JobSpec): number {
  return usesStateMachine(job) ? 1 : job.tasks;
}

/** One schedule per shard of a job, each starting one task with its shard's index. */
export function renderSchedule(job: JobSpec, shard: number, input: RenderInput): ScheduleSpec {
  const spec = renderEcsSchedule(job, shard, input);
  if (!usesStateMachine(job)) return spec;
  const { config, accountId, region } = input;
  const stateMachineArn = `arn:aws:states:${region}:${accountId}:stateMachine:${names.stateMachine(config.app, job.name)}`;
  return {
    ...spec,
    description: `flexjob ${config.app}/${job.name}, ${job.tasks} task(s) through its state machine`,
    target: { ...spec.target, stateMachineArn, input: startExecutionInput(stateMachineArn) },
  };
}

function renderEcsSchedule(job: JobSpec, shard: number, input: RenderInput): ScheduleSpec {
  const { config, accountId, region, network } = input;
  const app = config.app;
  const shardEnv: Record<string, string> = {
    ...RUN_CONTEXT,
    FLEXJOB_TASK_INDEX: String(shard),
    FLEXJOB_TASK_COUNT: String(job.tasks),
  };
  const overrides = {
    containerOverrides: [{ name: names.container(job.name), environment: sortedPairs(shardEnv, "value") }],
  };
  return {
    name: names.schedule(app, job.name, shard),
    groupName: names.scheduleGroup(app),
    expression: job.schedule.expression,
    timezone: job.timezone,
    state: job.enabled ? "ENABLED" : "DISABLED",
    flexibleWindowMinutes: job.flexibleWindowMinutes,
    startDate: job.startDate,
    endDate: job.endDate,
    description: `flexjob ${app}/${job.name}, task ${shard + 1} of ${job.tasks}`,
    target: {
      clusterArn: `arn:aws:ecs:${region}:${accountId}:cluster/${names.cluster(app, config.cluster)}`,
      roleArn: roleArn(accountId, names.schedulerRole(app)),
      taskDefinitionFamily: names.taskFamily(app, job.name),
      capacityProvider: capacityProviderFor(job.spot),
      subnets: [...network.subnets].sort(),
      securityGroups: [...network.securityGroups].sort(),
      assignPublicIp: network.assignPublicIp,
      retry: { attempts: job.startRetry.attempts, maxAgeSeconds: job.startRetry.maxAgeSeconds },
      deadLetterArn: missedQueueArn(region, accountId, names.missedQueue(app)),
      input: canonicalJson(overrides),
      taskTags: { [TAG_MANAGED]: "true", [TAG_APP]: app, [TAG_JOB]: job.name },
    },
  };
}

/**
 * Rewrites GetSchedule's answer into flexjob's shape: lists sorted, dates as the ISO UTC text the
 * config renders, the Input re-serialised canonically, and Scheduler's defaults (UTC, ENABLED, 185
 * attempts over 24 h) filled where it leaves a field out.
 */
export function readSchedule(schedule: GetScheduleOutput, groupName: string, name: string): ScheduleLive {
  const target = schedule.Target;
  const ecs = target?.EcsParameters;
  const vpc = ecs?.NetworkConfiguration?.awsvpcConfiguration;
  const window = schedule.FlexibleTimeWindow;
  const machine = target?.Arn === START_EXECUTION_TARGET ? stateMachineOf(target.Input ?? "") : undefined;
  return {
    arn: schedule.Arn ?? "",
    createdAt: schedule.CreationDate?.toISOString(),
    spec: {
      name: schedule.Name ?? name,
      groupName: schedule.GroupName ?? groupName,
      expression: schedule.ScheduleExpression ?? "",
      timezone: schedule.ScheduleExpressionTimezone ?? "UTC",
      state: schedule.State === "DISABLED" ? "DISABLED" : "ENABLED",
      flexibleWindowMinutes: window?.Mode === "FLEXIBLE" ? window.MaximumWindowInMinutes : undefined,
      startDate: schedule.StartDate?.toISOString(),
      endDate: schedule.EndDate?.toISOString(),
      description: schedule.Description ?? "",
      target: {
        clusterArn: machine === undefined ? (target?.Arn ?? "") : "",
        roleArn: target?.RoleArn ?? "",
        taskDefinitionArn: ecs?.TaskDefinitionArn ?? "",
        capacityProvider: capacityOf(ecs),
        subnets: [...(vpc?.Subnets ?? [])].sort(),
        securityGroups: [...(vpc?.SecurityGroups ?? [])].sort(),
        assignPublicIp: vpc?.AssignPublicIp === "ENABLED",
        retry: {
          attempts: target?.RetryPolicy?.MaximumRetryAttempts ?? SCHEDULER_RETRY.attempts.default,
          maxAgeSeconds:
            target?.RetryPolicy?.MaximumEventAgeInSeconds ?? SCHEDULER_RETRY.maxAgeSeconds.default,
        },
        deadLetterArn: target?.DeadLetterConfig?.Arn,
        input: canonicalJsonText(target?.Input ?? ""),
        // A list of one-entry maps on the wire.
        taskTags: Object.fromEntries((ecs?.Tags ?? []).flatMap((tag) => Object.entries(tag))),
        ...(machine === undefined ? {} : { stateMachineArn: machine }),
      },
    },
    settings: {
      // Scheduler's and ECS's own defaults for what a schedule leaves out.
      taskCount: ecs?.TaskCount ?? 1,
      platformVersion: ecs?.PlatformVersion ?? "LATEST",
      enableEcsManagedTags: ecs?.EnableECSManagedTags ?? false,
      enableExecuteCommand: ecs?.EnableExecuteCommand ?? false,
      propagateTags: ecs?.PropagateTags,
      actionAfterCompletion: schedule.ActionAfterCompletion ?? "NONE",
      kmsKeyArn: schedule.KmsKeyArn,
    },
  };
}

/**
 * `FARGATE` or `FARGATE_SPOT` for what flexjob writes (a launch type, or a one-provider strategy);
 * anything else spelled out so that it differs from both and reads well in a plan.
 */
function capacityOf(ecs: EcsParameters | undefined): string {
  const strategy = ecs?.CapacityProviderStrategy ?? [];
  const launchType = ecs?.LaunchType;
  if (strategy.length === 0) return launchType ?? "(cluster default)";
  const [only] = strategy;
  if (launchType === undefined && strategy.length === 1 && only !== undefined && (only.base ?? 0) === 0) {
    return only.capacityProvider ?? "";
  }
  return [
    ...(launchType === undefined ? [] : [`launch type ${launchType}`]),
    ...strategy.map(
      (item) => `${item.capacityProvider} (weight ${item.weight ?? 0}, base ${item.base ?? 0})`,
    ),
  ].join(" + ");
}

/** The state machine a StartExecution target's Input names ("" when it names none). */
function stateMachineOf(input: string): string {
  try {
    const request: unknown = JSON.parse(input);
    const arn = typeof request === "object" && request !== null && "StateMachineArn" in request;
    return arn && typeof request.StateMachineArn === "string" ? request.StateMachineArn : "";
  } catch {
    return "";
  }
}

/** The fields a plan reports, with task tags per key; settings only when comparing two schedules. */
export function comparable(spec: ScheduleLiveSpec, settings?: ScheduleSettings): Record<string, unknown> {
  const { target } = spec;
  const top = {
    expression: spec.expression,
    timezone: spec.timezone,
    state: spec.state,
    flexibleWindowMinutes: spec.flexibleWindowMinutes,
    startDate: spec.startDate,
    endDate: spec.endDate,
    description: spec.description,
    ...(settings && { actionAfterCompletion: settings.actionAfterCompletion, kmsKeyArn: settings.kmsKeyArn }),
  };
  if (target.stateMachineArn !== undefined) {
    // What a StartExecution target sends: the ECS fields are the state machine's, not the schedule's.
    return {
      ...top,
      target: {
        stateMachineArn: target.stateMachineArn,
        roleArn: target.roleArn,
        retry: target.retry,
        deadLetterArn: target.deadLetterArn,
        input: target.input,
      },
    };
  }
  return {
    ...top,
    target: {
      clusterArn: target.clusterArn,
      roleArn: target.roleArn,
      taskDefinitionArn: target.taskDefinitionArn,
      capacityProvider: target.capacityProvider,
      subnets: target.subnets,
      securityGroups: target.securityGroups,
      assignPublicIp: target.assignPublicIp,
      retry: target.retry,
      deadLetterArn: target.deadLetterArn,
      input: target.input,
      taskTags: target.taskTags,
      ...(settings && {
        taskCount: settings.taskCount,
        platformVersion: settings.platformVersion,
        enableEcsManagedTags: settings.enableEcsManagedTags,
        enableExecuteCommand: settings.enableExecuteCommand,
        propagateTags: settings.propagateTags,
      }),
    },
  };
}

/** A schedule to write: its spec, with the target's task definition resolved to an exact revision. */
export type ScheduleWrite = Omit<ScheduleSpec, "target"> & {
  target: Omit<ScheduleSpec["target"], "taskDefinitionFamily"> & { taskDefinitionArn: string };
};

/**
 * The complete schedule, as both CreateSchedule and UpdateSchedule take it: the one mapping from a
 * spec to Scheduler's request, for a job's schedules and its bulk schedules alike.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_UpdateSchedule.html
 */
export function scheduleRequest(spec: ScheduleWrite): Omit<CreateScheduleInput, "ClientToken"> {
  const { target } = spec;
  const settings = SCHEDULE_SETTINGS;
  const retryPolicy = {
    MaximumRetryAttempts: target.retry.attempts,
    MaximumEventAgeInSeconds: target.retry.maxAgeSeconds,
  };
  const deadLetter =
    target.deadLetterArn === undefined ? {} : { DeadLetterConfig: { Arn: target.deadLetterArn } };
  const machineTarget = target.stateMachineArn !== undefined && {
    Arn: START_EXECUTION_TARGET,
    RoleArn: target.roleArn,
    Input: target.input,
    RetryPolicy: retryPolicy,
    ...deadLetter,
  };
  return {
    Name: spec.name,
    GroupName: spec.groupName,
    ScheduleExpression: spec.expression,
    ScheduleExpressionTimezone: spec.timezone,
    State: spec.state,
    Description: spec.description,
    FlexibleTimeWindow:
      spec.flexibleWindowMinutes === undefined
        ? { Mode: "OFF" }
        : { Mode: "FLEXIBLE", MaximumWindowInMinutes: spec.flexibleWindowMinutes },
    ...(spec.startDate === undefined ? {} : { StartDate: new Date(spec.startDate) }),
    ...(spec.endDate === undefined ? {} : { EndDate: new Date(spec.endDate) }),
    Target: machineTarget || {
      Arn: target.clusterArn,
      RoleArn: target.roleArn,
      Input: target.input,
      RetryPolicy: retryPolicy,
      ...deadLetter,
      EcsParameters: {
        TaskDefinitionArn: target.taskDefinitionArn,
        TaskCount: settings.taskCount,
        // RunTask takes a launch type or a capacity provider strategy, never both.
        ...(target.capacityProvider === "FARGATE"
          ? { LaunchType: "FARGATE" as const }
          : { CapacityProviderStrategy: [{ capacityProvider: target.capacityProvider, weight: 1 }] }),
        PlatformVersion: settings.platformVersion,
        NetworkConfiguration: {
          awsvpcConfiguration: {
            Subnets: target.subnets,
            SecurityGroups: target.securityGroups,
            AssignPublicIp: target.assignPublicIp ? "ENABLED" : "DISABLED",
          },
        },
        EnableECSManagedTags: settings.enableEcsManagedTags,
        ...(settings.propagateTags === undefined ? {} : { PropagateTags: settings.propagateTags }),
        Tags: Object.keys(target.taskTags)
          .sort()
          .map((key) => ({ [key]: target.taskTags[key] ?? "" })),
      },
    },
    ActionAfterCompletion: settings.actionAfterCompletion,
  };
}
