/** The ECS cluster the jobs run in. */
export interface ClusterSpec {
  name: string;
  /** FARGATE and FARGATE_SPOT, so a job can switch to Spot without touching the cluster. */
  capacityProviders: ("FARGATE" | "FARGATE_SPOT")[];
  /**
   * The `containerInsights` cluster setting (`insights:`); only ever written on flexjob's own
   * cluster, and undefined when the config leaves it to the account's default.
   */
  containerInsights: "enabled" | "disabled" | undefined;
  tags: Record<string, string>;
}

/** The app's schedule group: schedules cannot be tagged, so ownership is "lives in this group". */
export interface ScheduleGroupSpec {
  name: string;
  tags: Record<string, string>;
}
