import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleOutput,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import { FlexjobError } from "../errors.js";
import { createClients } from "./clients.js";
import {
  applySchedule,
  listScheduleNames,
  observeSchedule,
  planSchedule,
  planScheduleDelete,
  type ScheduleStep,
  schedules,
} from "./schedule.js";
import {
  readSchedule,
  SCHEDULE_SETTINGS,
  type ScheduleLive,
  type ScheduleSpec,
  scheduleRequest,
} from "./schedule-fields.js";

const scheduler = mockClient(SchedulerClient);
const clients = createClients({ region: "eu-west-1" });

beforeEach(() => scheduler.reset());

const REVISION_3 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly:3";
const REVISION_4 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly:4";
const SCHEDULE_ARN = "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-billing/billing-nightly";

/** The job's two shard schedules as render makes them from a small flexjob.yml. */
function rendered(job: Record<string, unknown> = {}): ScheduleSpec[] {
  const config = parseConfig({
    app: "billing",
    jobs: {
      nightly: {
        image: "public.ecr.aws/docker/library/python:3.13-slim",
        schedule: "cron(0 3 * * ? *)",
        timezone: "Europe/Berlin",
        spot: true,
        tasks: 2,
        startRetry: { attempts: 3, maxAge: "1h" },
        flexibleWindow: "15m",
        startDate: "2025-07-01T09:00:00+02:00",
        ...job,
      },
    },
  });
  return schedules
    .render({
      config,
      retained: [],
      accountId: "123456789012",
      region: "eu-west-1",
      images: { nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim" } },
      network: {
        vpcId: "vpc-0a1b2c3d4e5f67890",
        subnets: ["subnet-0b2b2b2b2b2b2b2b2", "subnet-0a1a1a1a1a1a1a1a1"],
        securityGroups: ["sg-0c3c3c3c3c3c3c3c3"],
        assignPublicIp: false,
      },
    })
    .map((item) => item.spec);
}

function shard0(job?: Record<string, unknown>): ScheduleSpec {
  const [schedule] = rendered(job);
  if (schedule === undefined) throw new Error("no schedule rendered");
  return schedule;
}

/** What observe makes of a schedule that flexjob wrote from `spec`, pointing at `arn`. */
function liveOf(spec: ScheduleSpec, arn = REVISION_3): ScheduleLive {
  const { taskDefinitionFamily: _family, ...target } = spec.target;
  return {
    arn: SCHEDULE_ARN,
    spec: { ...spec, target: { ...target, taskDefinitionArn: arn } },
    settings: SCHEDULE_SETTINGS,
  };
}

/** GetSchedule's answer for shard 0 as Scheduler returns it after flexjob's CreateSchedule. */
function getScheduleOutput(): GetScheduleOutput {
  return {
    ActionAfterCompletion: "NONE",
    Arn: SCHEDULE_ARN,
    CreationDate: new Date("2025-06-30T12:00:00.000Z"),
    Description: "flexjob billing/nightly, task 1 of 2",
    FlexibleTimeWindow: { MaximumWindowInMinutes: 15, Mode: "FLEXIBLE" },
    GroupName: "flexjob-billing",
    LastModificationDate: new Date("2025-06-30T12:00:00.000Z"),
    Name: "billing-nightly",
    ScheduleExpression: "cron(0 3 * * ? *)",
    ScheduleExpressionTimezone: "Europe/Berlin",
    StartDate: new Date("2025-07-01T07:00:00.000Z"),
    State: "ENABLED",
    Target: {
      Arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/billing",
      EcsParameters: {
        CapacityProviderStrategy: [{ base: 0, capacityProvider: "FARGATE_SPOT", weight: 1 }],
        EnableECSManagedTags: true,
        EnableExecuteCommand: false,
        NetworkConfiguration: {
          awsvpcConfiguration: {
            AssignPublicIp: "DISABLED",
            SecurityGroups: ["sg-0c3c3c3c3c3c3c3c3"],
            Subnets: ["subnet-0b2b2b2b2b2b2b2b2", "subnet-0a1a1a1a1a1a1a1a1"],
          },
        },
        PlatformVersion: "LATEST",
        PropagateTags: "TASK_DEFINITION",
        Tags: [{ "flexjob:managed": "true" }, { "flexjob:app": "billing" }, { "flexjob:job": "nightly" }],
        TaskCount: 1,
        TaskDefinitionArn: REVISION_3,
      },
      // Written by other means, with another key order and spacing: compared by content.
      Input: JSON.stringify(
        {
          containerOverrides: [
            {
              name: "nightly",
              environment: [
                { value: "<aws.scheduler.attempt-number>", name: "FLEXJOB_ATTEMPT" },
                { value: "<aws.scheduler.execution-id>", name: "FLEXJOB_RUN_ID" },
                { value: "<aws.scheduler.scheduled-time>", name: "FLEXJOB_SCHEDULED_TIME" },
                { value: "2", name: "FLEXJOB_TASK_COUNT" },
                { value: "0", name: "FLEXJOB_TASK_INDEX" },
              ],
            },
          ],
        },
        null,
        2,
      ),
      RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
      DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:123456789012:flexjob-billing-missed" },
      RoleArn: "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
    },
  };
}

function schedulerError<E>(
  Exception: new (options: { message: string; Message: string; $metadata: object }) => E,
  message: string,
): E {
  return new Exception({ message, Message: message, $metadata: {} });
}

const ROLE_NOT_YET =
  "The execution role you provide must allow AWS EventBridge Scheduler to assume the role.";

function context(arn = REVISION_4, runId = "run-1") {
  const sleeps: number[] = [];
  return {
    sleeps,
    context: {
      runId,
      taskDefinitionArnFor: (family: string) => (family === "billing-nightly" ? arn : "unexpected family"),
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      // A new clock per context: pacing's buckets are per clock, so no test spends another's burst.
      now: () => new Date(0),
    },
  };
}

describe("planSchedule", () => {
  it("creates a missing schedule pointing at the revision this apply registers", () => {
    const spec = shard0();
    expect(planSchedule(spec, undefined, undefined, "nightly")).toEqual({
      kind: "schedule",
      id: "billing-nightly",
      groupName: "flexjob-billing",
      job: "nightly",
      action: "create",
      desired: spec,
      changes: [
        { path: "expression", after: "cron(0 3 * * ? *)" },
        { path: "timezone", after: "Europe/Berlin" },
        { path: "state", after: "ENABLED" },
        { path: "flexibleWindowMinutes", after: 15 },
        { path: "startDate", after: "2025-07-01T07:00:00.000Z" },
        { path: "description", after: "flexjob billing/nightly, task 1 of 2" },
        { path: "target.clusterArn", after: "arn:aws:ecs:eu-west-1:123456789012:cluster/billing" },
        { path: "target.roleArn", after: "arn:aws:iam::123456789012:role/billing-flexjob-scheduler" },
        { path: "target.taskDefinitionArn", after: "(new revision)" },
        { path: "target.capacityProvider", after: "FARGATE_SPOT" },
        { path: "target.subnets", after: ["subnet-0a1a1a1a1a1a1a1a1", "subnet-0b2b2b2b2b2b2b2b2"] },
        { path: "target.securityGroups", after: ["sg-0c3c3c3c3c3c3c3c3"] },
        { path: "target.assignPublicIp", after: false },
        { path: "target.retry.attempts", after: 3 },
        { path: "target.retry.maxAgeSeconds", after: 3600 },
        { path: "target.deadLetterArn", after: "arn:aws:sqs:eu-west-1:123456789012:flexjob-billing-missed" },
        { path: "target.input", after: spec.target.input },
        { path: "target.taskTags.flexjob:managed", after: "true" },
        { path: "target.taskTags.flexjob:app", after: "billing" },
        { path: "target.taskTags.flexjob:job", after: "nightly" },
      ],
    });
  });

  it("leaves an identical schedule on the unchanged revision alone", () => {
    const spec = shard0();
    const live = liveOf(spec);
    expect(planSchedule(spec, live, REVISION_3, "nightly")).toEqual({
      kind: "schedule",
      id: "billing-nightly",
      groupName: "flexjob-billing",
      job: "nightly",
      action: "noop",
      changes: [],
      desired: spec,
      live,
    });
  });

  it("reports only the expression when only the schedule changed", () => {
    const live = liveOf(shard0());
    expect(planSchedule(shard0({ schedule: "rate(6 hours)" }), live, REVISION_3, "nightly")).toMatchObject({
      action: "update",
      changes: [{ path: "expression", before: "cron(0 3 * * ? *)", after: "rate(6 hours)" }],
    });
  });

  it("updates an unchanged schedule whose task definition gets a new revision in this apply", () => {
    expect(planSchedule(shard0(), liveOf(shard0()), undefined, "nightly")).toMatchObject({
      action: "update",
      changes: [{ path: "target.taskDefinitionArn", before: REVISION_3, after: "(new revision)" }],
    });
  });

  it("follows a revision registered outside this apply", () => {
    expect(planSchedule(shard0(), liveOf(shard0()), REVISION_4, "nightly").changes).toEqual([
      { path: "target.taskDefinitionArn", before: REVISION_3, after: REVISION_4 },
    ]);
  });

  it("reports each changed field by its path", () => {
    const desired = shard0({
      timezone: "UTC",
      enabled: false,
      flexibleWindow: "off",
      spot: false,
      startRetry: { attempts: 5, maxAge: "1h" },
      tasks: 3,
    });
    expect(planSchedule(desired, liveOf(shard0()), REVISION_3, "nightly").changes).toEqual([
      { path: "timezone", before: "Europe/Berlin", after: "UTC" },
      { path: "state", before: "ENABLED", after: "DISABLED" },
      { path: "flexibleWindowMinutes", before: 15 },
      {
        path: "description",
        before: "flexjob billing/nightly, task 1 of 2",
        after: "flexjob billing/nightly, task 1 of 3",
      },
      { path: "target.capacityProvider", before: "FARGATE_SPOT", after: "FARGATE" },
      { path: "target.retry.attempts", before: 3, after: 5 },
      { path: "target.input", before: shard0().target.input, after: desired.target.input },
    ]);
  });

  it("puts back settings flexjob always sends when the schedule was edited by hand", () => {
    const live = liveOf(shard0());
    const edited: ScheduleLive = {
      ...live,
      settings: { ...live.settings, taskCount: 4, enableExecuteCommand: true },
    };
    expect(planSchedule(shard0(), edited, REVISION_3, "nightly").changes).toEqual([
      { path: "target.taskCount", before: 4, after: 1 },
      { path: "target.enableExecuteCommand", before: true, after: false },
    ]);
  });
});

describe("the start retry policy a schedule sends", () => {
  it("keeps a late start within the time between runs unless startRetry sets maxAge", () => {
    const retry = (job: Record<string, unknown>) => {
      const spec = shard0(job);
      return scheduleRequest({ ...spec, target: { ...spec.target, taskDefinitionArn: REVISION_3 } }).Target
        ?.RetryPolicy;
    };
    expect(retry({ startRetry: undefined, schedule: "every 15 minutes" })).toEqual({
      MaximumRetryAttempts: 185,
      MaximumEventAgeInSeconds: 900,
    });
    expect(retry({ startRetry: undefined })).toEqual({
      MaximumRetryAttempts: 185,
      MaximumEventAgeInSeconds: 3600,
    });
    expect(retry({ startRetry: { attempts: 2, maxAge: "6h" } })).toEqual({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
    });
  });
});

describe("planScheduleDelete", () => {
  it("deletes a schedule known only by name, keeping its group for apply", () => {
    expect(
      planScheduleDelete("billing-nightly.2", "flexjob-billing", "nightly", "shard no longer needed"),
    ).toEqual({
      kind: "schedule",
      id: "billing-nightly.2",
      groupName: "flexjob-billing",
      job: "nightly",
      action: "delete",
      changes: [],
      reason: "shard no longer needed",
    });
  });

  it("keeps the live schedule it deletes, and no job for a schedule of no known job", () => {
    const live = liveOf(shard0());
    expect(planScheduleDelete(live, "flexjob-billing", undefined, "prune")).toEqual({
      kind: "schedule",
      id: "billing-nightly",
      groupName: "flexjob-billing",
      action: "delete",
      changes: [],
      reason: "prune",
      live,
    });
  });
});

describe("observeSchedule", () => {
  it("normalises GetSchedule's answer back to the rendered schedule", async () => {
    scheduler
      .on(GetScheduleCommand, { GroupName: "flexjob-billing", Name: "billing-nightly" })
      .resolves(getScheduleOutput());
    const observed = await observeSchedule(clients, "flexjob-billing", "billing-nightly");
    // CreationDate is kept: a rate without a StartDate counts its runs from it.
    expect(observed).toEqual({ ...liveOf(shard0(), REVISION_3), createdAt: "2025-06-30T12:00:00.000Z" });
    expect(planSchedule(shard0(), observed, REVISION_3, "nightly")).toMatchObject({
      action: "noop",
      changes: [],
    });
  });

  it("reads a window OFF, a FARGATE launch type, a public IP and no dates", async () => {
    const output = getScheduleOutput();
    const { StartDate: _start, ...rest } = output;
    const ecs = output.Target?.EcsParameters;
    if (ecs === undefined) throw new Error("fixture has no EcsParameters");
    const { CapacityProviderStrategy: _strategy, ...onDemand } = ecs;
    scheduler.on(GetScheduleCommand).resolves({
      ...rest,
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        ...output.Target,
        Arn: output.Target?.Arn,
        RoleArn: output.Target?.RoleArn,
        EcsParameters: {
          ...onDemand,
          LaunchType: "FARGATE",
          NetworkConfiguration: {
            awsvpcConfiguration: { Subnets: ["subnet-0a1a1a1a1a1a1a1a1"], AssignPublicIp: "ENABLED" },
          },
        },
      },
    });
    const observed = await observeSchedule(clients, "flexjob-billing", "billing-nightly");
    expect(observed?.spec).toMatchObject({
      flexibleWindowMinutes: undefined,
      startDate: undefined,
      endDate: undefined,
      target: {
        capacityProvider: "FARGATE",
        subnets: ["subnet-0a1a1a1a1a1a1a1a1"],
        securityGroups: [],
        assignPublicIp: true,
      },
    });
  });

  it("shows a launch type flexjob never sets, so the plan puts Fargate back", async () => {
    const output = getScheduleOutput();
    const ecs = output.Target?.EcsParameters;
    if (ecs === undefined) throw new Error("fixture has no EcsParameters");
    const { CapacityProviderStrategy: _strategy, ...rest } = ecs;
    Object.assign(output.Target ?? {}, { EcsParameters: { ...rest, LaunchType: "EC2" } });
    scheduler.on(GetScheduleCommand).resolves(output);
    const observed = await observeSchedule(clients, "flexjob-billing", "billing-nightly");
    expect(planSchedule(shard0(), observed, REVISION_3, "nightly").changes).toEqual([
      { path: "target.capacityProvider", before: "EC2", after: "FARGATE_SPOT" },
    ]);
  });

  it("reports a missing schedule as undefined", async () => {
    scheduler
      .on(GetScheduleCommand)
      .rejects(schedulerError(ResourceNotFoundException, "Schedule billing-nightly does not exist."));
    expect(await observeSchedule(clients, "flexjob-billing", "billing-nightly")).toBeUndefined();
  });
});

describe("listScheduleNames", () => {
  it("lists every schedule of the group across pages", async () => {
    scheduler
      .on(ListSchedulesCommand, { GroupName: "flexjob-billing" })
      .resolvesOnce({
        Schedules: [{ Name: "billing-nightly.1" }, { Name: "billing-nightly" }],
        NextToken: "page-2",
      })
      .resolvesOnce({ Schedules: [{ Name: "billing-export" }] });
    expect(await listScheduleNames(clients, "flexjob-billing")).toEqual([
      "billing-export",
      "billing-nightly",
      "billing-nightly.1",
    ]);
    expect(scheduler.commandCalls(ListSchedulesCommand)[1]?.args[0].input).toMatchObject({
      NextToken: "page-2",
    });
  });
});

describe("applySchedule", () => {
  const createInput = {
    Name: "billing-nightly",
    GroupName: "flexjob-billing",
    ScheduleExpression: "cron(0 3 * * ? *)",
    ScheduleExpressionTimezone: "Europe/Berlin",
    State: "ENABLED",
    Description: "flexjob billing/nightly, task 1 of 2",
    FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
    StartDate: new Date("2025-07-01T07:00:00.000Z"),
    Target: {
      Arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/billing",
      RoleArn: "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
      Input: shard0().target.input,
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:123456789012:flexjob-billing-missed" },
      EcsParameters: {
        TaskDefinitionArn: REVISION_4,
        TaskCount: 1,
        CapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
        PlatformVersion: "LATEST",
        NetworkConfiguration: {
          awsvpcConfiguration: {
            Subnets: ["subnet-0a1a1a1a1a1a1a1a1", "subnet-0b2b2b2b2b2b2b2b2"],
            SecurityGroups: ["sg-0c3c3c3c3c3c3c3c3"],
            AssignPublicIp: "DISABLED",
          },
        },
        EnableECSManagedTags: true,
        PropagateTags: "TASK_DEFINITION",
        Tags: [{ "flexjob:app": "billing" }, { "flexjob:job": "nightly" }, { "flexjob:managed": "true" }],
      },
    },
    ActionAfterCompletion: "NONE",
  };

  it("creates the complete schedule with a deterministic client token", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: SCHEDULE_ARN });
    const { context: apply } = context();
    expect(await applySchedule(clients, planSchedule(shard0(), undefined, undefined, "nightly"), apply)).toBe(
      SCHEDULE_ARN,
    );
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    const { ClientToken, ...sent } = input ?? {};
    expect(sent).toEqual(createInput);
    expect(ClientToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sends the same client token within one apply, another for other content or another apply", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: SCHEDULE_ARN });
    const step = planSchedule(shard0(), undefined, undefined, "nightly");
    await applySchedule(clients, step, context().context);
    await applySchedule(clients, structuredClone(step), context().context);
    await applySchedule(clients, step, context(REVISION_3).context);
    await applySchedule(clients, step, context(REVISION_4, "run-2").context);
    const tokens = scheduler
      .commandCalls(CreateScheduleCommand)
      .map((call) => call.args[0].input.ClientToken);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
    expect(tokens[3]).not.toBe(tokens[0]);
  });

  it("updates with the same complete state when another deploy created the schedule first", async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(schedulerError(ConflictException, "Schedule billing-nightly already exists."))
      .on(UpdateScheduleCommand)
      .resolves({ ScheduleArn: SCHEDULE_ARN });
    const step = planSchedule(shard0(), undefined, undefined, "nightly");
    expect(await applySchedule(clients, step, context().context)).toBe(SCHEDULE_ARN);
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toEqual(createInput);
  });

  it("updates with the complete state: on-demand Fargate, window off, no dates", async () => {
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: SCHEDULE_ARN });
    const desired = shard0({ spot: false, flexibleWindow: "off", startDate: undefined });
    await applySchedule(
      clients,
      planSchedule(desired, liveOf(shard0()), undefined, "nightly"),
      context().context,
    );
    const { StartDate: _start, ...unchanged } = createInput;
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toEqual({
      ...unchanged,
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        ...createInput.Target,
        EcsParameters: {
          ...(({ CapacityProviderStrategy: _strategy, ...rest }) => rest)(createInput.Target.EcsParameters),
          LaunchType: "FARGATE",
        },
      },
    });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it("creates a schedule that was deleted after it was read", async () => {
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(schedulerError(ResourceNotFoundException, "Schedule billing-nightly does not exist."))
      .on(CreateScheduleCommand)
      .resolves({ ScheduleArn: SCHEDULE_ARN });
    const step = planSchedule(shard0(), liveOf(shard0()), undefined, "nightly");
    expect(await applySchedule(clients, step, context().context)).toBe(SCHEDULE_ARN);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject(createInput);
  });

  it("sends nothing for a no-op step and returns the live ARN", async () => {
    const step = planSchedule(shard0(), liveOf(shard0()), REVISION_3, "nightly");
    expect(await applySchedule(clients, step, context().context)).toBe(SCHEDULE_ARN);
    expect(scheduler.calls()).toHaveLength(0);
  });

  it("deletes by name in its group, and a schedule already gone is fine", async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(schedulerError(ResourceNotFoundException, "Schedule billing-nightly.2 does not exist."));
    const step = planScheduleDelete(
      "billing-nightly.2",
      "flexjob-billing",
      "nightly",
      "shard no longer needed",
    );
    expect(await applySchedule(clients, step, context().context)).toBe("");
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: "billing-nightly.2",
      GroupName: "flexjob-billing",
    });
  });

  it("waits with backoff while IAM propagates a new scheduler role", async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(schedulerError(ValidationException, ROLE_NOT_YET))
      .rejectsOnce(schedulerError(ValidationException, ROLE_NOT_YET))
      .rejectsOnce(schedulerError(ValidationException, ROLE_NOT_YET))
      .resolves({ ScheduleArn: SCHEDULE_ARN });
    const { context: apply, sleeps } = context();
    expect(await applySchedule(clients, planSchedule(shard0(), undefined, undefined, "nightly"), apply)).toBe(
      SCHEDULE_ARN,
    );
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(4);
  });

  it("gives up after about 30 s of an unassumable role, naming the schedule and the role", async () => {
    scheduler.on(CreateScheduleCommand).rejects(schedulerError(ValidationException, ROLE_NOT_YET));
    const { context: apply, sleeps } = context();
    const failure = applySchedule(clients, planSchedule(shard0(), undefined, undefined, "nightly"), apply);
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "AWS_ERROR",
      fault: "aws",
      message:
        "creating schedule billing-nightly: EventBridge Scheduler still cannot assume role arn:aws:iam::123456789012:role/billing-flexjob-scheduler after 31 s",
    });
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(7);
  });

  it("does not retry other validation errors, and wraps them naming the schedule", async () => {
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(schedulerError(ValidationException, "Invalid Schedule Expression cron(0 3 * * *)."));
    const { context: apply, sleeps } = context();
    const step: ScheduleStep = planSchedule(shard0(), liveOf(shard0()), undefined, "nightly");
    await expect(applySchedule(clients, step, apply)).rejects.toMatchObject({
      code: "AWS_ERROR",
      message:
        "updating schedule billing-nightly: ValidationException: Invalid Schedule Expression cron(0 3 * * *).",
    });
    expect(sleeps).toEqual([]);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(1);
  });
});

describe("a job with retries, a timeout or overlap: the schedule starts its state machine", () => {
  const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:billing-nightly";
  const startExecution = {
    Input: '{"FLEXJOB_SCHEDULED_TIME":"<aws.scheduler.scheduled-time>"}',
    Name: "<aws.scheduler.execution-id>",
    StateMachineArn: MACHINE,
  };

  it("has one schedule for all shards, whose target is StartExecution named after the execution id", () => {
    const specs = rendered({ retries: 2 });
    expect(specs.map((spec) => spec.name)).toEqual(["billing-nightly"]);
    const [spec] = specs;
    if (spec === undefined) throw new Error("no schedule");
    expect(
      scheduleRequest({ ...spec, target: { ...spec.target, taskDefinitionArn: REVISION_3 } }).Target,
    ).toEqual({
      Arn: "arn:aws:scheduler:::aws-sdk:sfn:startExecution",
      RoleArn: "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
      Input: JSON.stringify(startExecution),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:123456789012:flexjob-billing-missed" },
    });
  });

  it("reads back from GetSchedule as the same spec: an unchanged redeploy plans a no-op", () => {
    const spec = shard0({ overlap: "skip" });
    const request = scheduleRequest({ ...spec, target: { ...spec.target, taskDefinitionArn: REVISION_3 } });
    const live = readSchedule(
      { ...request, Arn: SCHEDULE_ARN, State: spec.state } as GetScheduleOutput,
      spec.groupName,
      spec.name,
    );
    expect(live.spec.target.stateMachineArn).toBe(MACHINE);
    expect(planSchedule(spec, live, REVISION_4, "nightly").action).toBe("noop");
  });

  it("a job that drops retries moves its schedule back to the direct ECS target", () => {
    const machine = shard0({ retries: 2 });
    const request = scheduleRequest({
      ...machine,
      target: { ...machine.target, taskDefinitionArn: REVISION_3 },
    });
    const live = readSchedule(
      { ...request, Arn: SCHEDULE_ARN } as GetScheduleOutput,
      machine.groupName,
      machine.name,
    );
    const step = planSchedule(shard0(), live, REVISION_3, "nightly");
    expect(step.action).toBe("update");
    expect(step.changes.map((change) => change.path)).toContain("target.clusterArn");
    expect(step.changes.map((change) => change.path)).toContain("target.stateMachineArn");
  });
});
