import type { FakeClock } from "../../core/clock.js";
import type { ServiceDefinition, World } from "../../core/types.js";
import { type FireLog, type FireRequest, fire, type Invocation } from "./fire.js";
import { describeGroup, ROUTES, schedulerHandlers } from "./handlers.js";
import { emptySchedulerState, type SchedulerEnv } from "./state.js";

export type { FireRequest, Invocation } from "./fire.js";

/** Test controls, on the in-process handle as `aws.scheduler`. */
export interface SchedulerControls {
  /**
   * Invokes the schedule's target now, as Scheduler does when its time comes (`at`: the
   * scheduled time it is for). A failed start is returned with `error` and kept in `failures()`.
   */
  fire(request: FireRequest): Invocation;
  /** The invocations that could not start their target (what the dead-letter queue receives), oldest first. */
  failures(): Invocation[];
}

/**
 * EventBridge Scheduler over restJson1. Every region starts with its `default` group; deleting
 * a group deletes its schedules; UpdateSchedule replaces the whole schedule; schedules cannot be
 * tagged, only groups.
 * `controls.fire` invokes a schedule's target as Scheduler would when its time comes.
 */
export function createSchedulerService(
  world: World,
  options: { clock: FakeClock; region: string; accountId: string },
): { service: ServiceDefinition; controls: SchedulerControls } {
  const env: SchedulerEnv = { state: emptySchedulerState(), world };
  const log: FireLog = { delivered: new Map(), failures: [] };
  const controls: SchedulerControls = {
    fire: (request) =>
      fire(env, log, request, {
        region: request.region ?? options.region,
        accountId: options.accountId,
        now: options.clock.now,
      }),
    failures: () => structuredClone(log.failures),
  };
  return { service: schedulerService(env, log), controls };
}

function schedulerService(env: SchedulerEnv, log: FireLog): ServiceDefinition {
  return {
    signingName: "scheduler",
    protocol: "restJson1",
    routes: ROUTES,
    handlers: schedulerHandlers(env),
    mutating: new Set([
      "CreateSchedule",
      "UpdateSchedule",
      "DeleteSchedule",
      "CreateScheduleGroup",
      "DeleteScheduleGroup",
      "TagResource",
      "UntagResource",
    ]),
    snapshot: () => ({
      scheduleGroups: [...env.state.groups.values()].map((g) => ({ ...describeGroup(g), Tags: g.tags })),
      schedules: [...env.state.schedules.values()].map((s) => structuredClone(s.described)),
    }),
    reset: () => {
      env.state = emptySchedulerState();
      log.delivered.clear();
      log.failures.length = 0;
    },
  };
}
