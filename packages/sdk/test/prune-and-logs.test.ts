import { ListSchedulesCommand } from "@aws-sdk/client-scheduler";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import { followLogs, logs } from "../src/deploy/logs.js";
import type { Deps } from "../src/deps.js";
import { REGION, shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

const onlyCleanup = () =>
  parseConfig({
    app: "shop",
    region: REGION,
    jobs: {
      cleanup: {
        image: "public.ecr.aws/docker/library/alpine:3",
        command: "echo cleanup",
        schedule: "rate(1 hour)",
      },
    },
  });

async function scheduleNames(): Promise<string[]> {
  const page = await deps.clients.scheduler.send(new ListSchedulesCommand({ GroupName: "flexjob-shop" }));
  return (page.Schedules ?? []).map((schedule) => schedule.Name ?? "").sort();
}

describe("prune", () => {
  it("keeps a removed job's schedules without prune, and says so in the plan", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.clearCalls();
    const result = await deploy(onlyCleanup(), {}, deps);
    // The kept schedules keep working: the roles still allow what the removed job needs.
    expect(aws.mutatingCalls()).toEqual([]);
    expect(result.plan.notes).toContain(
      "job report is no longer in the config but its schedules remain; deploy with prune to remove them",
    );
    expect(await scheduleNames()).toEqual(["shop-cleanup", "shop-report", "shop-report.1", "shop-report.2"]);
  });

  it("removes a removed job's schedules and task definitions with prune, and the plan shows it", async () => {
    await deploy(shopConfig(), {}, deps);
    const result = await deploy(onlyCleanup(), { prune: true }, deps);
    expect(
      result.plan.steps
        .filter((step) => step.action === "delete")
        .map((step) => `${step.kind} ${step.id} (${step.reason})`),
    ).toEqual([
      "schedule shop-report (job is no longer in the config (prune))",
      "schedule shop-report.1 (job is no longer in the config (prune))",
      "schedule shop-report.2 (job is no longer in the config (prune))",
      "task-definition shop-report (job is no longer in the config (prune))",
    ]);
    expect(await scheduleNames()).toEqual(["shop-cleanup"]);
    aws.clearCalls();
    await deploy(onlyCleanup(), { prune: true }, deps);
    expect(aws.mutatingCalls()).toEqual([]);
  });
});

describe("logs", () => {
  it("reads a job's lines since an instant, across its tasks' streams, oldest first", async () => {
    await deploy(shopConfig(), {}, deps);
    aws.logs.appendLogLines("/flexjob/shop/report", "report/report/t1", [{ message: "one" }], {
      region: REGION,
    });
    aws.clock.advance(1000);
    aws.logs.appendLogLines("/flexjob/shop/report", "report/report/t2", [{ message: "two" }], {
      region: REGION,
    });
    const lines = await logs(shopConfig(), "report", { since: new Date("2026-12-01T09:00:00Z") }, deps);
    expect(lines).toEqual([
      { timestamp: "2026-12-01T10:00:00.000Z", stream: "report/report/t1", message: "one" },
      { timestamp: "2026-12-01T10:00:01.000Z", stream: "report/report/t2", message: "two" },
    ]);
  });

  it("follows new lines as they arrive, each once, until aborted", async () => {
    await deploy(shopConfig(), {}, deps);
    const stop = new AbortController();
    let polls = 0;
    const following: Deps = {
      ...deps,
      sleep: async () => {
        polls++;
        // What the tasks print between two polls, in the same millisecond as an earlier line.
        if (polls === 1)
          aws.logs.appendLogLines("/flexjob/shop/report", "s", [{ message: "b" }], { region: REGION });
        if (polls === 2) {
          aws.clock.advance(500);
          aws.logs.appendLogLines("/flexjob/shop/report", "s", [{ message: "c" }], { region: REGION });
        }
        if (polls === 3) stop.abort();
      },
    };
    aws.logs.appendLogLines("/flexjob/shop/report", "s", [{ message: "a" }], { region: REGION });
    const seen: string[] = [];
    for await (const line of followLogs(
      shopConfig(),
      "report",
      { since: new Date(0), signal: stop.signal },
      following,
    )) {
      seen.push(line.message);
    }
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("says to deploy first when the job has no log group", async () => {
    await expect(logs(shopConfig(), "report", { since: new Date(0) }, deps)).rejects.toMatchObject({
      message: "log group /flexjob/shop/report does not exist",
      remedy: "deploy the job first; its log group is created with it",
    });
  });
});
