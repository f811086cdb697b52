/**
 * Every SDK entry point on clients with nothing loaded, as a user's `createClients` gives them: the
 * integration harness preloads all services for its own assertions, so a function that reads a
 * client before `loadSdk` would pass there and fail here ("the ecs client was read before its SDK
 * module was loaded"). One app uses every kind of resource: a state machine (retries, timeout,
 * overlap), alerts, discovery, the missed-runs pipe, metrics and the dashboard, bulk schedules.
 */
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClients } from "../src/aws/clients.js";
import { syncBulkSchedules } from "../src/bulk/index.js";
import { parseConfig } from "../src/config/index.js";
import { backfill } from "../src/deploy/backfill.js";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import { logs } from "../src/deploy/logs.js";
import { runNow } from "../src/deploy/run-now.js";
import { runs } from "../src/deploy/runs.js";
import { status } from "../src/deploy/status.js";
import type { Deps } from "../src/deps.js";
import { planIsNoop } from "../src/plan/types.js";
import { REGION } from "./harness.js";

let aws: FakeAws;

beforeEach(async () => {
  aws = await startFakeAws({ region: REGION, clock: { start: "2026-12-01T10:00:00Z" } });
});
afterEach(() => aws.close());

/** Deps whose clients are new for each call, so no earlier call has loaded anything for them. */
function freshDeps(): Deps {
  return {
    clients: createClients({ region: REGION, endpoint: aws.url, maxAttempts: 3 }),
    logger: { info: () => undefined, warn: () => undefined },
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    now: () => aws.clock.now(),
  };
}

const config = parseConfig({
  app: "shop",
  region: REGION,
  alerts: { email: ["ops@example.com"] },
  discovery: { namespace: "shop.internal" },
  jobs: {
    report: {
      image: "public.ecr.aws/docker/library/busybox:1.37",
      command: ["sh", "-c", "echo report"],
      schedule: "rate(1 hour)",
      retries: 2,
      timeout: "1h",
      overlap: "skip",
    },
    cleanup: {
      image: "public.ecr.aws/docker/library/alpine:3",
      command: "echo cleanup",
      schedule: "every day at 03:30",
      timezone: "Europe/Berlin",
    },
  },
});

describe("the SDK on clients with nothing loaded", () => {
  it("deploys, re-plans, runs, reads and destroys an app of every resource kind", async () => {
    const first = await deploy(config, {}, freshDeps());
    expect(first.changed).toBe(true);
    const kinds = new Set(first.plan.steps.map((step) => step.kind));
    for (const kind of ["state-machine", "alert-rule", "namespace", "missed-pipe", "dashboard", "schedule"]) {
      expect(kinds).toContain(kind);
    }
    const again = await deploy(config, { dryRun: true }, freshDeps());
    expect(again.plan.steps.filter((step) => step.action !== "noop")).toEqual([]);
    expect(planIsNoop(again.plan)).toBe(true);

    const run = await runNow(config, "cleanup", { wait: true }, freshDeps());
    expect([run.tasks.length, run.succeeded]).toEqual([1, true]);
    expect((await status(config, freshDeps())).map((job) => job.name).sort()).toEqual(["cleanup", "report"]);
    const since = new Date("2026-12-01T00:00:00Z");
    expect(await runs(config, "cleanup", { since }, freshDeps())).toEqual(expect.any(Array));
    expect(await logs(config, "cleanup", { since }, freshDeps())).toEqual(expect.any(Array));
    const range = {
      from: new Date("2026-12-01T06:00:00Z"),
      to: new Date("2026-12-01T08:00:00Z"),
      dryRun: true,
    };
    expect((await backfill(config, "report", range, freshDeps())).scheduled).toEqual(expect.any(Array));
    const bulk = [{ key: "acme", expression: "every day at 06:00" }];
    expect(await syncBulkSchedules(config, "cleanup", bulk, {}, freshDeps())).toMatchObject({ created: 1 });

    const gone = await destroy(config, {}, freshDeps());
    expect(gone.changed).toBe(true);
    expect((await destroy(config, { dryRun: true }, freshDeps())).plan.steps).toEqual([]);
  }, 120_000);
});
