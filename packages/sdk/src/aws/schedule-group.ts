import { FlexjobError, internal } from "../errors.js";
import { names, ownedByApp, TAG_APP, TAG_MANAGED, tagList } from "../naming.js";
import { stepFrom, tagChanges } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import type { ScheduleGroupSpec } from "./cluster-spec.js";
import { notFlexjobs, observeEach, type ResourceAdapter, runStep } from "./resource.js";

export interface ScheduleGroupLive {
  name: string;
  arn: string;
  tags: Record<string, string>;
}

export type ScheduleGroupStep = PlanStep<"schedule-group", ScheduleGroupSpec, ScheduleGroupLive>;

export async function observeScheduleGroup(
  clients: AwsClients,
  name: string,
): Promise<ScheduleGroupLive | undefined> {
  const { GetScheduleGroupCommand, ListTagsForResourceCommand } = await loadSdk(clients, "scheduler");
  try {
    const group = await clients.scheduler
      .send(new GetScheduleGroupCommand({ Name: name }))
      .catch((error: unknown) => {
        if (isAwsError(error, "ResourceNotFoundException")) return undefined;
        throw error;
      });
    // A group being deleted is, for planning, already gone: it and its schedules are on their way out.
    if (group === undefined || group.State === "DELETING") return undefined;
    const arn = group.Arn ?? "";
    const { Tags = [] } = await clients.scheduler.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    return { name, arn, tags: Object.fromEntries(Tags.map((tag) => [tag.Key, tag.Value])) };
  } catch (error) {
    throw wrapAwsError(error, `reading schedule group ${name}`);
  }
}

export function planScheduleGroup(
  spec: ScheduleGroupSpec,
  live: ScheduleGroupLive | undefined,
): ScheduleGroupStep {
  const base = { kind: "schedule-group", id: spec.name, desired: spec } as const;
  if (live !== undefined && live.tags[TAG_MANAGED] !== "true") throw notFlexjobs("schedule group", spec.name);
  return stepFrom(base, live, tagChanges(spec.tags, live?.tags ?? {}));
}

export async function applyScheduleGroup(clients: AwsClients, step: ScheduleGroupStep): Promise<void> {
  const name = step.id;
  const { CreateScheduleGroupCommand, DeleteScheduleGroupCommand, TagResourceCommand } = await loadSdk(
    clients,
    "scheduler",
  );
  await runStep(step, "schedule group", {
    async delete() {
      if (step.live !== undefined && step.live.tags[TAG_MANAGED] !== "true") {
        throw internal(
          `refusing to delete schedule group ${name}: it is not tagged ${TAG_MANAGED}=true`,
          "this is a flexjob bug: it planned to delete a group it does not own; please report it",
        );
      }
      // Scheduler deletes every schedule in the group with it, asynchronously (the group shows DELETING).
      await tolerating(
        clients.scheduler.send(new DeleteScheduleGroupCommand({ Name: name })),
        "ResourceNotFoundException",
      );
    },
    async create(spec) {
      await clients.scheduler
        .send(new CreateScheduleGroupCommand({ Name: name, Tags: tagList(spec.tags) }))
        .catch(async (error: unknown) => {
          if (!isAwsError(error, "ConflictException")) throw error;
          await checkNotDeleting(clients, name, error);
        });
    },
    async update(spec, live) {
      const changed = Object.fromEntries(
        Object.entries(spec.tags).filter(([key, value]) => live.tags[key] !== value),
      );
      if (Object.keys(changed).length === 0) return;
      await clients.scheduler.send(new TagResourceCommand({ ResourceArn: live.arn, Tags: tagList(changed) }));
    },
  });
}

/**
 * A conflict usually means a concurrent deploy created the group, which is fine. But a group still
 * being deleted (by a recent destroy) also conflicts, and schedules cannot be created in it.
 */
async function checkNotDeleting(clients: AwsClients, name: string, conflict: unknown): Promise<void> {
  const { GetScheduleGroupCommand } = await loadSdk(clients, "scheduler");
  const group = await clients.scheduler.send(new GetScheduleGroupCommand({ Name: name }));
  if (group.State !== "DELETING") return;
  throw new FlexjobError(
    `schedule group ${name} is still being deleted, so its schedules cannot be created yet`,
    {
      code: "AWS_ERROR",
      fault: "aws",
      cause: conflict,
      remedy: "deploy again once the deletion has finished, usually within a minute or two",
    },
  );
}

/**
 * The app's schedule group `flexjob-<app>`, and for destroy also each job's bulk schedule group
 * (`flexjob schedules sync`): deleting a group deletes every schedule in it.
 */
export const scheduleGroups: ResourceAdapter<ScheduleGroupStep> = {
  kind: "schedule-group",
  order: { write: 0, remove: 7 },
  render: ({ config }) => {
    const name = names.scheduleGroup(config.app);
    return [{ id: name, spec: { name, tags: { [TAG_MANAGED]: "true", [TAG_APP]: config.app } } }];
  },
  observe: observeEach((desired, { clients }) => observeScheduleGroup(clients, desired.id)),
  plan: (desired, live) => planScheduleGroup(desired.spec, live),
  async owned({ clients, config, job }) {
    const own = names.scheduleGroup(config.app);
    const jobs = job === undefined ? config.jobs.map((each) => each.name) : [job];
    const [app, ...bulk] = await Promise.all([
      job === undefined ? observeScheduleGroup(clients, own) : Promise.resolve(undefined),
      ...jobs.map((each) => observeScheduleGroup(clients, names.bulkScheduleGroup(config.app, each))),
    ]);
    return [
      // Apply refuses to delete the app's group when it is not flexjob's (see applyScheduleGroup).
      ...(app === undefined ? [] : [{ id: own, live: app }]),
      ...bulk.flatMap((live, index) =>
        live === undefined || !ownedByApp(live.tags, config.app)
          ? []
          : [{ id: live.name, job: jobs[index] ?? "", live }],
      ),
    ];
  },
  apply: (step, { clients }) => applyScheduleGroup(clients, step),
  permissions: (scope) => ({
    deploy: [
      {
        Sid: "ManageScheduleGroup",
        Effect: "Allow",
        Action: [
          "scheduler:CreateScheduleGroup",
          "scheduler:DeleteScheduleGroup",
          "scheduler:GetScheduleGroup",
          "scheduler:ListTagsForResource",
          "scheduler:TagResource",
        ],
        Resource: [
          scope.arn("scheduler", `schedule-group/${scope.scheduleGroup}`),
          // Each job's bulk schedules (flexjob schedules sync) have a group of their own.
          scope.arn("scheduler", `schedule-group/${scope.scheduleGroup}.*`),
        ],
      },
    ],
  }),
};
