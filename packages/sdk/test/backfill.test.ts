import { DescribeTasksCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backfill } from "../src/deploy/backfill.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { fireSchedule, shopConfig, startWorld, waitMinutes } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

/** The FLEXJOB_SCHEDULED_TIME of every task of the report job ECS still knows, sorted. */
async function scheduledTimesRun(): Promise<string[]> {
  const arns: string[] = [];
  for (const desiredStatus of ["RUNNING", "STOPPED"] as const) {
    const page = await deps.clients.ecs.send(
      new ListTasksCommand({ cluster: "shop", family: "shop-report", desiredStatus }),
    );
    arns.push(...(page.taskArns ?? []));
  }
  if (arns.length === 0) return [];
  const { tasks = [] } = await deps.clients.ecs.send(
    new DescribeTasksCommand({ cluster: "shop", tasks: arns }),
  );
  return tasks
    .map(
      (task) =>
        task.overrides?.containerOverrides?.[0]?.environment?.find(
          (each) => each.name === "FLEXJOB_SCHEDULED_TIME",
        )?.value ?? "",
    )
    .sort();
}

// report runs every day at 03:30 Europe/Berlin: 02:30 UTC in December.
const window = { from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-04T00:00:00Z") };

describe("backfill", () => {
  it("starts one run for each scheduled time in the window with no run in the history, with its real scheduled time", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clock.advance(3 * 24 * 3_600_000); // 2026-12-04T10:00Z
    expect(
      fireSchedule(aws, { group: "flexjob-shop", name: "shop-report" }, "run-2", "2026-12-02T02:30:00Z")
        .error,
    ).toBeUndefined();
    await waitMinutes(aws, deps, 5);

    const planned = await backfill(shopConfig(), "report", { ...window, dryRun: true }, deps);
    expect(planned).toEqual({
      job: "report",
      scheduled: ["2026-12-01T02:30:00Z", "2026-12-02T02:30:00Z", "2026-12-03T02:30:00Z"],
      recorded: ["2026-12-02T02:30:00Z"],
      started: [
        { scheduledTime: "2026-12-01T02:30:00Z", runId: "backfill-report-20261201t023000z" },
        { scheduledTime: "2026-12-03T02:30:00Z", runId: "backfill-report-20261203t023000z" },
      ],
    });
    expect(await scheduledTimesRun()).toEqual(["2026-12-02T02:30:00Z"]);

    const done = await backfill(shopConfig(), "report", window, deps);
    expect(done.started).toEqual(planned.started);
    // Three shards a run.
    expect(await scheduledTimesRun()).toEqual([
      ...Array(3).fill("2026-12-01T02:30:00Z"),
      "2026-12-02T02:30:00Z",
      ...Array(3).fill("2026-12-03T02:30:00Z"),
    ]);

    // Once they have run, the history has them all: a second backfill starts nothing.
    await waitMinutes(aws, deps, 5);
    expect((await backfill(shopConfig(), "report", window, deps)).started).toEqual([]);
  });

  it("refuses a window in the future, backwards, or of more than 500 runs, naming the fix", async () => {
    await deploy(shopConfig(), {}, deps);
    const now = deps.now();
    await expect(
      backfill(shopConfig(), "report", { from: now, to: new Date(now.getTime() + 3_600_000) }, deps),
    ).rejects.toMatchObject({ code: "INPUT_INVALID", message: expect.stringMatching(/is in the future$/) });
    await expect(
      backfill(shopConfig(), "report", { from: window.to, to: window.from }, deps),
    ).rejects.toMatchObject({
      message: "--from 2026-12-04T00:00:00Z is not before --to 2026-12-01T00:00:00Z",
    });
    aws.clock.advance(30 * 24 * 3_600_000);
    await expect(
      backfill(shopConfig(), "cleanup", { from: window.from, to: new Date("2026-12-30T00:00:00Z") }, deps),
    ).rejects.toMatchObject({
      message: "the window has more than 500 scheduled runs of cleanup",
      remedy: "backfill a shorter window (at most 500 runs at a time), then the next one",
    });
  });
});
