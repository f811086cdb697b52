import type { FakeClock } from "../../core/clock.js";
import type { ServiceDefinition, SfnInternals, World } from "../../core/types.js";
import { settle } from "./executions.js";
import { sfnHandlers, startExecutionCall } from "./handlers.js";
import { emptySfnState, type SfnEnv } from "./state.js";

/**
 * Step Functions (STANDARD and EXPRESS workflows) over awsJson1_0. Executions run the ASL interpreter on the
 * fake clock; `settle` (run before every call) catches them up with it.
 */
export function createSfnService(
  world: World,
  options: { clock: FakeClock },
): { service: ServiceDefinition; internals: SfnInternals } {
  const env: SfnEnv = { state: emptySfnState(), world, clock: options.clock };
  const service: ServiceDefinition = {
    signingName: "states",
    protocol: "awsJson1_0",
    targetPrefix: "AWSStepFunctions",
    handlers: sfnHandlers(env),
    mutating: new Set([
      "CreateStateMachine",
      "UpdateStateMachine",
      "DeleteStateMachine",
      "TagResource",
      "UntagResource",
      "StartExecution",
      "StopExecution",
    ]),
    snapshot: () => ({
      stateMachines: [...env.state.machines.values()].map((m) => ({
        arn: m.arn,
        name: m.name,
        roleArn: m.roleArn,
        definition: m.definition,
        tags: m.tags,
      })),
      executions: [...env.state.executions.values()].map((e) => ({
        arn: e.arn,
        status: e.status,
        input: e.input,
        output: e.output,
        error: e.error,
        cause: e.cause,
      })),
    }),
    reset: () => {
      env.state = emptySfnState();
    },
    settle: () => settle(env),
  };
  return {
    service,
    internals: {
      startExecution(request, context) {
        // Scheduler calls in from a control, not through the server, which settles before each call.
        settle(env);
        return startExecutionCall(env, request, context);
      },
    },
  };
}
