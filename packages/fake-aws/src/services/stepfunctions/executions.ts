import { AwsError, type CallContext } from "../../core/types.js";
import type { TaskCall } from "./integrations.js";
import { type Machine, runMachine } from "./interpreter.js";
import { StatesError } from "./paths.js";
import {
  checkName,
  type Execution,
  type ExecutionStatus,
  executionArn,
  HISTORY_LIMIT,
  record,
  type SfnEnv,
  type StateMachine,
} from "./state.js";

/**
 * An execution's life on the fake clock: StartExecution (idempotent by name and input while it
 * runs), the interpreter driven forward by `settle` in time order across executions, the
 * machine's TimeoutSeconds, StopExecution, and the status change events AWS emits.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */

/** A closed execution's name stays taken for 90 days. */
const NAME_REUSE_MS = 90 * 24 * 60 * 60 * 1000;
/** An EXPRESS execution runs for at most 5 minutes, whatever the definition's TimeoutSeconds. */
const EXPRESS_MAX_MS = 5 * 60 * 1000;
const MAX_INPUT_BYTES = 256 * 1024;

export function startExecution(
  env: SfnEnv,
  machine: StateMachine,
  request: { name: string; input: string },
  context: CallContext,
): Execution {
  checkName(request.name);
  if (Buffer.byteLength(request.input) > MAX_INPUT_BYTES) {
    throw new AwsError("ValidationException", "The input exceeds the maximum size of 262144 bytes");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.input);
  } catch {
    throw new AwsError("InvalidExecutionInput", `Invalid State Machine Execution Input: '${request.input}'`);
  }
  const arn = executionArn(machine, context.accountId, request.name);
  const nowMs = env.clock.nowMs();
  // EXPRESS names need not be unique: each ARN ends in its own id, so nothing is found here.
  const earlier = env.state.executions.get(arn);
  if (earlier !== undefined && nowMs < (earlier.stopMs ?? nowMs) + NAME_REUSE_MS) {
    if (earlier.status === "RUNNING" && earlier.input === request.input) return earlier;
    throw new AwsError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
  }
  const definition = JSON.parse(machine.definition) as Record<string, unknown>;
  const execution: Execution = {
    arn,
    name: request.name,
    stateMachine: machine,
    definition,
    roleArn: machine.roleArn,
    region: machine.region,
    accountId: context.accountId,
    input: request.input,
    status: "RUNNING",
    startMs: nowMs,
    history: [],
  };
  const timeout = definition.TimeoutSeconds as number | undefined;
  const steps = runMachine(machineFor(env, execution), definition, parsed);
  const deadlineMs = timeout === undefined ? Number.POSITIVE_INFINITY : nowMs + timeout * 1000;
  execution.run = {
    steps,
    wait: { untilMs: () => nowMs },
    atMs: nowMs,
    deadlineMs: machine.type === "EXPRESS" ? Math.min(deadlineMs, nowMs + EXPRESS_MAX_MS) : deadlineMs,
  };
  record(execution, nowMs, "ExecutionStarted", {
    executionStartedEventDetails: { input: request.input, roleArn: execution.roleArn },
  });
  env.state.executions.set(arn, execution);
  publish(env, execution);
  return execution;
}

function machineFor(env: SfnEnv, execution: Execution): Machine {
  const nowMs = () => execution.run?.atMs ?? execution.stopMs ?? execution.startMs;
  return {
    nowMs,
    context: {
      Execution: {
        Id: execution.arn,
        Name: execution.name,
        Input: JSON.parse(execution.input),
        StartTime: new Date(execution.startMs).toISOString(),
        RoleArn: execution.roleArn,
      },
      StateMachine: { Id: execution.stateMachine.arn, Name: execution.stateMachine.name },
    },
    variables: {},
    taskCall: (deadlineMs): TaskCall => {
      return {
        roleArn: execution.roleArn,
        context: { region: execution.region, accountId: execution.accountId, now: () => new Date(nowMs()) },
        ecs: env.world.ecs,
        cloudwatch: env.world.cloudwatch,
        allows: (action, resource, conditions) =>
          env.world.roleAllows?.(execution.roleArn, {
            action,
            resource,
            ...(conditions !== undefined && { context: conditions }),
          }) ?? true,
        nowMs,
        deadlineMs,
      };
    },
    record: (type, details) => {
      if (execution.history.length >= HISTORY_LIMIT) {
        throw new StatesError(
          "States.Runtime",
          `The execution reached the limit of ${HISTORY_LIMIT} history events`,
        );
      }
      record(execution, nowMs(), type, details);
    },
  };
}

/** Moves every running execution forward to the fake clock's now, earliest moment first. */
export function settle(env: SfnEnv): void {
  const nowMs = env.clock.nowMs();
  for (;;) {
    let next: { execution: Execution; atMs: number } | undefined;
    for (const execution of env.state.executions.values()) {
      const run = execution.run;
      if (run === undefined) continue;
      const atMs = Math.min(run.wait.untilMs(), run.deadlineMs);
      if (atMs <= nowMs && (next === undefined || atMs < next.atMs)) next = { execution, atMs };
    }
    if (next === undefined) return;
    advance(env, next.execution, next.atMs);
  }
}

function advance(env: SfnEnv, execution: Execution, atMs: number): void {
  const run = execution.run as NonNullable<Execution["run"]>;
  run.atMs = Math.max(run.atMs, atMs);
  if (run.deadlineMs <= run.wait.untilMs() && run.deadlineMs <= atMs) {
    close(env, execution, "TIMED_OUT", { error: "States.Timeout", cause: "The execution timed out" });
    return;
  }
  try {
    const step = run.steps.next();
    if (step.done) close(env, execution, "SUCCEEDED", { output: JSON.stringify(step.value ?? null) });
    else run.wait = step.value;
  } catch (error) {
    if (!(error instanceof StatesError)) throw error;
    close(env, execution, "FAILED", { error: error.error, cause: error.cause });
  }
}

/** StopExecution: the execution is aborted now; the task it waits on is stopped. */
export function stopExecution(env: SfnEnv, execution: Execution, error?: string, cause?: string): void {
  if (execution.status !== "RUNNING") return;
  close(env, execution, "ABORTED", {
    ...(error !== undefined && { error }),
    ...(cause !== undefined && { cause }),
  });
}

function close(
  env: SfnEnv,
  execution: Execution,
  status: Exclude<ExecutionStatus, "RUNNING">,
  end: { output?: string; error?: string; cause?: string },
): void {
  const run = execution.run;
  const atMs = status === "ABORTED" ? env.clock.nowMs() : (run?.atMs ?? env.clock.nowMs());
  if (run !== undefined) {
    run.atMs = atMs;
    // Ending the generator runs its `finally` blocks at this moment: a waiting .sync task is stopped.
    if (status !== "SUCCEEDED" && status !== "FAILED") run.steps.return(undefined);
  }
  delete execution.run;
  execution.status = status;
  execution.stopMs = atMs;
  if (end.output !== undefined) execution.output = end.output;
  if (end.error !== undefined) execution.error = end.error;
  if (end.cause !== undefined) execution.cause = end.cause;
  const type = {
    SUCCEEDED: "ExecutionSucceeded",
    FAILED: "ExecutionFailed",
    TIMED_OUT: "ExecutionTimedOut",
    ABORTED: "ExecutionAborted",
  }[status];
  const details = status === "SUCCEEDED" ? { output: end.output } : { error: end.error, cause: end.cause };
  record(execution, atMs, type, { [`${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`]: details });
  publish(env, execution);
}

/** "Step Functions Execution Status Change", in the shape EventBridge delivers it; only STANDARD executions send it. */
function publish(env: SfnEnv, execution: Execution): void {
  if (execution.stateMachine.type === "EXPRESS") return;
  env.world.publishEvent?.({
    source: "aws.states",
    detailType: "Step Functions Execution Status Change",
    region: execution.region,
    account: execution.accountId,
    resources: [execution.arn],
    detail: {
      executionArn: execution.arn,
      stateMachineArn: execution.stateMachine.arn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startMs,
      stopDate: execution.stopMs ?? null,
      input: execution.input,
      output: execution.output ?? null,
      inputDetails: { included: true },
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  });
}
