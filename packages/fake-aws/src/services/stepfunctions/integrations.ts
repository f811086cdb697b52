import { AwsError, type CallContext, type CloudWatchInternals, type EcsInternals } from "../../core/types.js";
import { isObject, StatesError } from "./paths.js";
import type { Wait } from "./state.js";
import { SDK_LIST_TASKS, SDK_PUT_METRIC_DATA, SDK_STOP_TASK, SYNC_RUN_TASK } from "./validate.js";

/**
 * The Task resources an execution calls, on its role's behalf and at its own moment:
 * - `ecs:runTask.sync`: RunTask, then wait for the task to stop; it succeeds when every container
 *   exited 0, else `States.TaskFailed` with the described task as Cause. A non-empty `Failures`
 *   is `AmazonECS.Unknown`. Leaving the state early (timeout, StopExecution) stops the task.
 *   https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
 * - `aws-sdk:ecs:listTasks` / `aws-sdk:ecs:stopTask`: the API call, PascalCase both ways, errors
 *   named `Ecs.<Exception>`.
 * - `aws-sdk:cloudwatch:putMetricData`: PutMetricData as the role (resource `*`, condition key
 *   `cloudwatch:namespace`), arguments in CloudWatch's own PascalCase; errors `CloudWatch.<Code>`.
 *   https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */

export interface TaskCall {
  roleArn: string;
  context: CallContext;
  /** ECS's internals; a world without ECS cannot run tasks. */
  ecs: EcsInternals | undefined;
  /** CloudWatch's internals; a world without CloudWatch cannot take metrics. */
  cloudwatch: CloudWatchInternals | undefined;
  allows(action: string, resource: string, conditions?: Record<string, string>): boolean;
  nowMs(): number;
  /** When the state gives up (its TimeoutSeconds); Infinity when it has none. */
  deadlineMs: number;
}

export function* callResource(
  resource: string,
  parameters: unknown,
  call: TaskCall,
): Generator<Wait, unknown, void> {
  const args = isObject(parameters) ? parameters : {};
  if (resource === SDK_PUT_METRIC_DATA) return putMetricData(args, call);
  const input = camel(args) as Record<string, unknown>;
  const ecs = present(call.ecs, "ECS");
  if (resource === SYNC_RUN_TASK) return yield* runTaskSync(input, call, ecs);
  if (resource === SDK_LIST_TASKS) {
    denyUnless(call, "Ecs", "ecs:ListTasks", "*", clusterCondition(input, call));
    return pascal(sdkCall("Ecs", () => ecs.listTasks(input, call.context)));
  }
  if (resource === SDK_STOP_TASK) {
    denyUnless(call, "Ecs", "ecs:StopTask", String(input.task ?? "*"));
    return pascal(sdkCall("Ecs", () => ecs.stopTask(input, call.context)));
  }
  throw new StatesError("States.Runtime", `Unsupported resource ${resource}`);
}

function present<T>(internals: T | undefined, service: string): T {
  if (internals === undefined)
    throw new StatesError("States.Runtime", `fake-aws has no ${service} in this world`);
  return internals;
}

/** CloudWatch's API is PascalCase already, so the arguments go as written; its answer is empty. */
function putMetricData(args: Record<string, unknown>, call: TaskCall): unknown {
  const cloudwatch = present(call.cloudwatch, "CloudWatch");
  const namespace =
    typeof args.Namespace === "string" ? { "cloudwatch:namespace": args.Namespace } : undefined;
  denyUnless(call, "CloudWatch", "cloudwatch:PutMetricData", "*", namespace);
  return sdkCall("CloudWatch", () => cloudwatch.putMetricData(args, call.context));
}

function* runTaskSync(
  input: Record<string, unknown>,
  call: TaskCall,
  ecs: EcsInternals,
): Generator<Wait, unknown, void> {
  denyUnless(call, "ECS", "ecs:RunTask", taskDefinitionArn(input, call), clusterCondition(input, call));
  const started = sdkCall("ECS", () => ecs.runTask(input, call.context));
  const failures = Array.isArray(started.failures) ? started.failures : [];
  const task = Array.isArray(started.tasks) ? started.tasks[0] : undefined;
  if (failures.length > 0 || !isObject(task)) {
    throw new StatesError(
      "AmazonECS.Unknown",
      JSON.stringify(pascal({ failures, tasks: started.tasks ?? [] })),
    );
  }
  const taskArn = String(task.taskArn);
  const stoppedAt = () => ecs.stoppedAtMs(taskArn) ?? call.nowMs();
  let settled = false;
  try {
    yield { untilMs: () => Math.min(stoppedAt(), call.deadlineMs) };
    if (stoppedAt() > call.nowMs()) {
      throw new StatesError("States.Timeout", "The task timed out before the ECS task stopped");
    }
    settled = true;
    const described = pascal(ecs.describeTask(taskArn, call.nowMs()) ?? task) as Record<string, unknown>;
    const containers = Array.isArray(described.Containers) ? described.Containers : [];
    const succeeded = containers.length > 0 && containers.every((c) => isObject(c) && c.ExitCode === 0);
    if (!succeeded) throw new StatesError("States.TaskFailed", JSON.stringify(described));
    return described;
  } finally {
    // Step Functions stops the task it started when the state ends without it (timeout, abort).
    if (!settled && stoppedAt() > call.nowMs() && call.allows("ecs:StopTask", taskArn)) {
      ecs.stopTask(
        {
          cluster: input.cluster,
          task: taskArn,
          reason: "Step Functions stopped the task: the state ended before it",
        },
        call.context,
      );
    }
  }
}

/** The task definition as IAM sees it: the ARN as given, or the family (with its revision, if named). */
function taskDefinitionArn(input: Record<string, unknown>, call: TaskCall): string {
  const ref = String(input.taskDefinition ?? "");
  if (ref.startsWith("arn:")) return ref;
  return `arn:aws:ecs:${call.context.region}:${call.context.accountId}:task-definition/${ref}`;
}

function clusterCondition(input: Record<string, unknown>, call: TaskCall): Record<string, string> {
  const cluster = String(input.cluster ?? "default");
  return {
    "ecs:cluster": cluster.startsWith("arn:")
      ? cluster
      : `arn:aws:ecs:${call.context.region}:${call.context.accountId}:cluster/${cluster}`,
  };
}

/** The role may not make the call: the service's AccessDeniedException, named as the integration names errors. */
function denyUnless(
  call: TaskCall,
  prefix: string,
  action: string,
  resource: string,
  conditions?: Record<string, string>,
): void {
  if (call.allows(action, resource, conditions)) return;
  const role = call.roleArn.split("/").pop();
  throw new StatesError(
    `${prefix}.AccessDeniedException`,
    `User: arn:aws:sts::${call.context.accountId}:assumed-role/${role}/states is not authorized to perform: ${action} on resource: ${resource} (Service: ${serviceName(prefix)}; Status Code: 400; Error Code: AccessDeniedException)`,
  );
}

/** The service as the SDK's error text names it. */
const serviceName = (prefix: string): string => (prefix === "CloudWatch" ? "AmazonCloudWatch" : "AmazonECS");

function sdkCall(prefix: string, send: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return send();
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    throw new StatesError(
      `${prefix}.${error.code}`,
      `${error.message} (Service: ${serviceName(prefix)}; Status Code: ${error.status}; Error Code: ${error.code})`,
    );
  }
}

/** Step Functions' PascalCase parameters to the API's camelCase members (keys only, all levels). */
export function camel(value: unknown): unknown {
  return rename(value, (key) => key.charAt(0).toLowerCase() + key.slice(1));
}

/** The API's camelCase output to the PascalCase Step Functions hands the state. */
export function pascal(value: unknown): unknown {
  return rename(value, (key) => key.charAt(0).toUpperCase() + key.slice(1));
}

function rename(value: unknown, name: (key: string) => string): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map((item) => rename(item, name));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[name(key)] = rename(item, name);
  }
  return out;
}
