/**
 * @flexjob/sdk/schedule — schedule expressions without the deploy engine: parse, check, describe
 * and list next runs as EventBridge Scheduler would start them. Nothing here imports an AWS
 * client, so a command that only computes dates (`flexjob next`) starts as fast as Node does.
 *
 * ```ts
 * import { describeSchedule, nextRuns } from "@flexjob/sdk/schedule";
 * nextRuns("every weekday at 9:00", { timezone: "Europe/Berlin", count: 2 });
 * ```
 */

export { type JobRunsOptions, jobNextRuns, type ScheduleTiming } from "./deploy/job-runs.js";
export * from "./public-errors.js";
export {
  assertTimezone,
  describeSchedule,
  isoSeconds,
  type NextRunsOptions,
  nextRuns,
  parseSchedule,
  type Schedule,
  type ScheduleKind,
} from "./schedule/index.js";
