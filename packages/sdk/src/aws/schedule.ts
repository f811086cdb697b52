import { createHash } from "node:crypto";
import type { CreateScheduleInput } from "@aws-sdk/client-scheduler";
import { FlexjobError, internal, REPORT_WITH_PLAN } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import { jobOfSchedule, names } from "../naming.js";
import { canonicalJson } from "../plan/canonical-json.js";
import { diffFields } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { usesStateMachine } from "./asl.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { type PacedOperation, paced } from "./pacing.js";
import {
  type Found,
  OBSERVE_CONCURRENCY,
  type ObserveContext,
  type PlanContext,
  planJobLeftover,
  type ResourceAdapter,
  runStep,
} from "./resource.js";
import { ROLE_PROPAGATION_SECONDS, withRolePropagation } from "./role-propagation.js";
import {
  comparable,
  readSchedule,
  renderSchedule,
  SCHEDULE_SETTINGS,
  type ScheduleLive,
  type ScheduleLiveSpec,
  type ScheduleSpec,
  scheduleCount,
  scheduleRequest,
} from "./schedule-fields.js";
import { observeScheduleGroup, scheduleGroups } from "./schedule-group.js";
import { observeTaskDefinition, type TaskDefinitionLive, taskDefinitions } from "./task-definition.js";

/**
 * `update` sends the complete desired schedule: UpdateSchedule replaces the whole schedule. The id
 * is the schedule's name (unique within the app's one group); `groupName` is carried alongside
 * because a delete step planned from a bare name has neither desired nor live state to find it in.
 */
export type ScheduleStep = PlanStep<"schedule", ScheduleSpec, ScheduleLive> & { groupName: string };

/** What apply needs besides the step. */
export interface ScheduleApplyContext {
  /** The revision ARN the family's tasks should run, possibly registered earlier in this apply. */
  taskDefinitionArnFor(family: string): string;
  sleep(ms: number): Promise<void>;
  /** The clock the account's Scheduler quotas are paced on (see pacing.ts). */
  now(): Date;
  /** Unique per apply; scopes CreateSchedule's ClientToken (see clientToken). */
  runId: string;
}

/** One Scheduler write, paced under its operation's quota in this account and Region. */
function pacedWrite<T>(
  clients: AwsClients,
  context: ScheduleApplyContext,
  operation: PacedOperation,
  send: () => Promise<T>,
): Promise<T> {
  return paced({ clients, now: context.now, sleep: context.sleep }, operation, send);
}

/** Shown as the target revision when the task definition gets a new revision in the same apply. */
export const PENDING_REVISION = "(new revision)";

/**
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_GetSchedule.html
 */
export async function observeSchedule(
  clients: AwsClients,
  groupName: string,
  name: string,
): Promise<ScheduleLive | undefined> {
  const { GetScheduleCommand } = await loadSdk(clients, "scheduler");
  try {
    const schedule = await clients.scheduler.send(
      new GetScheduleCommand({ GroupName: groupName, Name: name }),
    );
    return readSchedule(schedule, groupName, name);
  } catch (error) {
    if (isAwsError(error, "ResourceNotFoundException")) return undefined;
    throw wrapAwsError(error, `reading schedule ${name} in group ${groupName}`);
  }
}

/**
 * Every schedule name in the group, e.g. to find shards that are no longer configured. With
 * `ifGroupExists`, none when the group does not exist (ListSchedules may answer not-found).
 */
export async function listScheduleNames(
  clients: AwsClients,
  groupName: string,
  options: { ifGroupExists?: boolean } = {},
): Promise<string[]> {
  const { paginateListSchedules } = await loadSdk(clients, "scheduler");
  const names: string[] = [];
  try {
    for await (const page of paginateListSchedules({ client: clients.scheduler }, { GroupName: groupName })) {
      for (const schedule of page.Schedules ?? []) if (schedule.Name !== undefined) names.push(schedule.Name);
    }
  } catch (error) {
    if (options.ifGroupExists && isAwsError(error, "ResourceNotFoundException")) return [];
    throw wrapAwsError(error, `listing schedules of group ${groupName}`);
  }
  return names.sort();
}

/**
 * `taskDefinitionArn` is the revision the schedule should start when it is known now (the task
 * definition is unchanged), or undefined when this apply registers a new revision, which the
 * schedule must then be updated to.
 */
export function planSchedule(
  spec: ScheduleSpec,
  live: ScheduleLive | undefined,
  taskDefinitionArn: string | undefined,
  job: string,
): ScheduleStep {
  const base = { kind: "schedule", id: spec.name, groupName: spec.groupName, job, desired: spec } as const;
  const { taskDefinitionFamily: _family, ...target } = spec.target;
  const desired: ScheduleLiveSpec = {
    ...spec,
    target: { ...target, taskDefinitionArn: taskDefinitionArn ?? PENDING_REVISION },
  };
  if (live === undefined)
    return { ...base, action: "create", changes: diffFields(undefined, comparable(desired)) };
  const changes = diffFields(comparable(live.spec, live.settings), comparable(desired, SCHEDULE_SETTINGS));
  return { ...base, live, action: changes.length === 0 ? "noop" : "update", changes };
}

/** Removes a schedule: a shard no longer configured, or a job no longer in the config (prune). */
export function planScheduleDelete(
  schedule: ScheduleLive | string,
  groupName: string,
  job: string | undefined,
  reason: string,
): ScheduleStep {
  const name = typeof schedule === "string" ? schedule : schedule.spec.name;
  return {
    kind: "schedule",
    id: name,
    groupName,
    ...(job === undefined ? {} : { job }),
    action: "delete",
    changes: [],
    reason,
    ...(typeof schedule === "string" ? {} : { live: schedule }),
  };
}

/**
 * Creates, updates or deletes the schedule; returns its ARN ("" after a delete). Create and update
 * both send the complete desired schedule, so either converges on it whatever exists.
 */
export async function applySchedule(
  clients: AwsClients,
  step: ScheduleStep,
  context: ScheduleApplyContext,
): Promise<string> {
  const { groupName, id: name } = step;
  if (step.action === "noop") {
    if (step.live === undefined)
      throw internal(`no-op step for schedule ${step.id} has no live schedule`, REPORT_WITH_PLAN);
    return step.live.arn;
  }
  const { DeleteScheduleCommand } = await loadSdk(clients, "scheduler");
  const arn = await runStep(step, "schedule", {
    delete: () =>
      tolerating(
        pacedWrite(clients, context, "scheduler:DeleteSchedule", () =>
          clients.scheduler.send(new DeleteScheduleCommand({ GroupName: groupName, Name: name })),
        ),
        "ResourceNotFoundException",
      ),
    create: (spec) => writeSchedule(clients, step, spec, context),
    update: (spec) => writeSchedule(clients, step, spec, context),
  });
  return arn ?? "";
}

/** Sends the complete schedule; either call converges on it whatever exists by now. */
async function writeSchedule(
  clients: AwsClients,
  step: ScheduleStep,
  spec: ScheduleSpec,
  context: ScheduleApplyContext,
): Promise<string> {
  const { CreateScheduleCommand, UpdateScheduleCommand } = await loadSdk(clients, "scheduler");
  const taskDefinitionArn = context.taskDefinitionArnFor(spec.target.taskDefinitionFamily);
  const input = scheduleRequest({ ...spec, target: { ...spec.target, taskDefinitionArn } });
  const create = () =>
    withRolePropagation(
      () =>
        pacedWrite(clients, context, "scheduler:CreateSchedule", () =>
          clients.scheduler.send(
            new CreateScheduleCommand({ ...input, ClientToken: clientToken(input, context.runId) }),
          ),
        ),
      isRoleNotYetAssumable,
      context.sleep,
    );
  const update = () =>
    withRolePropagation(
      () =>
        pacedWrite(clients, context, "scheduler:UpdateSchedule", () =>
          clients.scheduler.send(new UpdateScheduleCommand(input)),
        ),
      isRoleNotYetAssumable,
      context.sleep,
    );
  const doing = `${step.action === "create" ? "creating" : "updating"} schedule ${step.id}`;
  let arn: string | undefined;
  try {
    // Another deploy created it between our read and now: overwrite with the complete desired state.
    if (step.action === "create")
      arn = (await create().catch(orOnError("ConflictException", update))).ScheduleArn;
    // Deleted since our read (by hand, or a concurrent destroy): make it again.
    else arn = (await update().catch(orOnError("ResourceNotFoundException", create))).ScheduleArn;
  } catch (error) {
    if (isRoleNotYetAssumable(error)) {
      throw new FlexjobError(
        `${doing}: EventBridge Scheduler still cannot assume role ${spec.target.roleArn} after ${ROLE_PROPAGATION_SECONDS} s`,
        {
          code: "AWS_ERROR",
          fault: "aws",
          cause: error,
          remedy:
            "IAM changes can take a minute to reach EventBridge Scheduler: rerun the deploy. If it keeps failing, the role's trust policy must allow scheduler.amazonaws.com to assume it",
        },
      );
    }
    throw wrapAwsError(error, doing);
  }
  if (arn === undefined)
    throw internal(`Scheduler wrote schedule ${step.id} but returned no ARN`, REPORT_WITH_PLAN);
  return arn;
}

function orOnError<T>(name: string, fallback: () => Promise<T>): (error: unknown) => Promise<T> {
  return (error) => {
    if (!isAwsError(error, name)) throw error;
    return fallback();
  };
}

/**
 * Scoped to one apply: the SDK's own retries of a lost response send the same token and are
 * recognised as the same request, while a later deploy (say, after a destroy) never collides with
 * a token Scheduler still remembers and silently gets the old schedule back. Two deploys racing
 * have different tokens; the loser gets ConflictException and updates instead. Hex of SHA-256:
 * 64 characters, Scheduler's maximum.
 */
function clientToken(input: Omit<CreateScheduleInput, "ClientToken">, runId: string): string {
  return createHash("sha256")
    .update(`${runId}\n${canonicalJson(input)}`)
    .digest("hex");
}

/** A Scheduler ValidationException that only means IAM has not yet propagated the role. */
function isRoleNotYetAssumable(error: unknown): boolean {
  return (
    isAwsError(error, "ValidationException") &&
    error instanceof Error &&
    /assume the role|role.*cannot be assumed|unable to assume/i.test(error.message)
  );
}

/**
 * Marks a schedule whose target is an older twin of the family's latest revision (see
 * ScheduleLive.targetIsTwin). Rare (a lost race or a hand edit), so the extra read costs nothing
 * on an ordinary deploy; `revisions` shares the reads between shards.
 */
async function markTwin(
  live: ScheduleLive,
  family: string,
  context: ObserveContext,
  revisions: Map<string, Promise<TaskDefinitionLive | undefined>>,
): Promise<ScheduleLive> {
  const latest = await context.live(taskDefinitions, family);
  const arn = live.spec.target.taskDefinitionArn;
  if (latest === undefined || arn === latest.arn || arn === "") return live;
  const read = revisions.get(arn) ?? observeTaskDefinition(context.clients, arn);
  revisions.set(arn, read);
  const revision = await read;
  // A deregistered twin is not equivalent: ECS starts no task from it, so its schedules move.
  const twin = revision?.active && revision.hash !== undefined && revision.hash === latest.hash;
  return twin ? { ...live, targetIsTwin: true } : live;
}

/**
 * Scheduler refuses a StartDate more than a few minutes in the past on every create and update,
 * and a start that has passed means the same as none: both sides drop it, so a passed date is
 * neither sent nor seen as a change.
 */
function started(date: string | undefined, now: Date | undefined): string | undefined {
  return date !== undefined && now !== undefined && Date.parse(date) <= now.getTime() ? undefined : date;
}

/** The schedule diff policy: passed end and start dates, and a target that is a twin of the latest revision. */
function planJobSchedule(
  desired: ScheduleSpec,
  live: ScheduleLive | undefined,
  job: string,
  context: PlanContext,
) {
  const { now } = context;
  if (desired.endDate !== undefined && now !== undefined && Date.parse(desired.endDate) <= now.getTime()) {
    // Scheduler refuses an EndDate in the past, and such a schedule would never run again anyway.
    context.note(
      `job ${job}'s endDate has passed: its schedules are left as they are; remove the job (with prune) or move endDate`,
    );
    return undefined;
  }
  const startDate = started(desired.startDate, now);
  if (startDate !== desired.startDate) {
    context.note(
      `job ${job}'s startDate has passed: its schedules run from now, and the date is not sent again`,
    );
  }
  const liveSpec = live && { ...live.spec, startDate: started(live.spec.startDate, now) };
  const revision = context.step(taskDefinitions, desired.target.taskDefinitionFamily);
  // A schedule can name the revision only when it is not about to be replaced.
  const known = revision?.action === "noop" ? revision.live?.arn : undefined;
  const arn = known !== undefined && live?.targetIsTwin ? live.spec.target.taskDefinitionArn : known;
  return planSchedule({ ...desired, startDate }, live && liveSpec && { ...live, spec: liveSpec }, arn, job);
}

/** A schedule's delete step: a delete needs its group, which a bare listed name does not carry. */
function removeSchedule(found: Found<ScheduleLive>, reason: string): ScheduleStep {
  return planScheduleDelete(
    found.live ?? found.id,
    found.parent ?? found.live?.spec.groupName ?? "",
    found.job,
    reason,
  );
}

/** Each job's schedules, one per shard, in the app's schedule group. */
export const schedules: ResourceAdapter<ScheduleStep> = {
  kind: "schedule",
  order: { write: 2, remove: 3 },
  render: (input) =>
    input.config.jobs.flatMap((job) =>
      Array.from({ length: scheduleCount(job) }, (_, shard) => {
        const spec = renderSchedule(job, shard, input);
        return { id: spec.name, job: job.name, spec };
      }),
    ),
  async observe(desired, context) {
    const { clients, app } = context;
    const groupName = names.scheduleGroup(app);
    const revisions = new Map<string, Promise<TaskDefinitionLive | undefined>>();
    // Listed and fetched while the group is read, not after it: a missing group lists nothing.
    const reading = listScheduleNames(clients, groupName, { ifGroupExists: true }).then(async (listed) => {
      // Only schedules the listing shows are fetched: a first deploy reads no schedule at all.
      const exists = new Set(listed);
      const found = await mapLimit(
        desired.filter(({ id, job }) => exists.has(id) && context.selected(job)),
        OBSERVE_CONCURRENCY,
        async ({ id, spec }) => {
          const live = await observeSchedule(clients, groupName, id);
          return [
            id,
            live && (await markTwin(live, spec.target.taskDefinitionFamily, context, revisions)),
          ] as const;
        },
      );
      return { listed, found };
    });
    const [group, read] = await Promise.all([context.live(scheduleGroups, groupName), reading]);
    // A group that is gone or being deleted holds nothing for planning, whatever was listed.
    const existing = group === undefined ? [] : read.listed;
    const found = group === undefined ? [] : read.found;
    const wanted = new Set(desired.map(({ id }) => id));
    return {
      live: new Map(found.flatMap(([id, live]) => (live === undefined ? [] : [[id, live] as const]))),
      unwanted: existing
        .filter((name) => !wanted.has(name))
        .map((name): Found<ScheduleLive> => ({ id: name, parent: groupName, ...jobOf(app, name) })),
    };
  },
  plan: (desired, live, context) => planJobSchedule(desired.spec, live, desired.job ?? "", context),
  planUnwanted: (found, context) =>
    planJobLeftover(found, context, {
      remove: removeSchedule,
      reason: (job) =>
        usesStateMachine(job)
          ? "shard schedule no longer needed: the job's state machine runs every shard"
          : "shard no longer needed: tasks was lowered",
      remains: "its schedules remain; deploy with prune to remove them",
    }),
  async owned({ clients, config, job }) {
    const groupName = names.scheduleGroup(config.app);
    if ((await observeScheduleGroup(clients, groupName)) === undefined) return [];
    return (await listScheduleNames(clients, groupName))
      .map((name) => ({ id: name, parent: groupName, ...jobOf(config.app, name) }))
      .filter((found) => job === undefined || found.job === job);
  },
  remove: removeSchedule,
  apply: async (step, context) => {
    const arn = await applySchedule(context.clients, step, {
      sleep: context.sleep,
      now: context.now,
      runId: context.runId,
      taskDefinitionArnFor: (family) => {
        const found = context.arnOf(taskDefinitions, family);
        if (found === undefined)
          throw internal(`no task definition revision for ${family} before its schedule`, REPORT_WITH_PLAN);
        return found;
      },
    });
    return arn || undefined;
  },
  permissions: (scope) => ({
    reads: ["scheduler:ListSchedules"],
    deploy: [
      {
        Sid: "ManageSchedules",
        Effect: "Allow",
        Action: [
          "scheduler:CreateSchedule",
          "scheduler:DeleteSchedule",
          "scheduler:GetSchedule",
          "scheduler:UpdateSchedule",
        ],
        Resource: [
          scope.arn("scheduler", `schedule/${scope.scheduleGroup}/*`),
          scope.arn("scheduler", `schedule/${scope.scheduleGroup}.*/*`),
        ],
      },
    ],
  }),
};

const jobOf = (app: string, name: string) => {
  const job = jobOfSchedule(app, name);
  return job === undefined ? {} : { job };
};
