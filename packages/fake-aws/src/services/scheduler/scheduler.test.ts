import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SchedulerClient,
  TagResourceCommand,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { TRUST_ECS_TASKS, TRUST_SCHEDULER } from "../../test-support.js";

let aws: FakeAws;
let scheduler: SchedulerClient;
const ROLE = "arn:aws:iam::123456789012:role/scheduler";
const CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/jobs";
const TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:1";

beforeAll(async () => {
  aws = await startFakeAws();
  scheduler = new SchedulerClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  scheduler.destroy();
  await aws.close();
});
beforeEach(async () => {
  aws.reset();
  const iam = new IAMClient(aws.clientConfig());
  const ecs = new ECSClient(aws.clientConfig());
  await iam.send(new CreateRoleCommand({ RoleName: "scheduler", AssumeRolePolicyDocument: TRUST_SCHEDULER }));
  await iam.send(new CreateRoleCommand({ RoleName: "tasks", AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
  await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "nightly",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "job", image: "busybox" }],
    }),
  );
  iam.destroy();
  ecs.destroy();
});

function schedule(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: "nightly",
    ScheduleExpression: "cron(0 3 * * ? *)",
    ScheduleExpressionTimezone: "Europe/Berlin",
    FlexibleTimeWindow: { Mode: "OFF" },
    Target: {
      Arn: CLUSTER,
      RoleArn: ROLE,
      EcsParameters: {
        TaskDefinitionArn: TASK_DEFINITION,
        LaunchType: "FARGATE",
        NetworkConfiguration: { awsvpcConfiguration: { Subnets: ["subnet-1"] } },
      },
    },
    ...overrides,
  };
}

async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("schedules", () => {
  it("CreateSchedule then GetSchedule round-trips, with RetryPolicy defaults filled in", async () => {
    const { ScheduleArn } = await scheduler.send(new CreateScheduleCommand(schedule({ Description: "d" })));
    expect(ScheduleArn).toBe("arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly");
    const got = await scheduler.send(new GetScheduleCommand({ Name: "nightly" }));
    expect(got).toMatchObject({
      Name: "nightly",
      GroupName: "default",
      State: "ENABLED",
      Description: "d",
      ActionAfterCompletion: "NONE",
      ScheduleExpressionTimezone: "Europe/Berlin",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: { Arn: CLUSTER, RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 } },
    });
    expect(got.CreationDate).toEqual(aws.clock.now());
  });

  it("answers ConflictException for an existing name, but a retry with the same ClientToken succeeds", async () => {
    await scheduler.send(new CreateScheduleCommand(schedule({ ClientToken: "token-1" })));
    const retried = await scheduler.send(new CreateScheduleCommand(schedule({ ClientToken: "token-1" })));
    expect(retried.ScheduleArn).toContain("schedule/default/nightly");
    const error = await rejects(
      scheduler.send(new CreateScheduleCommand(schedule({ ClientToken: "token-2" }))),
    );
    expect(error).toBeInstanceOf(ConflictException);
  });

  it("UpdateSchedule replaces the whole schedule: omitted optional fields are cleared", async () => {
    await scheduler.send(new CreateScheduleCommand(schedule({ Description: "d", State: "DISABLED" })));
    aws.clock.advance(60_000);
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: "nightly",
        ScheduleExpression: "rate(1 hour)",
        FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
        Target: schedule().Target,
      }),
    );
    const got = await scheduler.send(new GetScheduleCommand({ Name: "nightly" }));
    expect(got.Description).toBeUndefined();
    expect(got.ScheduleExpressionTimezone).toBeUndefined();
    expect([got.State, got.ScheduleExpression, got.FlexibleTimeWindow?.MaximumWindowInMinutes]).toEqual([
      "ENABLED",
      "rate(1 hour)",
      15,
    ]);
    expect((got.LastModificationDate?.getTime() ?? 0) - (got.CreationDate?.getTime() ?? 0)).toBe(60_000);
    const missing = await rejects(
      scheduler.send(new UpdateScheduleCommand({ ...schedule(), Name: "other" })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it("DeleteSchedule removes it; deleting again is ResourceNotFoundException", async () => {
    await scheduler.send(new CreateScheduleCommand(schedule()));
    await scheduler.send(new DeleteScheduleCommand({ Name: "nightly" }));
    expect(await rejects(scheduler.send(new GetScheduleCommand({ Name: "nightly" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(await rejects(scheduler.send(new DeleteScheduleCommand({ Name: "nightly" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("ListSchedules filters by group, name prefix and state, and pages with NextToken", async () => {
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "flexjob" }));
    for (const name of ["a1", "a2", "a3", "b1"]) {
      await scheduler.send(new CreateScheduleCommand(schedule({ Name: name, GroupName: "flexjob" })));
    }
    await scheduler.send(new CreateScheduleCommand(schedule({ Name: "a9", State: "DISABLED" })));
    const page1 = await scheduler.send(
      new ListSchedulesCommand({ GroupName: "flexjob", NamePrefix: "a", MaxResults: 2 }),
    );
    expect(page1.Schedules?.map((s) => s.Name)).toEqual(["a1", "a2"]);
    const page2 = await scheduler.send(
      new ListSchedulesCommand({
        GroupName: "flexjob",
        NamePrefix: "a",
        MaxResults: 2,
        NextToken: page1.NextToken,
      }),
    );
    expect(page2.Schedules?.map((s) => s.Name)).toEqual(["a3"]);
    expect(page2.NextToken).toBeUndefined();
    const disabled = await scheduler.send(new ListSchedulesCommand({ State: "DISABLED" }));
    expect(disabled.Schedules?.map((s) => [s.Name, s.GroupName, s.Target?.Arn])).toEqual([
      ["a9", "default", CLUSTER],
    ]);
    expect(await rejects(scheduler.send(new ListSchedulesCommand({ MaxResults: 101 })))).toBeInstanceOf(
      ValidationException,
    );
  });

  it("CreateSchedule in a group that does not exist is ResourceNotFoundException", async () => {
    const error = await rejects(scheduler.send(new CreateScheduleCommand(schedule({ GroupName: "nope" }))));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it("assumes the role as the schedule's group: a trust limited by aws:SourceArn must name that group", async () => {
    const trustFrom = (groupArn: string) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "scheduler.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:SourceAccount": "123456789012" },
              ArnLike: { "aws:SourceArn": groupArn },
            },
          },
        ],
      });
    const iam = new IAMClient(aws.clientConfig());
    const groups = "arn:aws:scheduler:us-east-1:123456789012:schedule-group";
    await iam.send(
      new CreateRoleCommand({ RoleName: "jobs", AssumeRolePolicyDocument: trustFrom(`${groups}/jobs*`) }),
    );
    iam.destroy();
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "jobs.bulk" }));
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "other" }));
    const withRole = (GroupName: string) =>
      schedule({
        GroupName,
        Target: { ...schedule().Target, Arn: CLUSTER, RoleArn: "arn:aws:iam::123456789012:role/jobs" },
      });
    await scheduler.send(new CreateScheduleCommand(withRole("jobs.bulk")));
    const error = await rejects(scheduler.send(new CreateScheduleCommand(withRole("other"))));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toBe(
      "The execution role you provide must allow AWS EventBridge Scheduler to assume the role.",
    );
  });

  const target = schedule().Target;
  const ecsParameters = target?.EcsParameters;
  const invalid: [string, Partial<CreateScheduleCommandInput>][] = [
    ["a name with a space", { Name: "bad name" }],
    ["a name of 65 characters", { Name: "n".repeat(65) }],
    ["a group name with a slash", { GroupName: "a/b" }],
    ["a cron with five fields", { ScheduleExpression: "cron(0 3 * * ?)" }],
    ["a cron with no ?", { ScheduleExpression: "cron(0 3 * * * *)" }],
    ["a cron with two ?", { ScheduleExpression: "cron(0 3 ? * ? *)" }],
    ["a cron minute of 60", { ScheduleExpression: "cron(60 3 * * ? *)" }],
    ["a cron hour of 24", { ScheduleExpression: "cron(0 24 * * ? *)" }],
    ["a cron month of 13", { ScheduleExpression: "cron(0 3 * 13 ? *)" }],
    ["a cron day of week 8", { ScheduleExpression: "cron(0 3 ? * 8 *)" }],
    ["rate(1 hours)", { ScheduleExpression: "rate(1 hours)" }],
    ["rate(5 minute)", { ScheduleExpression: "rate(5 minute)" }],
    ["rate(0 minutes)", { ScheduleExpression: "rate(0 minutes)" }],
    ["an at() with an impossible date", { ScheduleExpression: "at(2030-02-30T10:00:00)" }],
    ["an unknown time zone", { ScheduleExpressionTimezone: "Mars/Olympus" }],
    ["an offset instead of a time zone", { ScheduleExpressionTimezone: "+01:00" }],
    ["FLEXIBLE without a window", { FlexibleTimeWindow: { Mode: "FLEXIBLE" } }],
    ["OFF with a window", { FlexibleTimeWindow: { Mode: "OFF", MaximumWindowInMinutes: 5 } }],
    ["a window of 1441 minutes", { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 1441 } }],
    ["a window of 0 minutes", { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 0 } }],
    ["an unknown mode", { FlexibleTimeWindow: { Mode: "SOMETIMES" as "OFF" } }],
    ["an unknown state", { State: "PAUSED" as "ENABLED" }],
    ["a description of 513 characters", { Description: "d".repeat(513) }],
    ["an EndDate in the past", { EndDate: new Date(Date.now() - 3600_000) }],
    [
      "a StartDate after the EndDate",
      { StartDate: new Date(Date.now() + 7200_000), EndDate: new Date(Date.now() + 3600_000) },
    ],
    ["TaskCount 11", { Target: { ...target, EcsParameters: { ...ecsParameters, TaskCount: 11 } } as never }],
    ["TaskCount 0", { Target: { ...target, EcsParameters: { ...ecsParameters, TaskCount: 0 } } as never }],
    [
      "MaximumRetryAttempts 186",
      { Target: { ...target, RetryPolicy: { MaximumRetryAttempts: 186 } } as never },
    ],
    [
      "MaximumEventAgeInSeconds 59",
      { Target: { ...target, RetryPolicy: { MaximumEventAgeInSeconds: 59 } } as never },
    ],
    [
      "MaximumEventAgeInSeconds 86401",
      { Target: { ...target, RetryPolicy: { MaximumEventAgeInSeconds: 86401 } } as never },
    ],
    [
      "a role that does not exist",
      { Target: { ...target, RoleArn: "arn:aws:iam::123456789012:role/nope" } as never },
    ],
    [
      "a role that does not trust the scheduler",
      { Target: { ...target, RoleArn: "arn:aws:iam::123456789012:role/tasks" } as never },
    ],
    [
      "a cluster that does not exist",
      { Target: { ...target, Arn: "arn:aws:ecs:us-east-1:123456789012:cluster/nope" } as never },
    ],
    [
      "a task definition that does not exist",
      {
        Target: {
          ...target,
          EcsParameters: {
            ...ecsParameters,
            TaskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/nope:1",
          },
        } as never,
      },
    ],
    [
      "a launch type of LAMBDA",
      { Target: { ...target, EcsParameters: { ...ecsParameters, LaunchType: "LAMBDA" } } as never },
    ],
    ["an empty Input", { Target: { ...target, Input: "" } as never }],
  ];
  it.each(invalid)("rejects %s with ValidationException", async (_name, overrides) => {
    const error = await rejects(scheduler.send(new CreateScheduleCommand(schedule(overrides))));
    expect(error).toBeInstanceOf(ValidationException);
  });

  it.each([
    "cron(0/15 * * * ? *)",
    "cron(0 8 ? * MON-FRI *)",
    "cron(0 12 L * ? 2030)",
    "cron(0 12 15W JAN,JUL ? *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 9 ? * 6L *)",
    "rate(1 minute)",
    "rate(12 hours)",
    "rate(1 day)",
    "at(2030-01-31T23:59:59)",
  ])("accepts %s", async (expression) => {
    await scheduler.send(new CreateScheduleCommand(schedule({ ScheduleExpression: expression })));
  });
});

describe("schedule groups", () => {
  it("the default group exists from the start and cannot be deleted", async () => {
    const got = await scheduler.send(new GetScheduleGroupCommand({ Name: "default" }));
    expect([got.Arn, got.State]).toEqual([
      "arn:aws:scheduler:us-east-1:123456789012:schedule-group/default",
      "ACTIVE",
    ]);
    expect(await rejects(scheduler.send(new DeleteScheduleGroupCommand({ Name: "default" })))).toBeInstanceOf(
      ValidationException,
    );
  });

  it("CreateScheduleGroup conflicts on an existing name", async () => {
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "flexjob" }));
    expect(await rejects(scheduler.send(new CreateScheduleGroupCommand({ Name: "flexjob" })))).toBeInstanceOf(
      ConflictException,
    );
  });

  it("deleting a group deletes its schedules", async () => {
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "flexjob" }));
    await scheduler.send(new CreateScheduleCommand(schedule({ GroupName: "flexjob" })));
    await scheduler.send(new DeleteScheduleGroupCommand({ Name: "flexjob" }));
    expect(await rejects(scheduler.send(new GetScheduleGroupCommand({ Name: "flexjob" })))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect((await scheduler.send(new ListSchedulesCommand({}))).Schedules).toEqual([]);
  });

  it("ListScheduleGroups filters by prefix and pages", async () => {
    for (const name of ["fj-a", "fj-b", "other"])
      await scheduler.send(new CreateScheduleGroupCommand({ Name: name }));
    const page1 = await scheduler.send(new ListScheduleGroupsCommand({ NamePrefix: "fj-", MaxResults: 1 }));
    const page2 = await scheduler.send(
      new ListScheduleGroupsCommand({ NamePrefix: "fj-", NextToken: page1.NextToken }),
    );
    expect([...(page1.ScheduleGroups ?? []), ...(page2.ScheduleGroups ?? [])].map((g) => g.Name)).toEqual([
      "fj-a",
      "fj-b",
    ]);
    const all = await scheduler.send(new ListScheduleGroupsCommand({}));
    expect(all.ScheduleGroups?.map((g) => g.Name)).toEqual(["default", "fj-a", "fj-b", "other"]);
  });

  it("groups can be tagged; schedules cannot", async () => {
    const { ScheduleGroupArn = "" } = await scheduler.send(
      new CreateScheduleGroupCommand({ Name: "flexjob", Tags: [{ Key: "app", Value: "x" }] }),
    );
    await scheduler.send(
      new TagResourceCommand({ ResourceArn: ScheduleGroupArn, Tags: [{ Key: "env", Value: "prod" }] }),
    );
    const { Tags } = await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: ScheduleGroupArn }));
    expect(Tags).toEqual([
      { Key: "app", Value: "x" },
      { Key: "env", Value: "prod" },
    ]);
    const { ScheduleArn = "" } = await scheduler.send(
      new CreateScheduleCommand(schedule({ GroupName: "flexjob" })),
    );
    const error = await rejects(
      scheduler.send(new TagResourceCommand({ ResourceArn: ScheduleArn, Tags: [{ Key: "a", Value: "b" }] })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    const missing = await rejects(
      scheduler.send(
        new ListTagsForResourceCommand({
          ResourceArn: "arn:aws:scheduler:us-east-1:123456789012:schedule-group/nope",
        }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });
});
