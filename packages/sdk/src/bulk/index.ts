/** Many schedules of one job, synced from a list under EventBridge Scheduler's API quotas. */
export { BULK_KEY_MAX, type BulkSchedule, type CheckedBulkSchedule, checkBulkSchedules } from "./entries.js";
export { loadBulkScheduleFile } from "./load.js";
export { bulkGroupName, decodeKey, encodeKey, KEY_PART_MAX } from "./names.js";
export { type BulkOperation, type BulkPlan, planBulkSchedules } from "./plan.js";
export { defaultSchedulerWriteRate, SCHEDULER_PRIMARY_REGIONS } from "./rate.js";
// sync.js is the public face of bulk sync: the root index.ts lists its names, this barrel takes it whole.
export * from "./sync.js";
