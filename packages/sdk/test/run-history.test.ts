import { DeregisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import { runNow } from "../src/deploy/run-now.js";
import { runs } from "../src/deploy/runs.js";
import type { Deps } from "../src/deps.js";
import { fireSchedule, REGION, shopConfig, startWorld, waitMinutes } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

const since = () => new Date(deps.now().getTime() - 7 * 86_400_000);

describe("run history", () => {
  it("keeps a run after ECS has forgotten its task, with its outcome, exit code and duration", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.ecs.setExitCode("shop-cleanup", 3);
    const started = await runNow(shopConfig(), "cleanup", { wait: true }, deps);
    expect(started.tasks[0]?.exitCode).toBe(3);

    // ECS forgets a stopped task after about an hour; the history does not.
    aws.clock.advance(26 * 3_600_000);
    const [run, ...others] = await runs(shopConfig(), "cleanup", { since: since() }, deps);
    expect(others).toEqual([]);
    expect(run).toMatchObject({
      outcome: "failed",
      attempts: 1,
      logs: { group: "/flexjob/shop/cleanup", streamPrefix: "cleanup" },
    });
    expect(run?.tasks.map((task) => [task.shard, task.exitCode, task.stopCode])).toEqual([
      [0, 3, "EssentialContainerExited"],
    ]);
    expect(run?.durationSeconds).toBeGreaterThan(0);
    expect(await runs(shopConfig(), "report", { since: since() }, deps)).toEqual([]);
  });

  it("records one run per start of a sharded job, one task per shard", async () => {
    await deploy(shopConfig(), {}, deps);
    await runNow(shopConfig(), "report", { wait: true }, deps);
    const [run] = await runs(shopConfig(), "report", { since: since() }, deps);
    expect(run?.outcome).toBe("succeeded");
    expect(run?.tasks.map((task) => task.shard)).toEqual([0, 1, 2]);
  });

  it("an unchanged redeploy writes nothing, and destroy removes the history with the app", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const again = await deploy(shopConfig(), {}, deps);
    expect(again.changed).toBe(false);
    expect(aws.mutatingCalls()).toEqual([]);

    const gone = await destroy(shopConfig(), {}, deps);
    expect(
      gone.plan.steps
        .filter((step) => ["event-rule", "logs-policy"].includes(step.kind) || step.id.endsWith("/runs"))
        .map((step) => `${step.action} ${step.kind} ${step.id}`),
    ).toEqual([
      "delete event-rule flexjob-shop-runs",
      "delete event-rule flexjob-shop-missed",
      "delete log-group /flexjob/shop/runs",
      "delete logs-policy flexjob-events-to-logs",
    ]);
    await expect(runs(shopConfig(), "report", { since: since() }, deps)).rejects.toMatchObject({
      code: "INPUT_INVALID",
      message: "the run history /flexjob/shop/runs does not exist",
    });
  });
});

describe("the shared Logs resource policy", () => {
  it("stays while another app records runs, and goes with the last one", async () => {
    const other = () =>
      parseConfig({
        app: "ops",
        region: REGION,
        jobs: { sweep: { image: "public.ecr.aws/docker/library/alpine:3", schedule: "rate(1 day)" } },
      });
    await deploy(shopConfig(), {}, deps);
    await deploy(other(), {}, deps);
    const kinds = async (config: ReturnType<typeof other>) =>
      (await destroy(config, {}, deps)).plan.steps
        .filter((step) => step.kind === "logs-policy")
        .map((step) => step.id);
    expect(await kinds(shopConfig())).toEqual([]);
    expect(await kinds(other())).toEqual(["flexjob-events-to-logs"]);
  });
});

describe("run history of state-machine runs", () => {
  const config = (report: Record<string, unknown>) =>
    parseConfig({
      app: "shop",
      region: REGION,
      jobs: {
        report: { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "rate(1 hour)", ...report },
      },
    });
  const fire = (executionId: string, at: string) => {
    const started = fireSchedule(aws, { group: "flexjob-shop", name: "shop-report" }, executionId, at);
    expect(started.error).toBeUndefined();
  };

  it("a first attempt that exits 1 and a second that exits 0 are one succeeded run with 2 attempts", async () => {
    await deploy(config({ retries: 2 }), {}, deps);
    aws.ecs.setExitCodes("shop-report", [1, 0]);
    fire("run-1", "2026-12-01T11:00:00Z");
    await waitMinutes(aws, deps, 10);
    const list = await runs(config({ retries: 2 }), "report", { since: since() }, deps);
    expect(list.map((run) => [run.runId, run.scheduledTime, run.outcome, run.attempts])).toEqual([
      ["run-1", "2026-12-01T11:00:00Z", "succeeded", 2],
    ]);
    expect(list[0]?.tasks.map((task) => [task.attempt, task.exitCode])).toEqual([
      [1, 1],
      [2, 0],
    ]);
  });

  it("a run stopped at its timeout is timed out, and a run skipped for overlap is skipped", async () => {
    await deploy(config({ timeout: "5m", overlap: "skip" }), {}, deps);
    aws.ecs.hangNext("shop-report");
    fire("run-1", "2026-12-01T11:00:00Z");
    await waitMinutes(aws, deps, 1);
    fire("run-2", "2026-12-01T12:00:00Z");
    await waitMinutes(aws, deps, 10);
    const list = await runs(config({ timeout: "5m", overlap: "skip" }), "report", { since: since() }, deps);
    expect(Object.fromEntries(list.map((run) => [run.runId, [run.outcome, run.attempts]]))).toEqual({
      "run-1": ["timedOut", 1],
      "run-2": ["skipped", 0],
    });
  });
});

describe("missed runs", () => {
  const cleanup = { group: "flexjob-shop", name: "shop-cleanup" };

  it("a run Scheduler could not start lands in the dead-letter queue and shows as missed, with its reason", async () => {
    await deploy(shopConfig(), {}, deps);
    // Its task definition deregistered behind flexjob's back: ECS refuses every start.
    await deps.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "shop-cleanup:1" }));
    const fired = aws.scheduler.fire({ ...cleanup, at: "2026-12-05T10:00:00Z", executionId: "exec-missed" });
    expect(fired.deadLetter).toMatchObject({
      queueArn: "arn:aws:sqs:eu-west-1:123456789012:flexjob-shop-missed",
      delivered: true,
    });
    // The pipe has moved it into the history: the queue is empty again.
    expect(aws.sqs.messages("flexjob-shop-missed")).toEqual([]);

    aws.clock.advance(26 * 3_600_000);
    const [run, ...others] = await runs(shopConfig(), "cleanup", { since: since() }, deps);
    expect(others).toEqual([]);
    expect(run).toMatchObject({
      runId: "exec-missed",
      scheduledTime: "2026-12-05T10:00:00Z",
      outcome: "missed",
      attempts: 0,
      tasks: [],
    });
    expect(run?.reason).toMatch(/^ClientException: .*inactive/i);
    // Another job's history does not show it.
    expect(await runs(shopConfig(), "report", { since: since() }, deps)).toEqual([]);
  });

  it("a start that was throttled until startRetry ran out is missed too, and backfill catches it up", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.scheduler.fire({
      ...cleanup,
      at: "2026-12-05T10:00:00Z",
      executionId: "exec-1",
      targetError: "throttle",
    });
    const [run] = await runs(shopConfig(), "cleanup", { since: since() }, deps);
    expect(run).toMatchObject({ outcome: "missed", scheduledTime: "2026-12-05T10:00:00Z" });
    expect(run?.reason).toMatch(/^ThrottlingException/);
  });

  it("destroy removes the queue, the pipe, its role and the rule", async () => {
    await deploy(shopConfig(), {}, deps);
    const gone = await destroy(shopConfig(), {}, deps);
    expect(
      gone.plan.steps
        .filter((step) => step.id.includes("missed") || step.id.endsWith("-pipes"))
        .map((step) => `${step.action} ${step.kind} ${step.id}`)
        .sort(),
    ).toEqual([
      "delete event-rule flexjob-shop-missed",
      "delete missed-pipe flexjob-shop-missed",
      "delete missed-queue flexjob-shop-missed",
      "delete role shop-flexjob-pipes",
    ]);
    const { services } = aws.snapshot();
    expect(services.sqs).toEqual([]);
    expect(services.pipes).toMatchObject({ pipes: [] });
  });
});
