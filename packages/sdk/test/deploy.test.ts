import { DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import { GetRoleCommand, GetRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetScheduleCommand, ListSchedulesCommand } from "@aws-sdk/client-scheduler";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploy, plan } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

const actions = (result: Awaited<ReturnType<typeof deploy>>) =>
  result.plan.steps
    .filter((step) => step.action !== "noop")
    .map((step) => `${step.action} ${step.kind} ${step.id}`);

async function scheduleNames(): Promise<string[]> {
  const page = await deps.clients.scheduler.send(new ListSchedulesCommand({ GroupName: "flexjob-shop" }));
  return (page.Schedules ?? []).map((schedule) => schedule.Name ?? "").sort();
}

describe("first deploy", () => {
  it("creates exactly the app's and each job's resources", async () => {
    const result = await deploy(shopConfig(), {}, deps);
    expect(actions(result)).toEqual([
      "create role shop-flexjob-execution",
      "create role shop-flexjob-scheduler",
      "create role shop-flexjob-pipes",
      "create role shop-flexjob-metrics",
      "create cluster shop",
      "create schedule-group flexjob-shop",
      "create logs-policy flexjob-events-to-logs",
      "create missed-queue flexjob-shop-missed",
      "create log-group /flexjob/shop/report",
      "create log-group /flexjob/shop/cleanup",
      "create log-group /flexjob/shop/runs",
      "create missed-pipe flexjob-shop-missed",
      "create task-definition shop-report",
      "create task-definition shop-cleanup",
      "create state-machine shop-flexjob-metrics",
      "create schedule shop-report",
      "create schedule shop-report.1",
      "create schedule shop-report.2",
      "create schedule shop-cleanup",
      "create event-rule flexjob-shop-runs",
      "create event-rule flexjob-shop-missed",
      "create dashboard flexjob-shop",
    ]);
    expect(result.changed).toBe(true);
    expect(await scheduleNames()).toEqual(["shop-cleanup", "shop-report", "shop-report.1", "shop-report.2"]);

    const { taskDefinition, tags } = await deps.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "shop-report", include: ["TAGS"] }),
    );
    expect(taskDefinition).toMatchObject({
      family: "shop-report",
      revision: 1,
      cpu: "256",
      memory: "512",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" },
      executionRoleArn: "arn:aws:iam::123456789012:role/shop-flexjob-execution",
    });
    expect(taskDefinition?.containerDefinitions?.[0]).toMatchObject({
      name: "report",
      image: "public.ecr.aws/docker/library/busybox:1.37",
      command: ["sh", "-c", "echo report"],
      environment: [
        { name: "FLEXJOB_JOB", value: "report" },
        { name: "LOG_LEVEL", value: "info" },
      ],
      secrets: [
        { name: "DB_URL", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf" },
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/flexjob/shop/report",
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "report",
        },
      },
    });
    expect(Object.fromEntries((tags ?? []).map((tag) => [tag.key, tag.value]))).toMatchObject({
      "flexjob:managed": "true",
      "flexjob:app": "shop",
      "flexjob:job": "report",
      "flexjob:spec-hash": expect.stringMatching(/^[0-9a-f]{32}$/),
    });

    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report.2" }),
    );
    expect(schedule).toMatchObject({
      ScheduleExpression: "cron(30 3 * * ? *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
      State: "ENABLED",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
        RoleArn: "arn:aws:iam::123456789012:role/shop-flexjob-scheduler",
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 },
        EcsParameters: {
          TaskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:1",
          TaskCount: 1,
          LaunchType: "FARGATE",
        },
      },
    });
    const overrides = JSON.parse(schedule.Target?.Input ?? "{}");
    expect(overrides).toEqual({
      containerOverrides: [
        {
          name: "report",
          environment: [
            { name: "FLEXJOB_ATTEMPT", value: "<aws.scheduler.attempt-number>" },
            { name: "FLEXJOB_RUN_ID", value: "<aws.scheduler.execution-id>" },
            { name: "FLEXJOB_SCHEDULED_TIME", value: "<aws.scheduler.scheduled-time>" },
            { name: "FLEXJOB_TASK_COUNT", value: "3" },
            { name: "FLEXJOB_TASK_INDEX", value: "2" },
          ],
        },
      ],
    });
    const subnets = schedule.Target?.EcsParameters?.NetworkConfiguration?.awsvpcConfiguration?.Subnets ?? [];
    expect(subnets.length).toBeGreaterThan(0);

    const role = await deps.clients.iam.send(new GetRoleCommand({ RoleName: "shop-flexjob-scheduler" }));
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ""))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: {
              "aws:SourceArn": [
                "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/flexjob-shop",
                "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/flexjob-shop.*",
              ],
            },
          },
        },
      ],
    });
    expect(role.Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(
      "arn:aws:iam::123456789012:policy/shop-flexjob-boundary",
    );
    const execution = await deps.clients.iam.send(
      new GetRolePolicyCommand({ RoleName: "shop-flexjob-execution", PolicyName: "flexjob-execution" }),
    );
    expect(JSON.parse(decodeURIComponent(execution.PolicyDocument ?? "")).Statement).toContainEqual({
      Sid: "ReadJobSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      // Ends in "-" + 6 characters: a full ARN, or a partial one of a secret named shop/db-AbCdEf.
      Resource: [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf-??????",
      ],
    });
  });

  it("reports the ARNs and next runs of each job", async () => {
    const result = await deploy(shopConfig(), {}, deps);
    expect(result.jobs.find((job) => job.name === "report")).toEqual({
      name: "report",
      image: "public.ecr.aws/docker/library/busybox:1.37",
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:1",
      scheduleArns: [
        "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report",
        "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report.1",
        "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report.2",
      ],
      nextRuns: ["2026-12-02T02:30:00Z", "2026-12-03T02:30:00Z", "2026-12-04T02:30:00Z"],
      // What the runs come from; a first deploy has no schedule's creation to count a rate from yet.
      timing: { expression: "cron(30 3 * * ? *)", timezone: "Europe/Berlin" },
    });
  });
});

describe("schedule options", () => {
  it("deploys spot, a flexible window, start and end dates and a disabled job as Scheduler expects them", async () => {
    const config = shopConfig({
      report: {
        tasks: 1,
        spot: true,
        flexibleWindow: "15m",
        startDate: "2027-01-01T00:00:00Z",
        endDate: "2027-12-31T23:59:59Z",
        enabled: false,
      },
    });
    await deploy(config, {}, deps);
    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
    );
    expect(schedule).toMatchObject({
      State: "DISABLED",
      FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
      StartDate: new Date("2027-01-01T00:00:00Z"),
      EndDate: new Date("2027-12-31T23:59:59Z"),
      Target: {
        EcsParameters: { CapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
      },
    });
    expect(schedule.Target?.EcsParameters?.LaunchType).toBeUndefined();
    aws.clearCalls();
    await deploy(config, {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("leaves out a start date that has passed, which Scheduler would refuse, and stays idempotent", async () => {
    // The fake clock stands at 2026-12-01T10:00:00Z.
    const config = shopConfig({ report: { tasks: 1, startDate: "2026-06-01T00:00:00Z" } });
    const first = await deploy(config, {}, deps);
    expect(first.plan.notes).toContain(
      "job report's startDate has passed: its schedules run from now, and the date is not sent again",
    );
    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
    );
    expect(schedule.StartDate).toBeUndefined();
    aws.clearCalls();
    await deploy(config, {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("sends a future start date, and once it has passed, a redeploy changes nothing", async () => {
    const config = shopConfig({ report: { tasks: 1, startDate: "2026-12-02T00:00:00Z" } });
    await deploy(config, {}, deps);
    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
    );
    expect(schedule.StartDate).toEqual(new Date("2026-12-02T00:00:00Z"));
    aws.clock.advance(3 * 24 * 3_600_000);
    aws.clearCalls();
    await deploy(config, {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
    // A later change to the job updates the schedule without the passed date.
    await deploy(
      shopConfig({ report: { tasks: 1, startDate: "2026-12-02T00:00:00Z", cpu: 1, memory: 2 } }),
      {},
      deps,
    );
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual([
      "RegisterTaskDefinition",
      "UpdateSchedule",
    ]);
  });

  it("leaves the schedules of a job whose endDate has passed as they are, and says so", async () => {
    await deploy(shopConfig({ report: { tasks: 1, endDate: "2026-12-31T00:00:00Z" } }), {}, deps);
    aws.clock.advance(40 * 24 * 3_600_000);
    aws.clearCalls();
    const later = await deploy(
      shopConfig({ report: { tasks: 1, endDate: "2026-12-31T00:00:00Z", cpu: 1, memory: 2 } }),
      {},
      deps,
    );
    expect(later.plan.notes).toContain(
      "job report's endDate has passed: its schedules are left as they are; remove the job (with prune) or move endDate",
    );
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual(["RegisterTaskDefinition"]);
  });

  it("plan reads the account and changes nothing", async () => {
    const steps = await plan(shopConfig(), {}, deps);
    expect(steps.steps.every((step) => step.action === "create")).toBe(true);
    expect(aws.mutatingCalls()).toEqual([]);
  });
});

describe("redeploy", () => {
  it("second deploy with no change sends no mutating call and reports everything unchanged", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const second = await deploy(shopConfig(), {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(second.changed).toBe(false);
    expect(second.plan.steps.every((step) => step.action === "noop")).toBe(true);
    expect(second.plan.steps).toHaveLength(22);
    expect(second.jobs.map((job) => job.scheduleArns.length)).toEqual([3, 1]);
  });

  it("changing only cpu registers one new revision and updates only that job's schedules", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const result = await deploy(shopConfig({ report: { cpu: 0.5, memory: 1 } }), {}, deps);
    expect(actions(result)).toEqual([
      "update task-definition shop-report",
      "update schedule shop-report",
      "update schedule shop-report.1",
      "update schedule shop-report.2",
    ]);
    const taskDefinitionStep = result.plan.steps.find(
      (step) => step.kind === "task-definition" && step.action === "update",
    );
    expect(taskDefinitionStep?.changes).toEqual([
      { path: "cpu", before: "256", after: "512" },
      { path: "memory", before: "512", after: "1024" },
    ]);
    expect(
      aws
        .mutatingCalls()
        .map((call) => call.operation)
        .sort(),
    ).toEqual(["RegisterTaskDefinition", "UpdateSchedule", "UpdateSchedule", "UpdateSchedule"]);
    const revisions = await deps.clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: "shop-report" }),
    );
    expect(revisions.taskDefinitionArns).toHaveLength(2);
    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report.1" }),
    );
    expect(schedule.Target?.EcsParameters?.TaskDefinitionArn).toBe(
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:2",
    );
  });

  it("changing only the schedule updates only the schedules, with no new revision", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const result = await deploy(shopConfig({ report: { schedule: "every day at 04:00" } }), {}, deps);
    expect(actions(result)).toEqual([
      "update schedule shop-report",
      "update schedule shop-report.1",
      "update schedule shop-report.2",
    ]);
    expect(
      result.plan.steps.find((step) => step.kind === "schedule" && step.id === "shop-report")?.changes,
    ).toEqual([{ path: "expression", before: "cron(30 3 * * ? *)", after: "cron(0 4 * * ? *)" }]);
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual([
      "UpdateSchedule",
      "UpdateSchedule",
      "UpdateSchedule",
    ]);
  });

  it("a deploy of one job changes and reads only that job's resources", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const changed = shopConfig({ report: { cpu: 1, memory: 2 } });
    const result = await deploy(changed, { jobs: ["cleanup"] }, deps);
    expect(actions(result)).toEqual([]);
    expect(aws.calls.filter((call) => JSON.stringify(call.input).includes("shop-report"))).toEqual([]);
  });

  it("lowering tasks from 3 to 2 removes exactly the last shard's schedule", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const result = await deploy(shopConfig({ report: { tasks: 2 } }), {}, deps);
    expect(actions(result)).toEqual([
      "update schedule shop-report",
      "update schedule shop-report.1",
      "delete schedule shop-report.2",
    ]);
    expect(await scheduleNames()).toEqual(["shop-cleanup", "shop-report", "shop-report.1"]);
  });
});
