import type { FargateCapacityProvider } from "../sizing/index.js";

/**
 * One EventBridge Scheduler schedule that starts a job's task (one per shard). Schedules cannot be
 * tagged and UpdateSchedule replaces the whole schedule, so this is always the complete state.
 */
export interface ScheduleSpec {
  name: string;
  groupName: string;
  expression: string;
  timezone: string;
  state: "ENABLED" | "DISABLED";
  /** undefined means the flexible time window is OFF. */
  flexibleWindowMinutes: number | undefined;
  /** ISO-8601 UTC. */
  startDate: string | undefined;
  endDate: string | undefined;
  description: string;
  target: {
    clusterArn: string;
    roleArn: string;
    /** The family; apply resolves the exact revision ARN, which may be registered in the same run. */
    taskDefinitionFamily: string;
    capacityProvider: FargateCapacityProvider;
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: boolean;
    retry: { attempts: number; maxAgeSeconds: number };
    /** RunTask overrides as the JSON text Scheduler passes on (with its context placeholders). */
    input: string;
    /** Tags each started task carries. */
    taskTags: Record<string, string>;
  };
}
