import type { FakeClock } from "../../core/clock.js";
import type { Handler, ServiceDefinition, World } from "../../core/types.js";
import { drain } from "./deliver.js";
import { pipesHandlers, ROUTES } from "./handlers.js";
import { describePipe, emptyPipesState, type PipeFailure, type PipesEnv } from "./state.js";

export type { PipeFailure } from "./state.js";

/**
 * EventBridge Pipes over restJson1: pipes from an SQS queue to the default event bus. A RUNNING
 * pipe drains its queue when a message is queued in it (SQS tells it through `World.sqs`), when
 * it starts or changes, and before every call (messages whose delay or visibility timeout ran
 * out on the fake clock); there is no polling timer.
 */

/** Test controls, on the in-process handle as `aws.pipes`. */
export interface PipesControls {
  /** Deliveries that did not happen (a refused role, a missing queue, a bad template), oldest first. */
  failures(): PipeFailure[];
  /** Delivers what every RUNNING pipe's queue holds now. */
  drain(): void;
}

const MUTATING = [
  "CreatePipe",
  "UpdatePipe",
  "DeletePipe",
  "StartPipe",
  "StopPipe",
  "TagResource",
  "UntagResource",
];
/** Calls after which a pipe may have become RUNNING with messages already waiting. */
const STARTS = ["CreatePipe", "UpdatePipe", "StartPipe"];

export function createPipesService(
  world: World,
  options: { clock: FakeClock; accountId: string },
): { service: ServiceDefinition; controls: PipesControls } {
  const env: PipesEnv = {
    state: emptyPipesState(),
    world,
    accountId: options.accountId,
    draining: new Set(),
  };
  const drainNow = (queueArn?: string) => drain(env, options.clock.now(), queueArn);
  world.sqs?.onQueued((queueArn) => drainNow(queueArn));
  const handlers: Record<string, Handler> = pipesHandlers(env);
  for (const operation of STARTS) {
    const handler = handlers[operation] as Handler;
    handlers[operation] = (input, context) => {
      const output = handler(input, context);
      drainNow();
      return output;
    };
  }
  const service: ServiceDefinition = {
    signingName: "pipes",
    protocol: "restJson1",
    routes: ROUTES,
    handlers,
    mutating: new Set(MUTATING),
    snapshot: () => ({ pipes: [...env.state.pipes.values()].map(describePipe) }),
    reset: () => {
      env.state = emptyPipesState();
    },
    settle: () => drainNow(),
  };
  return {
    service,
    controls: { failures: () => env.state.failures.map((f) => ({ ...f })), drain: () => drainNow() },
  };
}
