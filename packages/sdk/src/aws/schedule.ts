import { createHash } from "node:crypto";
import {
  type ActionAfterCompletion,
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  type EcsParameters,
  GetScheduleCommand,
  type GetScheduleOutput,
  type PropagateTags,
  paginateListSchedules,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { FlexjobError, internal, REPORT_WITH_PLAN } from "../errors.js";
import { canonicalJson } from "../plan/canonical-json.js";
import { diffFields } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { isAwsError, wrapAwsError } from "./aws-error.js";
import type { AwsClients } from "./clients.js";
import type { ScheduleSpec } from "./schedule-spec.js";

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
  deadLetterArn: string | undefined;
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
  deadLetterArn: undefined,
  kmsKeyArn: undefined,
};

export interface ScheduleLive {
  arn: string;
  spec: ScheduleLiveSpec;
  settings: ScheduleSettings;
  /** CreationDate, ISO UTC: what a rate without a StartDate counts from. */
  createdAt?: string | undefined;
}

/**
 * `update` sends the complete desired schedule: UpdateSchedule replaces the whole schedule. The id
 * is the schedule's name (unique within the app's one group); `groupName` is carried alongside
 * because a delete step planned from a bare name has neither desired nor live state to find it in.
 */
export type ScheduleStep = PlanStep<ScheduleSpec, ScheduleLive> & { groupName: string };

/** What apply needs besides the step. */
export interface ScheduleApplyContext {
  /** The revision ARN the family's tasks should run, possibly registered earlier in this apply. */
  taskDefinitionArnFor(family: string): string;
  sleep(ms: number): Promise<void>;
  /** Unique per apply; scopes CreateSchedule's ClientToken (see clientToken). */
  runId: string;
}

/** Shown as the target revision when the task definition gets a new revision in the same apply. */
export const PENDING_REVISION = "(new revision)";

/**
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html
 */
export async function observeSchedule(
  clients: AwsClients,
  groupName: string,
  name: string,
): Promise<ScheduleLive | undefined> {
  try {
    const schedule = await clients.scheduler.send(
      new GetScheduleCommand({ GroupName: groupName, Name: name }),
    );
    return normaliseSchedule(schedule, groupName, name);
  } catch (error) {
    if (isAwsError(error, "ResourceNotFoundException")) return undefined;
    throw wrapAwsError(error, `reading schedule ${name} in group ${groupName}`);
  }
}

/**
 * Rewrites GetSchedule's answer into flexjob's shape: lists sorted, dates as the ISO UTC text the
 * config renders, the Input re-serialised canonically, and Scheduler's defaults (UTC, ENABLED, 185
 * attempts over 24 h) filled where it leaves a field out.
 */
function normaliseSchedule(schedule: GetScheduleOutput, groupName: string, name: string): ScheduleLive {
  const target = schedule.Target;
  const ecs = target?.EcsParameters;
  const vpc = ecs?.NetworkConfiguration?.awsvpcConfiguration;
  const window = schedule.FlexibleTimeWindow;
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
        clusterArn: target?.Arn ?? "",
        roleArn: target?.RoleArn ?? "",
        taskDefinitionArn: ecs?.TaskDefinitionArn ?? "",
        capacityProvider: capacityOf(ecs),
        subnets: [...(vpc?.Subnets ?? [])].sort(),
        securityGroups: [...(vpc?.SecurityGroups ?? [])].sort(),
        assignPublicIp: vpc?.AssignPublicIp === "ENABLED",
        retry: {
          attempts: target?.RetryPolicy?.MaximumRetryAttempts ?? 185,
          maxAgeSeconds: target?.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
        },
        input: canonicalInput(target?.Input ?? ""),
        // A list of one-entry maps on the wire.
        taskTags: Object.fromEntries((ecs?.Tags ?? []).flatMap((tag) => Object.entries(tag))),
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
      deadLetterArn: target?.DeadLetterConfig?.Arn,
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

/** Render writes canonical JSON; a schedule written by other means compares by content. */
function canonicalInput(input: string): string {
  try {
    return canonicalJson(JSON.parse(input));
  } catch {
    return input;
  }
}

/** Every schedule name in the group, e.g. to find shards that are no longer configured. */
export async function listScheduleNames(clients: AwsClients, groupName: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const page of paginateListSchedules({ client: clients.scheduler }, { GroupName: groupName })) {
      for (const schedule of page.Schedules ?? []) if (schedule.Name !== undefined) names.push(schedule.Name);
    }
  } catch (error) {
    throw wrapAwsError(error, `listing schedules of group ${groupName}`);
  }
  return names.sort();
}

/**
 * `taskDefinitionArn` is the revision the schedule should start when it is known now (the task
 * definition is unchanged), or undefined when this apply registers a new revision, which the
 * schedule must then be updated to.
 */
export function planSchedule(
  spec: ScheduleSpec,
  live: ScheduleLive | undefined,
  taskDefinitionArn: string | undefined,
  job: string,
): ScheduleStep {
  const base = { kind: "schedule", id: spec.name, groupName: spec.groupName, job, desired: spec } as const;
  const { taskDefinitionFamily: _family, ...target } = spec.target;
  const desired: ScheduleLiveSpec = {
    ...spec,
    target: { ...target, taskDefinitionArn: taskDefinitionArn ?? PENDING_REVISION },
  };
  if (live === undefined)
    return { ...base, action: "create", changes: diffFields(undefined, comparable(desired)) };
  const changes = diffFields(comparable(live.spec, live.settings), comparable(desired, SCHEDULE_SETTINGS));
  return { ...base, live, action: changes.length === 0 ? "noop" : "update", changes };
}

/** The fields a plan reports, with task tags per key; settings only when comparing two schedules. */
function comparable(spec: ScheduleLiveSpec, settings?: ScheduleSettings): Record<string, unknown> {
  const { target } = spec;
  return {
    expression: spec.expression,
    timezone: spec.timezone,
    state: spec.state,
    flexibleWindowMinutes: spec.flexibleWindowMinutes,
    startDate: spec.startDate,
    endDate: spec.endDate,
    description: spec.description,
    ...(settings && { actionAfterCompletion: settings.actionAfterCompletion, kmsKeyArn: settings.kmsKeyArn }),
    target: {
      clusterArn: target.clusterArn,
      roleArn: target.roleArn,
      taskDefinitionArn: target.taskDefinitionArn,
      capacityProvider: target.capacityProvider,
      subnets: target.subnets,
      securityGroups: target.securityGroups,
      assignPublicIp: target.assignPublicIp,
      retry: target.retry,
      input: target.input,
      taskTags: target.taskTags,
      ...(settings && {
        taskCount: settings.taskCount,
        platformVersion: settings.platformVersion,
        enableEcsManagedTags: settings.enableEcsManagedTags,
        enableExecuteCommand: settings.enableExecuteCommand,
        propagateTags: settings.propagateTags,
        deadLetterArn: settings.deadLetterArn,
      }),
    },
  };
}

/** Removes a schedule: a shard no longer configured, or a job no longer in the config (prune). */
export function planScheduleDelete(
  schedule: ScheduleLive | string,
  groupName: string,
  job: string | undefined,
  reason: string,
): ScheduleStep {
  const name = typeof schedule === "string" ? schedule : schedule.spec.name;
  return {
    kind: "schedule",
    id: name,
    groupName,
    ...(job === undefined ? {} : { job }),
    action: "delete",
    changes: [],
    reason,
    ...(typeof schedule === "string" ? {} : { live: schedule }),
  };
}

/**
 * Waits between attempts while IAM propagates a just-created scheduler role: about 30 s in all.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
 */
export const ROLE_PROPAGATION_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000];

/**
 * Creates, updates or deletes the schedule; returns its ARN ("" after a delete). Create and update
 * both send the complete desired schedule, so either converges on it whatever exists.
 */
export async function applySchedule(
  clients: AwsClients,
  step: ScheduleStep,
  context: ScheduleApplyContext,
): Promise<string> {
  const { groupName, id: name } = step;
  if (step.action === "noop") {
    if (step.live === undefined)
      throw internal(`no-op step for schedule ${step.id} has no live schedule`, REPORT_WITH_PLAN);
    return step.live.arn;
  }
  if (step.action === "delete") {
    try {
      await clients.scheduler.send(new DeleteScheduleCommand({ GroupName: groupName, Name: name }));
    } catch (error) {
      if (!isAwsError(error, "ResourceNotFoundException"))
        throw wrapAwsError(error, `deleting schedule ${step.id}`);
    }
    return "";
  }
  const spec = step.desired;
  if (spec === undefined)
    throw internal(`${step.action} step for schedule ${step.id} has no spec`, REPORT_WITH_PLAN);
  const taskDefinitionArn = context.taskDefinitionArnFor(spec.target.taskDefinitionFamily);
  const input = scheduleRequest({ ...spec, target: { ...spec.target, taskDefinitionArn } });
  const create = () =>
    withRolePropagation(
      () =>
        clients.scheduler.send(
          new CreateScheduleCommand({ ...input, ClientToken: clientToken(input, context.runId) }),
        ),
      context.sleep,
    );
  const update = () =>
    withRolePropagation(() => clients.scheduler.send(new UpdateScheduleCommand(input)), context.sleep);
  let arn: string | undefined;
  try {
    if (step.action === "create") {
      // Another deploy created it between our read and now: overwrite with the complete desired state.
      arn = (await create().catch(orOnError("ConflictException", update))).ScheduleArn;
    } else {
      // Deleted since our read (by hand, or a concurrent destroy): make it again.
      arn = (await update().catch(orOnError("ResourceNotFoundException", create))).ScheduleArn;
    }
  } catch (error) {
    if (error instanceof RoleNotAssumable) {
      throw new FlexjobError(
        `${step.action === "create" ? "creating" : "updating"} schedule ${step.id}: EventBridge Scheduler still cannot assume role ${spec.target.roleArn} after ${totalSeconds()} s`,
        {
          code: "AWS_ERROR",
          fault: "aws",
          cause: error.cause,
          remedy:
            "IAM changes can take a minute to reach EventBridge Scheduler: rerun the deploy. If it keeps failing, the role's trust policy must allow scheduler.amazonaws.com to assume it",
        },
      );
    }
    throw wrapAwsError(error, `${step.action === "create" ? "creating" : "updating"} schedule ${step.id}`);
  }
  if (arn === undefined)
    throw internal(`Scheduler wrote schedule ${step.id} but returned no ARN`, REPORT_WITH_PLAN);
  return arn;
}

function orOnError<T>(name: string, fallback: () => Promise<T>): (error: unknown) => Promise<T> {
  return (error) => {
    if (!isAwsError(error, name)) throw error;
    return fallback();
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
    Target: {
      Arn: target.clusterArn,
      RoleArn: target.roleArn,
      Input: target.input,
      RetryPolicy: {
        MaximumRetryAttempts: target.retry.attempts,
        MaximumEventAgeInSeconds: target.retry.maxAgeSeconds,
      },
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

/**
 * Scoped to one apply: the SDK's own retries of a lost response send the same token and are
 * recognised as the same request, while a later deploy (say, after a destroy) never collides with
 * a token Scheduler still remembers and silently gets the old schedule back. Two deploys racing
 * have different tokens; the loser gets ConflictException and updates instead. Hex of SHA-256:
 * 64 characters, Scheduler's maximum.
 */
function clientToken(input: Omit<CreateScheduleInput, "ClientToken">, runId: string): string {
  return createHash("sha256")
    .update(`${runId}\n${canonicalJson(input)}`)
    .digest("hex");
}

/** A Scheduler ValidationException that only means IAM has not yet propagated the role. */
class RoleNotAssumable extends Error {}

function isRoleNotYetAssumable(error: unknown): boolean {
  return (
    isAwsError(error, "ValidationException") &&
    error instanceof Error &&
    /assume the role|role.*cannot be assumed|unable to assume/i.test(error.message)
  );
}

async function withRolePropagation<T>(
  send: () => Promise<T>,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  for (const delay of ROLE_PROPAGATION_DELAYS_MS) {
    try {
      return await send();
    } catch (error) {
      if (!isRoleNotYetAssumable(error)) throw error;
      await sleep(delay);
    }
  }
  try {
    return await send();
  } catch (error) {
    if (isRoleNotYetAssumable(error)) throw new RoleNotAssumable("role not assumable", { cause: error });
    throw error;
  }
}

function totalSeconds(): number {
  return ROLE_PROPAGATION_DELAYS_MS.reduce((sum, delay) => sum + delay, 0) / 1000;
}
