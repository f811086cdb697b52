import { isRecord } from "../../core/readers.js";
import { internalError, throttlingError } from "../../core/service-errors.js";
import { AwsError, type CallContext } from "../../core/types.js";
import { type DeadLetter, sendDeadLetter } from "./dead-letter.js";
import { groupKey, type SchedulerEnv, scheduleKey } from "./state.js";

/**
 * Firing a schedule: what Scheduler does when a schedule's time comes. It assumes the schedule's
 * role (which must trust scheduler.amazonaws.com for the schedule's group and account), fills the
 * context attributes into the target's Input, and calls the target: RunTask for an ECS cluster
 * target, StartExecution for the universal target `aws-sdk:sfn:startExecution` (the Input is the
 * request). A call that fails is a start failure: it goes to the target's dead-letter queue, if
 * it has one (`dead-letter.ts`).
 * Scheduler delivers at least once: firing again with the same execution id is a duplicate.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
 */

export const START_EXECUTION = "arn:aws:scheduler:::aws-sdk:sfn:startExecution";

export interface FireRequest {
  /** Default `default`. */
  group?: string;
  name: string;
  /** The scheduled time the invocation is for; default now. */
  at?: Date | string;
  /** Scheduler's execution id; default a new one. The same id again is a duplicate delivery (of the same scheduled time unless `at` says otherwise). */
  executionId?: string;
  /** Default the fake's region. */
  region?: string;
  /**
   * The target's service answers this invocation with its throttling or internal error, as a
   * busy or failing service would: errors Scheduler retries (see `dead-letter.ts`).
   */
  targetError?: "throttle" | "internal";
}

export interface Invocation {
  group: string;
  schedule: string;
  executionId: string;
  /** `<aws.scheduler.scheduled-time>`, e.g. `2026-01-01T00:00:00Z`. */
  scheduledTime: string;
  /** Whether an invocation with this execution id was delivered before. */
  duplicate: boolean;
  /** The target's answer: RunTask's task ARNs, or StartExecution's execution ARN. */
  taskArns?: string[];
  executionArn?: string;
  /** Set when the target could not be invoked (a start failure). */
  error?: { code: string; message: string };
  /** For a start failure of a target with a `DeadLetterConfig`: whether its dead-letter event reached the queue. */
  deadLetter?: DeadLetter;
}

/** What firing remembers: each execution id delivered (with its scheduled time), and the invocations that failed to start. */
export interface FireLog {
  delivered: Map<string, string>;
  failures: Invocation[];
}

export function fire(
  env: SchedulerEnv,
  log: FireLog,
  request: FireRequest,
  context: CallContext,
): Invocation {
  const group = request.group ?? "default";
  const schedule = env.state.schedules.get(scheduleKey(context.region, group, request.name));
  if (schedule === undefined)
    throw new RangeError(`no schedule ${group}/${request.name} in ${context.region}`);
  const target = schedule.described.Target as Record<string, unknown>;
  const executionId = request.executionId ?? crypto.randomUUID();
  // A duplicate delivery is the same invocation again: same execution id, same scheduled time.
  const earlier = log.delivered.get(executionId);
  const scheduledTime =
    request.at === undefined && earlier !== undefined
      ? earlier
      : new Date(request.at ?? context.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const duplicate = earlier !== undefined;
  log.delivered.set(executionId, scheduledTime);
  const invocation: Invocation = { group, schedule: request.name, executionId, scheduledTime, duplicate };
  const input = String(target.Input ?? "")
    .replaceAll("<aws.scheduler.execution-id>", executionId)
    .replaceAll("<aws.scheduler.scheduled-time>", scheduledTime)
    .replaceAll("<aws.scheduler.attempt-number>", "1")
    .replaceAll("<aws.scheduler.schedule-arn>", String(schedule.described.Arn));
  let roleAssumed = false;
  try {
    assumeRole(env, String(target.RoleArn), group, context);
    roleAssumed = true;
    if (request.targetError !== undefined) throw injected(target, request.targetError);
    if (target.Arn === START_EXECUTION) invocation.executionArn = startExecution(env, target, input, context);
    else invocation.taskArns = runTask(env, target, input, context);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    invocation.error = { code: error.code, message: error.message };
    const scheduleArn = String(schedule.described.Arn);
    const failed = { scheduleArn, target, executionId, scheduledTime, payload: input, error, roleAssumed };
    const deadLetter = sendDeadLetter(env, failed);
    if (deadLetter !== undefined) invocation.deadLetter = deadLetter;
    log.failures.push(invocation);
  }
  return invocation;
}

/** The error the target's own service answers with when it throttles or fails inside. */
function injected(target: Record<string, unknown>, kind: "throttle" | "internal"): AwsError {
  const service = target.Arn === START_EXECUTION ? "states" : "ecs";
  return kind === "throttle" ? throttlingError(service) : internalError(service);
}

function assumeRole(env: SchedulerEnv, roleArn: string, group: string, context: CallContext): void {
  const groupArn = env.state.groups.get(groupKey(context.region, group))?.arn ?? "";
  const trusted =
    env.world.roleTrusts?.(roleArn, "scheduler.amazonaws.com", {
      "aws:SourceAccount": context.accountId,
      "aws:SourceArn": groupArn,
    }) ?? true;
  if (!trusted) {
    throw new AwsError("AccessDeniedException", `Scheduler could not assume the role ${roleArn}`);
  }
}

function allow(
  env: SchedulerEnv,
  roleArn: string,
  action: string,
  resource: string,
  requestContext?: Record<string, string>,
): void {
  const request = { action, resource, ...(requestContext && { context: requestContext }) };
  if (env.world.roleAllows?.(roleArn, request) ?? true) return;
  const role = roleArn.split("/").pop();
  throw new AwsError(
    "AccessDeniedException",
    `User: arn:aws:sts::${roleArn.split(":")[4]}:assumed-role/${role}/scheduler is not authorized to perform: ${action} on resource: ${resource}`,
  );
}

function startExecution(
  env: SchedulerEnv,
  target: Record<string, unknown>,
  input: string,
  context: CallContext,
): string {
  const request = parseInput(input, "a StartExecution request");
  if (!isRecord(request) || typeof request.StateMachineArn !== "string") {
    throw new AwsError("ValidationException", "StartExecution's StateMachineArn is required");
  }
  allow(env, String(target.RoleArn), "states:StartExecution", request.StateMachineArn);
  const sfn = env.world.sfn;
  if (sfn === undefined)
    throw new AwsError("ValidationException", "fake-aws has no Step Functions in this world");
  return sfn.startExecution(
    {
      stateMachineArn: request.StateMachineArn,
      ...(typeof request.Name === "string" && { name: request.Name }),
      ...(typeof request.Input === "string" && { input: request.Input }),
    },
    context,
  ).executionArn;
}

/** RunTask with the schedule's EcsParameters, the Input as the task's overrides. */
function runTask(
  env: SchedulerEnv,
  target: Record<string, unknown>,
  input: string,
  context: CallContext,
): string[] {
  const ecs = env.world.ecs;
  const parameters = target.EcsParameters as Record<string, unknown>;
  const taskDefinition = String(parameters.TaskDefinitionArn);
  // IAM evaluates RunTask with the cluster it runs in as `ecs:cluster`.
  allow(env, String(target.RoleArn), "ecs:RunTask", taskDefinition, { "ecs:cluster": String(target.Arn) });
  if (ecs === undefined) throw new AwsError("ValidationException", "fake-aws has no ECS in this world");
  const vpc = (parameters.NetworkConfiguration as Record<string, unknown> | undefined)?.awsvpcConfiguration as
    | Record<string, unknown>
    | undefined;
  const tags = (parameters.Tags as Record<string, string>[] | undefined) ?? [];
  const request: Record<string, unknown> = {
    cluster: target.Arn,
    taskDefinition,
    count: parameters.TaskCount ?? 1,
    launchType: parameters.LaunchType,
    capacityProviderStrategy: parameters.CapacityProviderStrategy,
    platformVersion: parameters.PlatformVersion,
    group: parameters.Group,
    enableECSManagedTags: parameters.EnableECSManagedTags,
    enableExecuteCommand: parameters.EnableExecuteCommand,
    propagateTags: parameters.PropagateTags,
    referenceId: parameters.ReferenceId,
    tags: tags.flatMap((tag) => Object.entries(tag).map(([key, value]) => ({ key, value }))),
    ...(vpc !== undefined && {
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: vpc.Subnets,
          securityGroups: vpc.SecurityGroups,
          assignPublicIp: vpc.AssignPublicIp,
        },
      },
    }),
    ...(input !== "" && { overrides: parseInput(input, "RunTask overrides") }),
  };
  const out = ecs.runTask(dropUndefined(request), context);
  const failures = Array.isArray(out.failures) ? out.failures : [];
  if (failures.length > 0) throw new AwsError("ECS.RunTaskFailure", JSON.stringify(failures));
  return ((out.tasks as Record<string, unknown>[] | undefined) ?? []).map((task) => String(task.taskArn));
}

/** The target's Input as the JSON its target reads (`what`); unreadable Input is a start failure. */
function parseInput(input: string, what: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    throw new AwsError("ValidationException", `The target Input is not the JSON of ${what}`);
  }
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
