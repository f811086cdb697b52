import {
  ConflictException,
  CreateScheduleGroupCommand,
  DeleteScheduleGroupCommand,
  GetScheduleGroupCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SchedulerClient,
  TagResourceCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { createClients } from "./clients.js";
import type { ScheduleGroupSpec } from "./cluster-spec.js";
import {
  applyScheduleGroup,
  observeScheduleGroup,
  planScheduleGroup,
  type ScheduleGroupLive,
  type ScheduleGroupStep,
} from "./schedule-group.js";

const scheduler = mockClient(SchedulerClient);
const clients = createClients({ region: "eu-west-1" });
const tags = { "flexjob:managed": "true", "flexjob:app": "billing" };
const spec: ScheduleGroupSpec = { name: "flexjob-billing", tags };
const arn = "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/flexjob-billing";

function liveGroup(overrides: Partial<ScheduleGroupLive> = {}): ScheduleGroupLive {
  return { name: "flexjob-billing", arn, tags: { ...tags, team: "payments" }, ...overrides };
}

beforeEach(() => scheduler.reset());

describe("planScheduleGroup", () => {
  it("creates a missing group with flexjob's tags", () => {
    expect(planScheduleGroup(spec, undefined)).toEqual({
      kind: "schedule-group",
      id: "flexjob-billing",
      action: "create",
      changes: [
        { path: "tags.flexjob:app", after: "billing" },
        { path: "tags.flexjob:managed", after: "true" },
      ],
      desired: spec,
    });
  });

  it("leaves a group alone when only the user's own tags differ", () => {
    const live = liveGroup();
    expect(planScheduleGroup(spec, live)).toEqual({
      kind: "schedule-group",
      id: "flexjob-billing",
      action: "noop",
      changes: [],
      desired: spec,
      live,
    });
  });

  it("updates a flexjob tag that differs", () => {
    const live = liveGroup({ tags: { "flexjob:managed": "true", "flexjob:app": "old" } });
    expect(planScheduleGroup(spec, live)).toEqual({
      kind: "schedule-group",
      id: "flexjob-billing",
      action: "update",
      changes: [{ path: "tags.flexjob:app", before: "old", after: "billing" }],
      desired: spec,
      live,
    });
  });

  it("refuses a group of the same name that flexjob did not create", () => {
    const plan = () => planScheduleGroup(spec, liveGroup({ tags: {} }));
    expect(plan).toThrow(FlexjobError);
    expect(plan).toThrow(
      expect.objectContaining({
        message: 'schedule group "flexjob-billing" exists and was not created by flexjob',
        code: "INPUT_INVALID",
        fault: "user",
        remedy: "delete or rename it, or change app: so flexjob's names do not collide",
      }),
    );
  });
});

describe("observeScheduleGroup", () => {
  it("reads the group and its tags", async () => {
    scheduler
      .on(GetScheduleGroupCommand, { Name: "flexjob-billing" })
      .resolves({ Name: "flexjob-billing", Arn: arn, State: "ACTIVE" })
      .on(ListTagsForResourceCommand, { ResourceArn: arn })
      .resolves({ Tags: [{ Key: "flexjob:managed", Value: "true" }] });
    expect(await observeScheduleGroup(clients, "flexjob-billing")).toEqual({
      name: "flexjob-billing",
      arn,
      tags: { "flexjob:managed": "true" },
    });
  });

  it("reports a missing group as undefined", async () => {
    scheduler
      .on(GetScheduleGroupCommand)
      .rejects(new ResourceNotFoundException({ message: "nope", Message: "nope", $metadata: {} }));
    expect(await observeScheduleGroup(clients, "flexjob-billing")).toBeUndefined();
    expect(scheduler.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });

  it("reports a group that is being deleted as undefined", async () => {
    scheduler.on(GetScheduleGroupCommand).resolves({ Name: "flexjob-billing", Arn: arn, State: "DELETING" });
    expect(await observeScheduleGroup(clients, "flexjob-billing")).toBeUndefined();
  });
});

describe("applyScheduleGroup", () => {
  it("creates the group with its tags", async () => {
    scheduler.on(CreateScheduleGroupCommand).resolves({ ScheduleGroupArn: arn });
    await applyScheduleGroup(clients, planScheduleGroup(spec, undefined));
    expect(scheduler.commandCalls(CreateScheduleGroupCommand)[0]?.args[0].input).toEqual({
      Name: "flexjob-billing",
      Tags: [
        { Key: "flexjob:app", Value: "billing" },
        { Key: "flexjob:managed", Value: "true" },
      ],
    });
  });

  it("converges when a concurrent deploy created the group first", async () => {
    scheduler
      .on(CreateScheduleGroupCommand)
      .rejects(new ConflictException({ message: "exists", Message: "exists", $metadata: {} }))
      .on(GetScheduleGroupCommand)
      .resolves({ Name: "flexjob-billing", Arn: arn, State: "ACTIVE" });
    await expect(applyScheduleGroup(clients, planScheduleGroup(spec, undefined))).resolves.toBeUndefined();
  });

  it("says to wait when the group is still being deleted", async () => {
    scheduler
      .on(CreateScheduleGroupCommand)
      .rejects(new ConflictException({ message: "exists", Message: "exists", $metadata: {} }))
      .on(GetScheduleGroupCommand)
      .resolves({ Name: "flexjob-billing", Arn: arn, State: "DELETING" });
    await expect(applyScheduleGroup(clients, planScheduleGroup(spec, undefined))).rejects.toMatchObject({
      message:
        "schedule group flexjob-billing is still being deleted, so its schedules cannot be created yet",
      fault: "aws",
    });
  });

  it("tags only the flexjob tags that changed", async () => {
    scheduler.on(TagResourceCommand).resolves({});
    await applyScheduleGroup(
      clients,
      planScheduleGroup(spec, liveGroup({ tags: { "flexjob:managed": "true", "flexjob:app": "old" } })),
    );
    expect(scheduler.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceArn: arn,
      Tags: [{ Key: "flexjob:app", Value: "billing" }],
    });
    expect(scheduler.calls()).toHaveLength(1);
  });

  it("sends nothing for a no-op step", async () => {
    await applyScheduleGroup(clients, planScheduleGroup(spec, liveGroup()));
    expect(scheduler.calls()).toHaveLength(0);
  });

  it("deletes the group, treating one already gone as done", async () => {
    scheduler
      .on(DeleteScheduleGroupCommand)
      .rejects(new ResourceNotFoundException({ message: "gone", Message: "gone", $metadata: {} }));
    await applyScheduleGroup(clients, {
      kind: "schedule-group",
      id: "flexjob-billing",
      action: "delete",
      changes: [],
      live: liveGroup(),
    });
    expect(scheduler.commandCalls(DeleteScheduleGroupCommand)[0]?.args[0].input).toEqual({
      Name: "flexjob-billing",
    });
  });

  it("never deletes a group that is not tagged as flexjob's", async () => {
    const step: ScheduleGroupStep = {
      kind: "schedule-group",
      id: "flexjob-billing",
      action: "delete",
      changes: [],
      live: liveGroup({ tags: {} }),
    };
    await expect(applyScheduleGroup(clients, step)).rejects.toMatchObject({ code: "INTERNAL" });
    expect(scheduler.calls()).toHaveLength(0);
  });

  it("wraps an SDK failure as a FlexjobError naming the group", async () => {
    scheduler
      .on(CreateScheduleGroupCommand)
      .rejects(new ValidationException({ message: "bad tag", Message: "bad tag", $metadata: {} }));
    const failure = applyScheduleGroup(clients, planScheduleGroup(spec, undefined));
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "AWS_ERROR",
      message: "writing schedule group flexjob-billing: ValidationException: bad tag",
    });
  });
});
