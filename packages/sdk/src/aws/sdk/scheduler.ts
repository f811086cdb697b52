// What flexjob sends through @aws-sdk/client-scheduler; loaded by loadSdk (aws/clients.ts) on first use.
export {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  paginateListSchedules,
  SchedulerClient,
  TagResourceCommand,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
