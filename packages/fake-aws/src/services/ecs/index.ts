import type { FakeClock } from "../../core/clock.js";
import { createRandom, deriveSeed } from "../../core/random.js";
import type { EcsInternals, ServiceDefinition, World } from "../../core/types.js";
import { queueBehaviours } from "./behaviours.js";
import { clusterHandlers } from "./clusters.js";
import { requestStop, timelineOf } from "./lifecycle.js";
import {
  DEFAULT_PHASES,
  type EcsControlState,
  type EcsEnv,
  type EcsPhases,
  emptyEcsState,
  findCluster,
  findTaskDefinition,
} from "./state.js";
import { publishStopEvents } from "./stop-events.js";
import { tagHandlers } from "./tags.js";
import { describeTaskDefinition, taskDefinitionHandlers } from "./task-definitions.js";
import { describeTask, describeTasks, taskHandlers } from "./tasks.js";

export type { EcsPhases } from "./state.js";

/** Test controls for ECS task life cycles, on the in-process handle as `aws.ecs`. */
export interface EcsControls {
  /**
   * The exit code of the essential container when a task's run ends: for a family (all its
   * tasks), or one task by ARN or id. Unset: 0. Read when the task is first seen stopped.
   */
  setExitCode(familyOrTask: string, exitCode: number): void;
  /** How long each phase lasts for new tasks (of one family, or all when `family` is omitted). */
  setPhases(phases: Partial<EcsPhases>, family?: string): void;
  /**
   * Make new tasks of a family fail to start (stopCode `TaskFailedToStart`) with this reason,
   * e.g. `CannotPullContainerError: …`; `undefined` clears it. (Tasks also fail to start on
   * their own when their ECR repository or awslogs log group does not exist.)
   */
  setStartFailure(family: string, reason: string | undefined): void;
  /** The family's next task runs until something stops it (StopTask, a timeout). */
  hangNext(family: string): void;
  /**
   * Fargate Spot reclaims the family's next task `afterMs` after its containers start (default
   * 30 s): stopCode `SpotInterruption`, its container exits 143 (SIGTERM).
   */
  interruptNext(family: string, afterMs?: number): void;
  /** The family's next tasks exit with these codes, one per task in order (e.g. `[1, 0]`). */
  setExitCodes(family: string, exitCodes: number[]): void;
  /** A person stops the task (by ARN or id) now, as StopTask from the console: stopCode `UserInitiated`. */
  stopTask(task: string, reason?: string): void;
}

export function createEcsService(
  world: World,
  options: { clock: FakeClock; seed: number },
): { service: ServiceDefinition; controls: EcsControls; internals: EcsInternals } {
  const controls: EcsControlState = {
    defaultPhases: { ...DEFAULT_PHASES },
    phasesByFamily: new Map(),
    exitCodes: new Map(),
    startFailures: new Map(),
    nextBehaviours: new Map(),
  };
  const env: EcsEnv = {
    state: emptyEcsState(),
    controls,
    world,
    clock: options.clock,
    random: createRandom(deriveSeed(options.seed, "ecs")),
  };

  const service: ServiceDefinition = {
    signingName: "ecs",
    protocol: "awsJson1_1",
    targetPrefix: "AmazonEC2ContainerServiceV20141113",
    handlers: {
      ...clusterHandlers(env),
      ...taskDefinitionHandlers(env),
      ...taskHandlers(env),
      ...tagHandlers(env),
    },
    mutating: new Set([
      "CreateCluster",
      "DeleteCluster",
      "UpdateClusterSettings",
      "RegisterTaskDefinition",
      "DeregisterTaskDefinition",
      "RunTask",
      "StopTask",
      "TagResource",
      "UntagResource",
    ]),
    owns: {
      "ecs-cluster": (ref, region) => findCluster(env.state, region, accountOf(ref), ref) !== undefined,
      "ecs-task-definition": (ref, region) => {
        const td = findTaskDefinition(env.state, region, ref);
        return td !== undefined && td.status === "ACTIVE";
      },
    },
    snapshot: () => {
      return {
        clusters: [...env.state.clusters.values()].map((c) => ({ arn: c.arn, name: c.name, tags: c.tags })),
        taskDefinitions: [...env.state.taskDefinitions.values()].map((td) => ({
          ...describeTaskDefinition(td),
          tags: td.tags,
        })),
        tasks: describeTasks(env, [...env.state.tasks.keys()], ["TAGS"]),
      };
    },
    settle: () => publishStopEvents(env, (task, atMs) => describeTask(env, task, atMs, [])),
    reset: () => {
      env.state = emptyEcsState();
      env.random = createRandom(deriveSeed(options.seed, "ecs"));
      controls.defaultPhases = { ...DEFAULT_PHASES };
      controls.phasesByFamily.clear();
      controls.exitCodes.clear();
      controls.startFailures.clear();
      controls.nextBehaviours.clear();
    },
  };

  return {
    service,
    internals: ecsInternals(env),
    controls: {
      setExitCode(target, exitCode) {
        checkExitCode(exitCode);
        controls.exitCodes.set(target, exitCode);
      },
      setPhases(phases, family) {
        for (const value of Object.values(phases)) {
          if (!(value >= 0)) throw new RangeError("phase durations must be >= 0 ms");
        }
        if (family === undefined) controls.defaultPhases = { ...controls.defaultPhases, ...phases };
        else
          controls.phasesByFamily.set(family, {
            ...(controls.phasesByFamily.get(family) ?? controls.defaultPhases),
            ...phases,
          });
      },
      setStartFailure(family, reason) {
        if (reason === undefined) controls.startFailures.delete(family);
        else controls.startFailures.set(family, reason);
      },
      hangNext: (family) => queueBehaviours(controls, family, [{ kind: "hang" }]),
      interruptNext: (family, afterMs = 30_000) =>
        queueBehaviours(controls, family, [{ kind: "spot-interruption", afterMs }]),
      setExitCodes(family, exitCodes) {
        for (const exitCode of exitCodes) checkExitCode(exitCode);
        queueBehaviours(
          controls,
          family,
          exitCodes.map((exitCode) => ({ kind: "exit", exitCode })),
        );
      },
      stopTask(ref, reason = "Task stopped by user") {
        const task = [...env.state.tasks.values()].find((t) => t.arn === ref || t.id === ref);
        if (task === undefined) throw new RangeError(`no task ${ref}`);
        requestStop(task, options.clock.nowMs(), reason);
      },
    },
  };
}

function checkExitCode(exitCode: number): void {
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) {
    throw new RangeError("exit code must be an integer 0–255");
  }
}

/** The API's task handlers, for Step Functions to call at an execution's moment. */
function ecsInternals(env: EcsEnv): EcsInternals {
  const handlers = taskHandlers(env);
  return {
    runTask: (input, context) => handlers.RunTask(input, context) as Record<string, unknown>,
    stopTask: (input, context) => handlers.StopTask(input, context) as Record<string, unknown>,
    listTasks: (input, context) => handlers.ListTasks(input, context) as Record<string, unknown>,
    describeTask: (taskArn, atMs) => describeTasks(env, [taskArn], ["TAGS"], atMs)[0],
    stoppedAtMs: (taskArn) => {
      const task = env.state.tasks.get(taskArn);
      return task === undefined ? undefined : timelineOf(task).stoppedAtMs;
    },
  };
}

/** The account in an ARN, or the fake account for a bare name. */
function accountOf(ref: string): string {
  return ref.startsWith("arn:") ? (ref.split(":")[4] ?? "") : "123456789012";
}
