import { planCluster } from "../aws/cluster.js";
import { planLogGroup } from "../aws/log-group.js";
import { planNamespace } from "../aws/namespace.js";
import { planRole } from "../aws/role.js";
import { planSchedule, planScheduleDelete } from "../aws/schedule.js";
import { planScheduleGroup } from "../aws/schedule-group.js";
import { planTaskDefinition, type TaskDefinitionLive } from "../aws/task-definition.js";
import { FlexjobError } from "../errors.js";
import { jobOfSchedule, TAG_APP } from "../naming.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { LiveState } from "./observe.js";
import type { DesiredState } from "./render.js";

export interface PlanOptions {
  /** Remove the schedules and task definitions of jobs that are no longer in the config. */
  prune?: boolean;
  /** Only these jobs (default: all). App-wide resources are always planned. */
  jobs?: readonly string[];
  /** The current time: a schedule's start date that has passed is left out (see startedAt). */
  now?: Date;
}

/**
 * Pure: the ordered steps from `live` to `desired`. App-wide resources first (roles, cluster,
 * group), then each job's log group and task definition, then schedules that point at them, and
 * deletes last, so a failure midway never leaves a schedule pointing at something removed.
 */
export function planDeploy(desired: DesiredState, live: LiveState, options: PlanOptions = {}): Plan {
  const selected = new Set(options.jobs ?? desired.jobs.map((job) => job.name));
  const jobs = desired.jobs.filter((job) => selected.has(job.name));
  const notes: string[] = [];
  const steps: PlanStep[] = [
    planRole(desired.executionRole, live.executionRole),
    planRole(desired.schedulerRole, live.schedulerRole),
    planCluster(desired.cluster, live.cluster),
    planScheduleGroup(desired.scheduleGroup, live.scheduleGroup),
  ];
  if (desired.namespace) steps.push(planNamespace(desired.namespace, live.namespace) as PlanStep);
  if (desired.taskRole) steps.push(planRole(desired.taskRole, live.taskRole));
  if (desired.namespace && desired.taskRole) {
    const flexjobTaskRole = `arn:aws:iam::${desired.accountId}:role/${desired.taskRole.name}`;
    for (const job of jobs.filter((candidate) => candidate.taskDefinition.taskRoleArn !== flexjobTaskRole)) {
      notes.push(
        `job ${job.name} runs as its own task role ${job.taskDefinition.taskRoleArn}: give it servicediscovery:DiscoverInstances on ${desired.namespace.name} to use service discovery`,
      );
    }
  }
  const clusterStep = steps[2];
  if (clusterStep?.reason !== undefined) notes.push(`cluster ${desired.cluster.name}: ${clusterStep.reason}`);
  if (
    live.cluster !== undefined &&
    !live.cluster.capacityProviders.includes("FARGATE_SPOT") &&
    clusterStep?.action === "noop" &&
    jobs.some((job) => job.schedules.some((schedule) => schedule.target.capacityProvider === "FARGATE_SPOT"))
  ) {
    notes.push(
      `cluster ${desired.cluster.name} has no FARGATE_SPOT capacity provider, so spot jobs will fail to start; add it to the cluster`,
    );
  }

  // Own keys only: a job named `constructor` is not in every object.
  const liveJobOf = (name: string) => (Object.hasOwn(live.jobs, name) ? live.jobs[name] : undefined);
  for (const job of jobs) assertOwnFamily(desired.app, job.name, liveJobOf(job.name)?.taskDefinition);
  const taskDefinitionSteps = jobs.map((job) =>
    planTaskDefinition(job.taskDefinition, liveJobOf(job.name)?.taskDefinition, job.name),
  );
  for (const job of jobs) steps.push(planLogGroup(job.logGroup, liveJobOf(job.name)?.logGroup, job.name));
  steps.push(...taskDefinitionSteps);

  for (const [index, job] of jobs.entries()) {
    const taskDefinitionStep = taskDefinitionSteps[index];
    // A schedule can name the revision only when it is not about to be replaced.
    const knownArn = taskDefinitionStep?.action === "noop" ? taskDefinitionStep.live?.arn : undefined;
    const liveJob = liveJobOf(job.name);
    const started = startedAt(options.now);
    const ended = job.schedules.some(
      (schedule) =>
        schedule.endDate !== undefined &&
        options.now !== undefined &&
        Date.parse(schedule.endDate) <= options.now.getTime(),
    );
    if (ended) {
      // Scheduler refuses an EndDate in the past, and such a schedule would never run again anyway.
      notes.push(
        `job ${job.name}'s endDate has passed: its schedules are left as they are; remove the job (with prune) or move endDate`,
      );
      continue;
    }
    if (job.schedules.some((schedule) => schedule.startDate !== started(schedule.startDate))) {
      notes.push(
        `job ${job.name}'s startDate has passed: its schedules run from now, and the date is not sent again`,
      );
    }
    for (const desiredSchedule of job.schedules) {
      const schedule = { ...desiredSchedule, startDate: started(desiredSchedule.startDate) };
      const found = liveJob?.schedules[schedule.name];
      const liveSchedule = found && {
        ...found,
        spec: { ...found.spec, startDate: started(found.spec.startDate) },
      };
      const pointsAt = liveSchedule?.spec.target.taskDefinitionArn;
      // A schedule on an identical older revision (see equivalentArns) needs no update.
      const arn =
        knownArn !== undefined && pointsAt !== undefined && liveJob?.equivalentArns.includes(pointsAt)
          ? pointsAt
          : knownArn;
      steps.push(planSchedule(schedule, liveSchedule, arn, job.name));
    }
  }

  const wanted = new Set(desired.jobs.flatMap((job) => job.schedules.map((schedule) => schedule.name)));
  const configured = new Set(desired.jobs.map((job) => job.name));
  const unprunedJobs = new Set<string>();
  for (const name of live.scheduleNames.filter((scheduleName) => !wanted.has(scheduleName))) {
    const job = jobOfSchedule(desired.app, name);
    if (job !== undefined && configured.has(job)) {
      if (selected.has(job)) {
        steps.push(
          planScheduleDelete(
            name,
            desired.scheduleGroup.name,
            job,
            "shard no longer needed: tasks was lowered",
          ),
        );
      }
    } else if (options.prune) {
      steps.push(
        planScheduleDelete(name, desired.scheduleGroup.name, job, "job is no longer in the config (prune)"),
      );
    } else {
      unprunedJobs.add(job ?? name);
    }
  }
  if (options.prune && live.families !== undefined) {
    const desiredFamilies = new Set(desired.jobs.map((job) => job.taskDefinition.family));
    for (const family of live.families.filter((candidate) => !desiredFamilies.has(candidate))) {
      steps.push({
        kind: "task-definition",
        id: family,
        job: family.slice(desired.app.length + 1),
        action: "delete",
        changes: [],
        reason: "job is no longer in the config (prune)",
      });
    }
  }
  for (const job of [...unprunedJobs].sort()) {
    notes.push(
      `job ${job} is no longer in the config but its schedules remain; deploy with prune to remove them`,
    );
  }
  return { app: desired.app, region: desired.region, accountId: desired.accountId, steps, notes };
}

/**
 * Scheduler refuses a StartDate more than a few minutes in the past on every create and update,
 * and a start that has passed means the same as none: both sides drop it, so a passed date is
 * neither sent nor seen as a change.
 */
function startedAt(now: Date | undefined): (date: string | undefined) => string | undefined {
  return (date) =>
    date !== undefined && now !== undefined && Date.parse(date) <= now.getTime() ? undefined : date;
}

/** Jobs that still have schedules in the app's group but are no longer in the config. */
export function strayJobs(desired: DesiredState, live: LiveState): string[] {
  const configured = new Set(desired.jobs.map((job) => job.name));
  const strays = live.scheduleNames.flatMap((name) => {
    const job = jobOfSchedule(desired.app, name);
    return job === undefined || configured.has(job) ? [] : [job];
  });
  return [...new Set(strays)].sort();
}

/**
 * A task definition family is `<app>-<job>`, so app `billing` with job `eu-report` and app
 * `billing-eu` with job `report` name the same family. Whichever deploys second would overwrite
 * the other's job: refuse, naming the app that owns it (by its `flexjob:app` tag, never by name).
 */
function assertOwnFamily(app: string, job: string, live: TaskDefinitionLive | undefined): void {
  if (live === undefined || live.spec.tags[TAG_APP] === app) return;
  const owner = live.spec.tags[TAG_APP];
  const family = live.spec.family;
  throw new FlexjobError(
    owner === undefined
      ? `job ${job}: task definition family ${family} already exists and was not created by flexjob`
      : `job ${job}: task definition family ${family} belongs to flexjob app ${owner}, not ${app}`,
    {
      code: "CONFIG_INVALID",
      fault: "user",
      remedy: `rename job ${job} (or the app), so that "${app}-${job}" names no other app's or your own task definitions`,
      issues: [
        {
          path: `jobs.${job}`,
          message: `its task definition family ${family} is ${owner === undefined ? "not flexjob's" : `app ${owner}'s`}`,
          remedy: `rename the job, e.g. ${job}-2, or the app`,
        },
      ],
    },
  );
}
