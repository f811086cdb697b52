import type { FakeClock } from "../../core/clock.js";
import { AwsError, type CallContext, type World } from "../../core/types.js";

/**
 * Step Functions' state: state machines (STANDARD and EXPRESS) and their executions, plain data, and
 * the lookups every operation shares, throwing the AwsError Step Functions answers with. An
 * execution's progress is driven by executions.ts on the fake clock.
 */

export interface StateMachine {
  arn: string;
  name: string;
  region: string;
  definition: string;
  roleArn: string;
  /** Set at creation; UpdateStateMachine cannot change it. */
  type: "STANDARD" | "EXPRESS";
  creationDate: Date;
  tags: { key: string; value: string }[];
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: Date;
  /** The event's details member, e.g. `{ executionSucceededEventDetails: { output } }`. */
  details: Record<string, unknown>;
}

/** What the interpreter waits for: a moment on the fake clock, re-read because StopTask can move it. */
export interface Wait {
  untilMs(): number;
}

export interface Execution {
  arn: string;
  name: string;
  stateMachine: StateMachine;
  /** The definition and role as they were at StartExecution (an update affects later executions). */
  definition: Record<string, unknown>;
  roleArn: string;
  region: string;
  accountId: string;
  input: string;
  status: ExecutionStatus;
  startMs: number;
  stopMs?: number;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** The interpreter while RUNNING: where it waits, and the moment it has reached. */
  run?: {
    steps: Generator<Wait, unknown, void>;
    wait: Wait;
    atMs: number;
    deadlineMs: number;
  };
}

export interface SfnState {
  machines: Map<string, StateMachine>;
  executions: Map<string, Execution>;
}

export interface SfnEnv {
  state: SfnState;
  world: World;
  clock: FakeClock;
}

export const emptySfnState = (): SfnState => ({ machines: new Map(), executions: new Map() });

/** Step Functions' names: 1–80 characters, none of whitespace, brackets, wildcards or the specials AWS lists. */
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

export function checkName(name: string): void {
  const control = [...name].some((c) => {
    const code = c.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
  if (name.length < 1 || name.length > 80 || FORBIDDEN.test(name) || control) {
    throw new AwsError("InvalidName", `Invalid Name: '${name}'`);
  }
}

export function machineArn(context: CallContext, name: string): string {
  return `arn:aws:states:${context.region}:${context.accountId}:stateMachine:${name}`;
}

/** An EXPRESS execution's ARN has its own resource type and a unique suffix, as its names need not be unique. */
export function executionArn(machine: StateMachine, accountId: string, name: string): string {
  const prefix = `arn:aws:states:${machine.region}:${accountId}`;
  return machine.type === "EXPRESS"
    ? `${prefix}:express:${machine.name}:${name}:${crypto.randomUUID()}`
    : `${prefix}:execution:${machine.name}:${name}`;
}

const MACHINE_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

export function requireMachine(state: SfnState, context: CallContext, arn: string): StateMachine {
  const match = MACHINE_ARN.exec(arn);
  if (!match)
    throw new AwsError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  const machine = match[1] === context.region ? state.machines.get(arn) : undefined;
  if (!machine) throw new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
  return machine;
}

/**
 * A STANDARD execution: EXPRESS ones are not kept for DescribeExecution, GetExecutionHistory or
 * StopExecution, which refuse their ARN's resource type.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 */
export function requireExecution(state: SfnState, context: CallContext, arn: string): Execution {
  if (/^arn:aws:states:[a-z0-9-]+:\d{12}:express:/.test(arn)) {
    throw new AwsError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: express'`);
  }
  const match = EXECUTION_ARN.exec(arn);
  if (!match)
    throw new AwsError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
  const execution = match[1] === context.region ? state.executions.get(arn) : undefined;
  if (!execution) throw new AwsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
  return execution;
}

/** Appends a history event; AWS fails an execution past 25,000 events, which ends a runaway loop here too. */
export function record(
  execution: Execution,
  atMs: number,
  type: string,
  details: Record<string, unknown> = {},
): void {
  const id = execution.history.length + 1;
  execution.history.push({ id, previousEventId: id - 1, type, timestamp: new Date(atMs), details });
}

export const HISTORY_LIMIT = 25_000;
