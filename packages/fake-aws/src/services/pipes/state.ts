import { AwsError, type World } from "../../core/types.js";

/**
 * EventBridge Pipes' state: pipes (source, target, their parameters, role, desired and current
 * state, tags) and the deliveries that failed. A pipe's transitions (CREATING, STARTING, …)
 * finish at once: the answer to the call shows the transitional state, the next read the
 * settled one.
 */

export type DesiredState = "RUNNING" | "STOPPED";

export interface Pipe {
  region: string;
  name: string;
  arn: string;
  description?: string;
  desiredState: DesiredState;
  /** Settled: RUNNING or STOPPED, as DesiredState asks. */
  currentState: DesiredState;
  /** Why the latest delivery failed, while it keeps failing. */
  stateReason?: string;
  source: string;
  /** As DescribePipe shows them, defaults filled in. */
  sourceParameters: Record<string, unknown>;
  target: string;
  targetParameters?: Record<string, unknown>;
  roleArn: string;
  logConfiguration?: Record<string, unknown>;
  kmsKeyIdentifier?: string;
  tags: Map<string, string>;
  creationTime: Date;
  lastModifiedTime: Date;
}

/** A delivery that did not happen; the message stays in its queue. */
export interface PipeFailure {
  pipe: string;
  /** The SQS message, when the pipe had received one. */
  messageId?: string;
  reason: string;
  at: string;
}

export interface PipesState {
  /** By `region/name`. */
  pipes: Map<string, Pipe>;
  failures: PipeFailure[];
}

export interface PipesEnv {
  state: PipesState;
  world: World;
  accountId: string;
  /** Pipes delivering now (by ARN), so an event that refills a pipe's own queue starts no nested pass. */
  draining: Set<string>;
}

export const emptyPipesState = (): PipesState => ({ pipes: new Map(), failures: [] });

export const validation = (message: string) => new AwsError("ValidationException", message);
export const notFound = (name: string) =>
  new AwsError("NotFoundException", `Pipe ${name} does not exist.`, 404);
export const conflict = (name: string) =>
  new AwsError("ConflictException", `Pipe ${name} already exists.`, 409);

export const pipeKey = (region: string, name: string) => `${region}/${name}`;

export function requirePipe(state: PipesState, region: string, name: string): Pipe {
  const pipe = state.pipes.get(pipeKey(region, name));
  if (!pipe) throw notFound(name);
  return pipe;
}

export function findPipeByArn(state: PipesState, arn: string): Pipe | undefined {
  return [...state.pipes.values()].find((p) => p.arn === arn);
}

/** The members every mutating answer has, with the state the call moved the pipe into. */
export function pipeSummary(pipe: Pipe, currentState: string) {
  return {
    Arn: pipe.arn,
    Name: pipe.name,
    DesiredState: pipe.desiredState,
    CurrentState: currentState,
    CreationTime: pipe.creationTime,
    LastModifiedTime: pipe.lastModifiedTime,
  };
}

export function describePipe(pipe: Pipe) {
  return {
    ...pipeSummary(pipe, pipe.currentState),
    Description: pipe.description,
    StateReason: pipe.stateReason,
    Source: pipe.source,
    SourceParameters: structuredClone(pipe.sourceParameters),
    Target: pipe.target,
    TargetParameters: pipe.targetParameters && structuredClone(pipe.targetParameters),
    RoleArn: pipe.roleArn,
    Tags: Object.fromEntries(pipe.tags),
    LogConfiguration: pipe.logConfiguration && structuredClone(pipe.logConfiguration),
    KmsKeyIdentifier: pipe.kmsKeyIdentifier,
  };
}

/** A failed delivery, kept once per pipe, message and reason however often it is retried. */
export function recordFailure(state: PipesState, pipe: Pipe, failure: Omit<PipeFailure, "pipe">): void {
  pipe.stateReason = failure.reason;
  const seen = state.failures.some(
    (f) => f.pipe === pipe.name && f.messageId === failure.messageId && f.reason === failure.reason,
  );
  if (!seen) state.failures.push({ pipe: pipe.name, ...failure });
}
