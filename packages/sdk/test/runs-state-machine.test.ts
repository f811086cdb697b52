/**
 * Runs through a job's state machine, end to end against fake-aws: deploy, fire the schedule as
 * Scheduler does (its StartExecution target, with its role and context attributes), and watch
 * what ECS ran.
 */
import { DescribeTasksCommand, ListTasksCommand, type Task } from "@aws-sdk/client-ecs";
import { ListRolesCommand } from "@aws-sdk/client-iam";
import { GetScheduleCommand } from "@aws-sdk/client-scheduler";
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  ListStateMachinesCommand,
} from "@aws-sdk/client-sfn";
import { type FakeAws, isAllowed } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import { deployPolicy } from "../src/deploy/iam-policy.js";
import { runNow } from "../src/deploy/run-now.js";
import { status } from "../src/deploy/status.js";
import type { Deps } from "../src/deps.js";
import { callRequests } from "./call-requests.js";
import { REGION, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

const FAMILY = "shop-report";
const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:shop-report";
const METRICS = "arn:aws:states:eu-west-1:123456789012:stateMachine:shop-flexjob-metrics";

function config(report: Record<string, unknown>) {
  return parseConfig({
    app: "shop",
    region: REGION,
    jobs: {
      report: {
        image: "public.ecr.aws/docker/library/busybox:1.37",
        command: ["sh", "-c", "echo report"],
        schedule: "rate(1 hour)",
        ...report,
      },
    },
  });
}

/** The schedule fires as Scheduler fires it: its target, with its role, for this execution id. */
async function fire(executionId: string, scheduledTime = "2026-12-01T11:00:00Z") {
  const invocation = aws.scheduler.fire({
    group: "flexjob-shop",
    name: "shop-report",
    at: scheduledTime,
    executionId,
  });
  expect(invocation.error).toBeUndefined();
  return invocation.executionArn ?? "";
}

async function execution(arn: string): Promise<DescribeExecutionOutput> {
  return deps.clients.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
}

/** Moves the fake clock a minute at a time, so every timer on the way fires in order. */
async function wait(minutes: number) {
  for (let minute = 0; minute < minutes; minute++) {
    aws.clock.advance(60_000);
    await deps.clients.sfn.send(new ListStateMachinesCommand({}));
  }
}

/** Every task of the job, oldest first. */
async function tasks(): Promise<Task[]> {
  const arns: string[] = [];
  for (const desiredStatus of ["RUNNING", "STOPPED"] as const) {
    const page = await deps.clients.ecs.send(
      new ListTasksCommand({ cluster: "shop", family: FAMILY, desiredStatus }),
    );
    arns.push(...(page.taskArns ?? []));
  }
  if (arns.length === 0) return [];
  const described = await deps.clients.ecs.send(new DescribeTasksCommand({ cluster: "shop", tasks: arns }));
  return (described.tasks ?? []).sort(
    (a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0),
  );
}

function envOf(task: Task | undefined, name: string): string | undefined {
  const environment = task?.overrides?.containerOverrides?.[0]?.environment ?? [];
  return environment.find((each) => each.name === name)?.value;
}

describe("retries", () => {
  it("a first attempt that exits 1 and a second that exits 0 are one succeeded run of 2 attempts", async () => {
    await deploy(config({ retries: 2 }), {}, deps);
    aws.ecs.setExitCodes(FAMILY, [1, 0]);
    const arn = await fire("run-1");
    await wait(10);
    expect((await execution(arn)).status).toBe("SUCCEEDED");
    const ran = await tasks();
    expect(ran.map((task) => envOf(task, "FLEXJOB_ATTEMPT"))).toEqual(["1", "2"]);
    expect(ran.map((task) => envOf(task, "FLEXJOB_RUN_ID"))).toEqual(["run-1", "run-1"]);
    expect(ran.map((task) => envOf(task, "FLEXJOB_SCHEDULED_TIME"))).toEqual([
      "2026-12-01T11:00:00Z",
      "2026-12-01T11:00:00Z",
    ]);
  });

  it("a job that always fails is retried exactly twice, and the run ends FAILED", async () => {
    await deploy(config({ retries: 2 }), {}, deps);
    aws.ecs.setExitCodes(FAMILY, [1, 1, 1, 1]);
    const arn = await fire("run-1");
    await wait(15);
    expect((await execution(arn)).status).toBe("FAILED");
    expect((await tasks()).map((task) => envOf(task, "FLEXJOB_ATTEMPT"))).toEqual(["1", "2", "3"]);
  });

  it("shards retry independently: only the failed shard runs again", async () => {
    await deploy(config({ retries: 2, tasks: 2 }), {}, deps);
    aws.ecs.setExitCodes(FAMILY, [1, 0, 0]);
    const arn = await fire("run-1");
    await wait(10);
    expect((await execution(arn)).status).toBe("SUCCEEDED");
    const attempts = (await tasks()).map(
      (task) =>
        `${envOf(task, "FLEXJOB_TASK_INDEX")}/${envOf(task, "FLEXJOB_TASK_COUNT")}#${envOf(task, "FLEXJOB_ATTEMPT")}`,
    );
    expect(attempts.sort()).toEqual(["0/2#1", "0/2#2", "1/2#1"]);
  });

  it("a task a person stopped is not retried", async () => {
    await deploy(config({ retries: 2 }), {}, deps);
    aws.ecs.hangNext(FAMILY);
    const arn = await fire("run-1");
    await wait(1);
    const [running] = await tasks();
    aws.ecs.stopTask(running?.taskArn ?? "");
    await wait(10);
    expect((await execution(arn)).status).toBe("FAILED");
    expect(await tasks()).toHaveLength(1);
  });
});

describe("timeout, overlap and exactly-once starts", () => {
  it("timeout: 1m stops a hanging task and the run ends TIMED_OUT", async () => {
    await deploy(config({ timeout: "1m" }), {}, deps);
    aws.ecs.hangNext(FAMILY);
    const arn = await fire("run-1");
    await wait(5);
    expect((await execution(arn)).status).toBe("TIMED_OUT");
    expect((await tasks()).map((task) => task.lastStatus)).toEqual(["STOPPED"]);
  });

  it("overlap: skip ends a run at once, as succeeded and skipped, while another is going", async () => {
    await deploy(config({ overlap: "skip" }), {}, deps);
    aws.ecs.hangNext(FAMILY);
    const first = await fire("run-1");
    await wait(1);
    const second = await fire("run-2", "2026-12-01T12:00:00Z");
    await wait(1);
    const skipped = await execution(second);
    expect(skipped.status).toBe("SUCCEEDED");
    expect(JSON.parse(skipped.output ?? "{}")).toMatchObject({ skipped: true });
    expect((await execution(first)).status).toBe("RUNNING");
    expect(await tasks()).toHaveLength(1);
  });

  it("a duplicate delivery of one execution id starts one run", async () => {
    await deploy(config({ retries: 1 }), {}, deps);
    const first = await fire("run-1");
    const again = await fire("run-1");
    await wait(5);
    expect(again).toBe(first);
    expect(await tasks()).toHaveLength(1);
  });
});

describe("flexjob run", () => {
  it("a manual run goes through the state machine: it retries, and reports each attempt's task", async () => {
    await deploy(config({ retries: 2, tasks: 2 }), {}, deps);
    aws.ecs.setExitCodes(FAMILY, [1, 0, 0]);
    const run = await runNow(
      config({ retries: 2, tasks: 2 }),
      "report",
      { wait: true, pollMs: 10_000 },
      deps,
    );
    expect(run.succeeded).toBe(true);
    expect(run.tasks.map((task) => [task.shard, task.exitCode]).sort()).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
    const ran = await tasks();
    expect(new Set(ran.map((task) => envOf(task, "FLEXJOB_RUN_ID")))).toEqual(new Set([run.runId]));
  });

  it("a manual run that fails every attempt is not succeeded", async () => {
    await deploy(config({ retries: 1 }), {}, deps);
    aws.ecs.setExitCodes(FAMILY, [3, 3]);
    const run = await runNow(config({ retries: 1 }), "report", { wait: true, pollMs: 10_000 }, deps);
    expect(run.succeeded).toBe(false);
    expect(run.tasks.map((task) => task.exitCode)).toEqual([3, 3]);
  });
});

describe("flexjob status", () => {
  it("shows a state-machine job's tasks from the app's cluster", async () => {
    await deploy(config({ retries: 1 }), {}, deps);
    aws.ecs.hangNext(FAMILY);
    await fire("run-1");
    await wait(1);
    const [job] = await status(config({ retries: 1 }), deps);
    expect(job?.running.map((task) => task.lastStatus)).toEqual(["RUNNING"]);
  });
});

describe("deploy, redeploy and destroy", () => {
  it("a job without retries, timeout or overlap keeps the direct ECS target and gets no state machine", async () => {
    await deploy(config({}), {}, deps);
    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
    );
    expect(schedule.Target?.Arn).toBe("arn:aws:ecs:eu-west-1:123456789012:cluster/shop");
    // The app's metrics machine is the only one.
    expect(aws.mutatingCalls("states").map((call) => [call.operation, call.input.name])).toEqual([
      ["CreateStateMachine", "shop-flexjob-metrics"],
    ]);
  });

  it("an unchanged redeploy sends no mutating call", async () => {
    await deploy(config({ retries: 2, tasks: 2, overlap: "replace" }), {}, deps);
    aws.clearCalls();
    const result = await deploy(config({ retries: 2, tasks: 2, overlap: "replace" }), {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(
      result.plan.steps.filter((step) => step.kind === "state-machine").map((step) => [step.id, step.action]),
    ).toEqual([
      ["shop-report", "noop"],
      ["shop-flexjob-metrics", "noop"],
    ]);
  });

  it("dropping retries moves the schedule back to ECS, then deletes the state machine", async () => {
    await deploy(config({ retries: 2 }), {}, deps);
    aws.clearCalls();
    await deploy(config({}), {}, deps);
    expect(
      aws
        .mutatingCalls()
        .map((call) => call.operation)
        .filter((operation) => ["UpdateSchedule", "DeleteStateMachine"].includes(operation)),
    ).toEqual(["UpdateSchedule", "DeleteStateMachine"]);
    const machines = await deps.clients.sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines?.map((machine) => machine.stateMachineArn)).toEqual([METRICS]);
  });

  it("destroy leaves no state machine", async () => {
    await deploy(config({ retries: 2 }), {}, deps);
    const before = await deps.clients.sfn.send(new ListStateMachinesCommand({}));
    expect(before.stateMachines?.map((machine) => machine.stateMachineArn).sort()).toEqual([
      METRICS,
      MACHINE,
    ]);
    await destroy(config({ retries: 2 }), {}, deps);
    const after = await deps.clients.sfn.send(new ListStateMachinesCommand({}));
    expect(after.stateMachines).toEqual([]);
  });

  it("destroy with a config that dropped retries still removes the state machine and the states role, within the destroy policy", async () => {
    await deploy(config({ retries: 2 }), {}, deps);
    aws.clearCalls();
    await destroy(config({}), {}, deps);
    // The replay knows no role's boundary, which DeleteRolePolicy is conditioned on: left out.
    const policy = deployPolicy(config({}), { accountId: aws.accountId, destroy: true });
    const refused = callRequests(aws.calls, aws.accountId).filter(
      (request) =>
        request.exact &&
        request.action !== "iam:DeleteRolePolicy" &&
        !isAllowed({ identity: [policy] }, request),
    );
    expect(refused).toEqual([]);
    const after = await deps.clients.sfn.send(new ListStateMachinesCommand({}));
    expect(after.stateMachines).toEqual([]);
    const { Roles = [] } = await deps.clients.iam.send(new ListRolesCommand({}));
    expect(Roles.map((role) => role.RoleName)).toEqual([]);
  });
});
