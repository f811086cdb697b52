import type { AwsClients } from "../aws/clients.js";
import { type ClusterLive, observeCluster } from "../aws/cluster.js";
import { type LogGroupLive, observeLogGroup } from "../aws/log-group.js";
import { type NamespaceLive, observeNamespace } from "../aws/namespace.js";
import { observeRole, type RoleLive } from "../aws/role.js";
import { listScheduleNames, observeSchedule, type ScheduleLive } from "../aws/schedule.js";
import { observeScheduleGroup, type ScheduleGroupLive } from "../aws/schedule-group.js";
import {
  listFlexjobFamilies,
  observeTaskDefinition,
  type TaskDefinitionLive,
} from "../aws/task-definition.js";
import { mapLimit } from "../deps.js";
import type { DesiredState } from "./render.js";

export interface LiveJob {
  logGroup: LogGroupLive | undefined;
  taskDefinition: TaskDefinitionLive | undefined;
  /** Schedule name → what exists, for each schedule the desired state names. */
  schedules: Record<string, ScheduleLive | undefined>;
  /**
   * Older revisions the job's schedules point at whose content hash equals the latest revision's:
   * two deploys racing each register one, and a schedule on either is already right.
   */
  equivalentArns: string[];
}

/** What exists in the account of exactly the resources a desired state names, plus what prune needs. */
export interface LiveState {
  executionRole: RoleLive | undefined;
  schedulerRole: RoleLive | undefined;
  namespace: NamespaceLive | undefined;
  taskRole: RoleLive | undefined;
  cluster: ClusterLive | undefined;
  scheduleGroup: ScheduleGroupLive | undefined;
  jobs: Record<string, LiveJob>;
  /** Every schedule in the app's group (the group is flexjob's, so all of them are). */
  scheduleNames: string[];
  /** Task definition families flexjob created for this app (read only when pruning or destroying). */
  families: string[] | undefined;
}

/** Parallel reads per deploy: hides call latency while staying well under API rate limits. */
const READ_CONCURRENCY = 8;

/** Reads only. Every call here is a Describe/Get/List. */
export async function observe(
  clients: AwsClients,
  desired: DesiredState,
  options: {
    families?: boolean;
    /** Only these jobs' resources are read (a `--job` deploy plans no other). Default: all. */
    jobs?: readonly string[];
  } = {},
): Promise<LiveState> {
  const groupName = desired.scheduleGroup.name;
  const [executionRole, schedulerRole, namespace, taskRole, cluster, scheduleGroup, families] =
    await Promise.all([
      observeRole(clients, desired.executionRole.name),
      observeRole(clients, desired.schedulerRole.name),
      desired.namespace && observeNamespace(clients, desired.namespace.name, desired.namespace.vpcId),
      desired.taskRole && observeRole(clients, desired.taskRole.name),
      observeCluster(clients, desired.cluster.name),
      observeScheduleGroup(clients, groupName),
      options.families ? listFlexjobFamilies(clients, desired.app) : Promise.resolve(undefined),
    ]);
  const scheduleNames = scheduleGroup === undefined ? [] : await listScheduleNames(clients, groupName);
  const existing = new Set(scheduleNames);
  const selected =
    options.jobs === undefined
      ? desired.jobs
      : desired.jobs.filter((job) => options.jobs?.includes(job.name));
  const jobs = await mapLimit(selected, READ_CONCURRENCY, async (job): Promise<[string, LiveJob]> => {
    const [logGroup, taskDefinition] = await Promise.all([
      observeLogGroup(clients, job.logGroup.name),
      observeTaskDefinition(clients, job.taskDefinition.family),
    ]);
    // Only schedules the listing showed are fetched: a first deploy reads no schedule at all.
    const schedules = await mapLimit(job.schedules, READ_CONCURRENCY, async (schedule) => {
      const live = existing.has(schedule.name)
        ? await observeSchedule(clients, groupName, schedule.name)
        : undefined;
      return [schedule.name, live] as const;
    });
    const latest = taskDefinition?.arn;
    const others = [
      ...new Set(
        schedules.flatMap(([, live]) => {
          const arn = live?.spec.target.taskDefinitionArn;
          return arn === undefined || arn === latest ? [] : [arn];
        }),
      ),
    ];
    // Rare (a lost race or a hand edit), so the extra reads cost nothing on an ordinary deploy.
    const equivalentArns = (
      await Promise.all(others.map((arn) => observeTaskDefinition(clients, arn)))
    ).flatMap((revision) =>
      // A deregistered twin is not equivalent: ECS starts no task from it, so its schedules move.
      revision?.active && revision.hash !== undefined && revision.hash === taskDefinition?.hash
        ? [revision.arn]
        : [],
    );
    return [job.name, { logGroup, taskDefinition, schedules: Object.fromEntries(schedules), equivalentArns }];
  });
  return {
    executionRole,
    schedulerRole,
    namespace,
    taskRole,
    cluster,
    scheduleGroup,
    jobs: Object.fromEntries(jobs),
    scheduleNames,
    families,
  };
}
