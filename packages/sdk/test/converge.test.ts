import {
  DescribeTasksCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { CreateScheduleCommand, GetScheduleCommand, ListSchedulesCommand } from "@aws-sdk/client-scheduler";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import { runNow } from "../src/deploy/run-now.js";
import type { Deps } from "../src/deps.js";
import { FlexjobError } from "../src/errors.js";
import { shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

async function revisions(family: string): Promise<string[]> {
  const page = await deps.clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, status: "ACTIVE" }),
  );
  return page.taskDefinitionArns ?? [];
}

async function schedulesIn(group: string): Promise<string[]> {
  const page = await deps.clients.scheduler.send(new ListSchedulesCommand({ GroupName: group }));
  return (page.Schedules ?? []).map((schedule) => schedule.Name ?? "").sort();
}

async function expectConverged(): Promise<void> {
  aws.clearCalls();
  const again = await deploy(shopConfig(), {}, deps);
  expect(aws.mutatingCalls()).toEqual([]);
  expect(again.changed).toBe(false);
}

describe("concurrent deploys", () => {
  it("two deploys of the same config started at once converge to one correct state", async () => {
    const [first, second] = await Promise.all([
      deploy(shopConfig(), {}, deps),
      deploy(shopConfig(), {}, deps),
    ]);
    expect(first.changed || second.changed).toBe(true);
    expect(await schedulesIn("flexjob-shop")).toEqual([
      "shop-cleanup",
      "shop-report",
      "shop-report.1",
      "shop-report.2",
    ]);
    await expectConverged();
  });
});

describe("a failure midway", () => {
  const mutatingSteps = [
    ["iam", "CreateRole"],
    ["iam", "PutRolePolicy"],
    ["ecs", "CreateCluster"],
    ["scheduler", "CreateScheduleGroup"],
    ["logs", "CreateLogGroup"],
    ["logs", "PutRetentionPolicy"],
    ["ecs", "RegisterTaskDefinition"],
    ["scheduler", "CreateSchedule"],
  ] as const;

  it.each(mutatingSteps)(
    "at %s %s says what was done, and a rerun converges with nothing duplicated",
    async (service, operation) => {
      const fault = aws.fault({ service, operation, kind: "500", times: 100 });
      const failed = await deploy(shopConfig(), {}, deps).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(FlexjobError);
      const message = (failed as FlexjobError).message;
      expect(message).toMatch(/^deploy of shop stopped: \d+ steps? failed, first /);
      expect(message).toMatch(/\ndone \(\d+\): /);
      expect(message).toMatch(/\nnot done \(\d+\): .*create schedule shop-report/);
      expect((failed as FlexjobError).remedy).toContain("deploy again");
      fault.remove();

      await deploy(shopConfig(), {}, deps);
      await expectConverged();
      expect(await revisions("shop-report")).toHaveLength(1);
      expect(await revisions("shop-cleanup")).toHaveLength(1);
      expect(await schedulesIn("flexjob-shop")).toEqual([
        "shop-cleanup",
        "shop-report",
        "shop-report.1",
        "shop-report.2",
      ]);
    },
  );

  it("never leaves a schedule pointing at a revision that does not exist", async () => {
    await deploy(shopConfig(), {}, deps);
    const fault = aws.fault({ service: "scheduler", operation: "UpdateSchedule", kind: "500", times: 100 });
    await expect(deploy(shopConfig({ report: { cpu: 1, memory: 2 } }), {}, deps)).rejects.toBeInstanceOf(
      FlexjobError,
    );
    fault.remove();
    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
    );
    expect(await revisions("shop-report")).toContain(schedule.Target?.EcsParameters?.TaskDefinitionArn);
    await deploy(shopConfig({ report: { cpu: 1, memory: 2 } }), {}, deps);
    aws.clearCalls();
    await deploy(shopConfig({ report: { cpu: 1, memory: 2 } }), {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
  });
});

describe("runNow", () => {
  it("starts every shard with its own env and reports each task's exit code", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.ecs.setExitCode("shop-report", 3);
    const result = await runNow(shopConfig(), "report", { wait: true }, deps);
    expect(result.succeeded).toBe(false);
    expect(result.tasks.map((task) => [task.shard, task.lastStatus, task.exitCode])).toEqual([
      [0, "STOPPED", 3],
      [1, "STOPPED", 3],
      [2, "STOPPED", 3],
    ]);
    const { tasks = [] } = await deps.clients.ecs.send(
      new DescribeTasksCommand({ cluster: "shop", tasks: result.tasks.map((task) => task.taskArn) }),
    );
    const envOf = (index: number) =>
      Object.fromEntries(
        (tasks[index]?.overrides?.containerOverrides?.[0]?.environment ?? []).map((variable) => [
          variable.name,
          variable.value,
        ]),
      );
    expect(envOf(1)).toEqual({
      FLEXJOB_ATTEMPT: "1",
      FLEXJOB_RUN_ID: result.runId,
      FLEXJOB_SCHEDULED_TIME: "2026-12-01T10:00:00Z",
      FLEXJOB_TASK_COUNT: "3",
      FLEXJOB_TASK_INDEX: "1",
    });
    expect(tasks.map((task) => task.taskDefinitionArn)).toEqual(
      Array(3).fill("arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:1"),
    );
  });

  it("succeeds when every task exits 0", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.ecs.setExitCode("shop-cleanup", 0);
    const result = await runNow(shopConfig(), "cleanup", { wait: true }, deps);
    expect(result).toMatchObject({ job: "cleanup", succeeded: true, tasks: [{ shard: 0, exitCode: 0 }] });
  });

  it("refuses a job that is not deployed, naming the fix", async () => {
    await expect(runNow(shopConfig(), "report", {}, deps)).rejects.toMatchObject({
      message: "job report is not deployed (no schedule for task 0, 1, 2)",
      remedy: "run flexjob deploy first; run uses exactly what is deployed",
    });
  });
});

describe("destroy", () => {
  it("removes exactly what flexjob created and nothing else, and is idempotent", async () => {
    await deploy(shopConfig(), {}, deps);
    const subnet = (
      await deps.clients.scheduler.send(
        new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
      )
    ).Target?.EcsParameters?.NetworkConfiguration?.awsvpcConfiguration?.Subnets?.[0];
    await deps.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "shop-foreign",
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: "256",
        memory: "512",
        containerDefinitions: [{ name: "main", image: "busybox" }],
      }),
    );
    // flexjob's scheduler role trusts only the app's schedule groups, so a schedule made by hand in
    // the default group needs a role of its own.
    await deps.clients.iam.send(
      new CreateRoleCommand({
        RoleName: "by-hand-scheduler",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      }),
    );
    await deps.clients.scheduler.send(
      new CreateScheduleCommand({
        Name: "shop-report-by-hand",
        ScheduleExpression: "rate(1 day)",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: {
          Arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
          RoleArn: "arn:aws:iam::123456789012:role/by-hand-scheduler",
          EcsParameters: {
            TaskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-foreign:1",
            LaunchType: "FARGATE",
            NetworkConfiguration: { awsvpcConfiguration: { Subnets: [subnet ?? ""] } },
          },
        },
      }),
    );

    const job = await destroy(shopConfig(), { job: "report" }, deps);
    expect(job.plan.steps.map((step) => `${step.action} ${step.kind} ${step.id}`)).toEqual([
      "delete schedule shop-report",
      "delete schedule shop-report.1",
      "delete schedule shop-report.2",
      "delete task-definition shop-report",
      "delete log-group /flexjob/shop/report",
    ]);
    expect(await schedulesIn("flexjob-shop")).toEqual(["shop-cleanup"]);

    const app = await destroy(shopConfig(), {}, deps);
    expect(app.changed).toBe(true);
    expect(await schedulesIn("default")).toEqual(["shop-report-by-hand"]);
    expect(await revisions("shop-foreign")).toHaveLength(1);
    expect(await revisions("shop-report")).toEqual([]);
    expect(await revisions("shop-cleanup")).toEqual([]);

    aws.clearCalls();
    const again = await destroy(shopConfig(), {}, deps);
    expect(again).toMatchObject({ changed: false, plan: { steps: [] } });
    expect(aws.mutatingCalls()).toEqual([]);
  });
});
