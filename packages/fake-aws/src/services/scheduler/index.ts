import type { ServiceDefinition, World } from "../../core/types.js";
import { describeGroup, ROUTES, schedulerHandlers } from "./handlers.js";
import { emptySchedulerState, type SchedulerEnv } from "./state.js";

/**
 * EventBridge Scheduler over restJson1. Every region starts with its `default` group; deleting
 * a group deletes its schedules; UpdateSchedule replaces the whole schedule; schedules cannot be
 * tagged, only groups.
 */
export function createSchedulerService(world: World): ServiceDefinition {
  const env: SchedulerEnv = { state: emptySchedulerState(), world };
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
    },
  };
}
