/**
 * Run metrics end to end against fake-aws: deploy, let runs end as ECS and Step Functions end
 * them, and read back from CloudWatch the data points the dashboard graphs, beside the run history
 * they come from.
 */
import {
  type Datapoint,
  GetDashboardCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutDashboardCommand,
} from "@aws-sdk/client-cloudwatch";
import { ListTasksCommand } from "@aws-sdk/client-ecs";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import { runs } from "../src/deploy/runs.js";
import type { Deps } from "../src/deps.js";
import { fireSchedule, REGION, startWorld, waitMinutes } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
  // Whole seconds, so the history's rounded durations and the metrics' exact ones agree.
  aws.ecs.setPhases({ provisioningMs: 5_000, pendingMs: 10_000, runningMs: 42_000, stoppingMs: 3_000 });
});
afterEach(() => aws.close());

function raw(top: Record<string, unknown> = {}) {
  return {
    app: "shop",
    region: REGION,
    ...top,
    jobs: {
      report: {
        image: "public.ecr.aws/docker/library/busybox:1.37",
        command: "echo report",
        schedule: "rate(1 hour)",
        retries: 2,
      },
      cleanup: {
        image: "public.ecr.aws/docker/library/alpine:3",
        command: "echo cleanup",
        schedule: "rate(1 hour)",
      },
    },
  };
}

function fire(job: string, executionId: string, at: string) {
  expect(fireSchedule(aws, { group: "flexjob-shop", name: `shop-${job}` }, executionId, at).error).toBe(
    undefined,
  );
}

/** Every data point of one metric of one job since the test began, as CloudWatch aggregates it. */
async function statistics(job: string, metric: string): Promise<Datapoint[]> {
  const answer = await deps.clients.cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: "flexjob",
      MetricName: metric,
      Dimensions: [
        { Name: "app", Value: "shop" },
        { Name: "job", Value: job },
      ],
      StartTime: new Date("2026-12-01T00:00:00Z"),
      EndTime: new Date(deps.now().getTime() + 3_600_000),
      Period: 86_400,
      Statistics: ["Sum", "SampleCount", "Maximum", "Minimum"],
    }),
  );
  return answer.Datapoints ?? [];
}

const sum = async (job: string, metric: string) =>
  (await statistics(job, metric)).reduce((total, point) => total + (point.Sum ?? 0), 0);

describe("run metrics", () => {
  it("count runs, failures, attempts and missed runs per job, and time each run exactly as the history does", async () => {
    await deploy(parseConfig(raw()), {}, deps);
    aws.ecs.setExitCodes("shop-report", [1, 0]);
    aws.ecs.setExitCodes("shop-cleanup", [1, 0]);
    fire("report", "run-1", "2026-12-01T10:00:00Z");
    fire("cleanup", "run-1", "2026-12-01T10:00:00Z");
    await waitMinutes(aws, deps, 5);
    fire("cleanup", "run-2", "2026-12-01T10:05:00Z");
    const missed = aws.scheduler.fire({
      group: "flexjob-shop",
      name: "shop-cleanup",
      at: "2026-12-01T10:06:00Z",
      executionId: "run-3",
      targetError: "throttle",
    });
    expect(missed.deadLetter?.delivered).toBe(true);
    await waitMinutes(aws, deps, 5);

    // The state-machine job: one run that took two attempts and succeeded.
    expect(await sum("report", "Runs")).toBe(1);
    expect(await sum("report", "Failures")).toBe(0);
    expect(await sum("report", "Attempts")).toBe(2);
    // The direct job: one failed run, one that succeeded, one Scheduler could not start.
    expect(await sum("cleanup", "Runs")).toBe(2);
    expect(await sum("cleanup", "Failures")).toBe(1);
    expect(await sum("cleanup", "Attempts")).toBe(2);
    expect(await sum("cleanup", "Missed")).toBe(1);
    expect(await sum("report", "Missed")).toBe(0);

    const since = new Date("2026-12-01T00:00:00Z");
    const history = (job: string) => runs(parseConfig(raw()), job, { since }, deps);
    const durations = async (job: string) =>
      (await history(job)).flatMap((run) => (run.durationSeconds === undefined ? [] : [run.durationSeconds]));
    const [reportRun] = await durations("report");
    const [duration] = await statistics("report", "Duration");
    expect(duration).toMatchObject({ SampleCount: 1, Maximum: reportRun, Unit: "Seconds" });
    const cleanup = await statistics("cleanup", "Duration");
    const cleanupRuns = await durations("cleanup");
    expect(cleanup.reduce((total, point) => total + (point.SampleCount ?? 0), 0)).toBe(2);
    expect(cleanup[0]?.Maximum).toBe(Math.max(...cleanupRuns));
    expect(cleanup[0]?.Minimum).toBe(Math.min(...cleanupRuns));
    expect(cleanupRuns).toEqual([45, 45]);
  });

  it("a timed-out run fails, a skipped run and a refused duplicate are not runs, and a shard's missed run is its job's", async () => {
    const config = parseConfig({
      app: "shop",
      region: REGION,
      jobs: {
        sync: {
          image: "public.ecr.aws/docker/library/alpine:3",
          command: "echo sync",
          schedule: "rate(1 hour)",
          overlap: "skip",
          timeout: "3m",
        },
        cleanup: {
          image: "public.ecr.aws/docker/library/alpine:3",
          command: "echo cleanup",
          schedule: "rate(1 hour)",
          tasks: 2,
        },
      },
    });
    await deploy(config, {}, deps);
    aws.ecs.hangNext("shop-sync");
    fire("sync", "run-1", "2026-12-01T10:00:00Z");
    await waitMinutes(aws, deps, 1);
    fire("sync", "run-2", "2026-12-01T10:01:00Z");
    await waitMinutes(aws, deps, 5);
    const duplicate = aws.scheduler.fire({ group: "flexjob-shop", name: "shop-sync", executionId: "run-1" });
    expect(duplicate.deadLetter?.delivered).toBe(true);
    const missed = aws.scheduler.fire({
      group: "flexjob-shop",
      name: "shop-cleanup.1",
      at: "2026-12-01T10:06:00Z",
      executionId: "run-9",
      targetError: "throttle",
    });
    expect(missed.deadLetter?.delivered).toBe(true);
    await waitMinutes(aws, deps, 3);
    const outcomes = (await runs(config, "sync", { since: new Date("2026-12-01T00:00:00Z") }, deps)).map(
      (run) => [run.runId, run.outcome],
    );
    expect(outcomes).toEqual([
      ["run-1", "timedOut"],
      ["run-2", "skipped"],
    ]);
    expect(await sum("sync", "Runs")).toBe(1);
    expect(await sum("sync", "Failures")).toBe(1);
    expect(await sum("sync", "Missed")).toBe(0);
    expect((await statistics("sync", "Duration"))[0]).toMatchObject({ SampleCount: 1, Maximum: 180 });
    expect(await sum("cleanup", "Missed")).toBe(1);
    expect(await sum("cleanup", "Runs")).toBe(0);
  });

  it("a run a person stops counts as a run, not a failure", async () => {
    await deploy(parseConfig(raw()), {}, deps);
    aws.ecs.hangNext("shop-cleanup");
    fire("cleanup", "run-1", "2026-12-01T10:00:00Z");
    await waitMinutes(aws, deps, 1);
    const { taskArns = [] } = await deps.clients.ecs.send(
      new ListTasksCommand({ cluster: "shop", desiredStatus: "RUNNING" }),
    );
    expect(taskArns).toHaveLength(1);
    for (const task of taskArns) aws.ecs.stopTask(task);
    await waitMinutes(aws, deps, 3);
    expect(await sum("cleanup", "Runs")).toBe(1);
    expect(await sum("cleanup", "Failures")).toBe(0);
  });

  // The role stays until destroy, as the states and alerts roles do when their last user goes.
  it("metrics: false publishes nothing, and removes the machine, the rules' metrics target and the dashboard", async () => {
    await deploy(parseConfig(raw()), {}, deps);
    const off = await deploy(parseConfig(raw({ metrics: false })), {}, deps);
    expect(
      off.plan.steps
        .filter((step) => step.action !== "noop")
        .map((step) => [step.kind, step.id, step.action])
        .sort(),
    ).toEqual([
      ["dashboard", "flexjob-shop", "delete"],
      ["event-rule", "flexjob-shop-executions", "update"],
      ["event-rule", "flexjob-shop-missed", "update"],
      ["event-rule", "flexjob-shop-runs", "update"],
      ["state-machine", "shop-flexjob-metrics", "delete"],
    ]);
    aws.ecs.setExitCodes("shop-cleanup", [1]);
    fire("cleanup", "run-1", "2026-12-01T10:00:00Z");
    await waitMinutes(aws, deps, 5);
    const { Metrics = [] } = await deps.clients.cloudwatch.send(
      new ListMetricsCommand({ Namespace: "flexjob" }),
    );
    expect(Metrics).toEqual([]);
  });
});

describe("the dashboard", () => {
  it("is written once, links from the deploy, and an unchanged redeploy leaves it alone", async () => {
    const first = await deploy(parseConfig(raw({ insights: true })), {}, deps);
    expect(first.dashboardUrl).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/flexjob-shop",
    );
    const { DashboardBody = "" } = await deps.clients.cloudwatch.send(
      new GetDashboardCommand({ DashboardName: "flexjob-shop" }),
    );
    const widgets = (
      JSON.parse(DashboardBody) as { widgets: { type: string; properties: { title?: string } }[] }
    ).widgets;
    expect(widgets.map((widget) => [widget.type, widget.properties.title])).toEqual([
      ["text", undefined],
      ["metric", "cleanup: runs and failures"],
      ["metric", "cleanup: duration (seconds)"],
      ["metric", "cleanup: attempts (beyond runs: retries)"],
      ["metric", "cleanup: CPU (units) and memory (MiB) used"],
      ["metric", "report: runs and failures"],
      ["metric", "report: duration (seconds)"],
      ["metric", "report: attempts (beyond runs: retries)"],
      ["metric", "report: CPU (units) and memory (MiB) used"],
      ["log", "Latest failed runs"],
      ["log", "Latest error lines (stream name ends in the task id)"],
    ]);
    const again = await deploy(parseConfig(raw({ insights: true })), {}, deps);
    expect(again.changed).toBe(false);
    expect(again.plan.steps.filter((step) => step.action !== "noop")).toEqual([]);
  });

  it("a dashboard of that name that flexjob did not write is refused, never overwritten", async () => {
    const body = JSON.stringify({
      widgets: [{ type: "text", x: 0, y: 0, width: 6, height: 2, properties: { markdown: "ours" } }],
    });
    await deps.clients.cloudwatch.send(
      new PutDashboardCommand({ DashboardName: "flexjob-shop", DashboardBody: body }),
    );
    await expect(deploy(parseConfig(raw()), {}, deps)).rejects.toThrow(
      'CloudWatch dashboard "flexjob-shop" exists and was not created by flexjob',
    );
    const { DashboardBody } = await deps.clients.cloudwatch.send(
      new GetDashboardCommand({ DashboardName: "flexjob-shop" }),
    );
    expect(DashboardBody).toBe(body);
    // Without a use for the name, flexjob leaves it be: a deploy with dashboard: false, a destroy.
    await deploy(parseConfig(raw({ dashboard: false })), {}, deps);
    await destroy(parseConfig(raw({ dashboard: false })), {}, deps);
    const after = await deps.clients.cloudwatch.send(
      new GetDashboardCommand({ DashboardName: "flexjob-shop" }),
    );
    expect(after.DashboardBody).toBe(body);
  });

  it("destroy removes the dashboard with the app", async () => {
    await deploy(parseConfig(raw()), {}, deps);
    await destroy(parseConfig(raw()), {}, deps);
    await expect(
      deps.clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: "flexjob-shop" })),
    ).rejects.toThrow();
  });
});
