import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { syncBulkSchedules } from "../src/bulk/index.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  // fake-aws refills its throttle buckets on performance.now(); faking only that clock and moving it
  // with the fake one keeps ECS's bucket and flexjob's in the same time, so nothing waits for real.
  vi.useFakeTimers({ toFake: ["performance"] });
  ({ aws, deps } = await startWorld());
  deps.sleep = async (ms) => {
    aws.clock.advance(ms);
    vi.advanceTimersByTime(ms);
  };
});
afterEach(async () => {
  vi.useRealTimers();
  await aws.close();
});

/** `count` plain jobs, each with its own task definition family. */
function manyJobs(count: number) {
  const jobs: Record<string, unknown> = {};
  for (let index = 0; index < count; index++) {
    jobs[`job-${String(index).padStart(2, "0")}`] = {
      image: "public.ecr.aws/docker/library/busybox:1.37",
      command: ["sh", "-c", "echo hi"],
      schedule: "rate(1 hour)",
    };
  }
  return shopConfig({ jobs });
}

describe("pacing writes to ECS's RegisterTaskDefinition quota (20 at once, then 1 per second)", () => {
  it("a deploy registering 30 task definitions waits for the refill and fails on no throttle", async () => {
    aws.throttle("ecs", "RegisterTaskDefinition", { burst: 20, ratePerSecond: 1 });
    const started = aws.clock.now().getTime();
    await deploy(manyJobs(30), {}, deps);
    const registrations = aws.calls.filter((call) => call.operation === "RegisterTaskDefinition");
    expect(registrations.map((call) => call.outcome)).toEqual(Array<string>(30).fill("ok"));
    // ECS's bucket, replayed on the arrival times: the nth call may come no sooner than n - 20 seconds in.
    const early = registrations
      .map((call, index) => ({ index, ms: call.at.getTime() - started }))
      .filter(({ index, ms }) => index >= 20 && ms < (index - 19) * 1000);
    expect(early).toEqual([]);
    expect(aws.calls.filter((call) => call.outcome === "ThrottlingException")).toEqual([]);
  });
});

describe("bulk sync under a throttle at its configured rate", () => {
  it("creates 300 schedules at no less than 95 % of 100/s, throttled never, failing nothing", async () => {
    await deploy(shopConfig(), {}, deps);
    // A bucket a fiftieth of a second deep: calls sent in bunches beyond it are throttled.
    aws.throttle("scheduler", "CreateSchedule", { ratePerSecond: 100, burst: 2 });
    aws.clearCalls();
    const entries = Array.from({ length: 300 }, (_, index) => ({
      key: `cust-${index}`,
      expression: "cron(0 6 * * ? *)",
      env: { CUSTOMER_ID: String(index) },
    }));
    const started = deps.now().getTime();
    // One call in flight: the fake clock moves only when the sync waits, so calls in flight together
    // would reach fake-aws bunched at one instant, which real time spreads out.
    const options = { ratePerSecond: 100, concurrency: 1 };
    const result = await syncBulkSchedules(shopConfig(), "report", entries, options, deps);
    const seconds = (deps.now().getTime() - started) / 1000;
    expect(result).toMatchObject({ created: 300, deleted: 0, throttles: 0 });
    const creates = aws.calls.filter((call) => call.operation === "CreateSchedule");
    expect(creates.filter((call) => call.outcome !== "ok")).toEqual([]);
    // 2 at once, then 298 at 100/s: 2.98 s of the fake clock, 100.7 creates a second.
    expect(seconds).toBe(2.98);
    expect(300 / seconds / 100).toBeGreaterThanOrEqual(0.95);
  });

  it("reads the listing at ListSchedules' own quota of 50 a second, whatever the write rate", async () => {
    await deploy(shopConfig(), {}, deps);
    const entries = Array.from({ length: 250 }, (_, index) => ({
      key: `cust-${index}`,
      expression: "rate(1 day)",
    }));
    await syncBulkSchedules(shopConfig(), "report", entries, {}, deps);
    aws.clearCalls();
    const started = deps.now().getTime();
    await syncBulkSchedules(shopConfig(), "report", entries, { ratePerSecond: 1000 }, deps);
    const pages = aws.calls.filter((call) => call.operation === "ListSchedules");
    expect(pages.map((call) => call.at.getTime() - started)).toEqual([0, 20, 40]);
  });
});
