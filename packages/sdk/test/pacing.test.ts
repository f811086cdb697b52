import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
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
