import { describe, expect, it } from "vitest";
import { createClients } from "./clients.js";
import { defaultSchedulerWriteRate, paced, quotaOf, TokenBucket } from "./pacing.js";

/** A clock that moves only when slept on, recording each sleep. */
function fakeClock() {
  let nowMs = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(nowMs),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      nowMs += ms;
    },
  };
}

describe("TokenBucket", () => {
  it("lets the burst go at once, then one call per refill at the steady rate", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ burst: 20, ratePerSecond: 1 }, clock);
    const startedAt: number[] = [];
    for (let call = 0; call < 23; call++) {
      await bucket.take();
      startedAt.push(clock.now().getTime());
    }
    expect(startedAt).toEqual([...Array<number>(20).fill(0), 1000, 2000, 3000]);
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  it("serves callers waiting together in arrival order, one refill each", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ burst: 2, ratePerSecond: 4 }, clock);
    const order: string[] = [];
    await Promise.all(
      ["a", "b", "c", "d", "e"].map((name) =>
        bucket.take().then(() => order.push(`${name}@${clock.now().getTime()}`)),
      ),
    );
    expect(order).toEqual(["a@0", "b@0", "c@250", "d@500", "e@750"]);
  });

  it("refills while idle, never beyond its burst", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ burst: 3, ratePerSecond: 10 }, clock);
    for (let call = 0; call < 3; call++) await bucket.take();
    await clock.sleep(60_000);
    clock.sleeps.length = 0;
    for (let call = 0; call < 4; call++) await bucket.take();
    expect(clock.sleeps).toEqual([100]);
  });

  it("refuses a quota it cannot pace", () => {
    expect(() => new TokenBucket({ burst: 0, ratePerSecond: 1 }, fakeClock())).toThrow(
      'a token bucket needs ratePerSecond > 0 and burst >= 1, got {"burst":0,"ratePerSecond":1}',
    );
  });
});

describe("paced", () => {
  it("shares one bucket per operation across every call made with the same clients and clock", async () => {
    const clock = fakeClock();
    const pacing = { clients: createClients({ region: "eu-west-1" }), ...clock };
    const send = () => Promise.resolve("sent");
    for (let call = 0; call < 20; call++) await paced(pacing, "ecs:RegisterTaskDefinition", send);
    // Another caller's object, the same clients and clock: the same bucket, now empty.
    expect(await paced({ ...pacing }, "ecs:RegisterTaskDefinition", send)).toBe("sent");
    expect(clock.sleeps).toEqual([1000]);
    // Another operation has its own bucket.
    for (let call = 0; call < 100; call++) await paced(pacing, "ecs:RunTask", send);
    expect(clock.sleeps).toEqual([1000]);
    await paced(pacing, "ecs:RunTask", send);
    expect(clock.sleeps).toEqual([1000, 50]);
  });

  it("passes the call's error on untouched, for the SDK's or the caller's retry", async () => {
    const clock = fakeClock();
    const pacing = { clients: createClients({ region: "eu-west-1" }), ...clock };
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: {},
    });
    await expect(paced(pacing, "scheduler:CreateSchedule", () => Promise.reject(throttled))).rejects.toBe(
      throttled,
    );
  });
});

describe("quotaOf", () => {
  it("holds the documented defaults: ECS and Fargate buckets, Scheduler's per-Region rates", () => {
    expect(quotaOf("ecs:RegisterTaskDefinition", "eu-west-1")).toEqual({ burst: 20, ratePerSecond: 1 });
    expect(quotaOf("ecs:RunTask", "eu-north-1")).toEqual({ burst: 100, ratePerSecond: 20 });
    expect(quotaOf("scheduler:CreateSchedule", "us-east-1")).toEqual({ burst: 100, ratePerSecond: 1000 });
    expect(quotaOf("scheduler:GetSchedule", "eu-north-1")).toEqual({ burst: 25, ratePerSecond: 250 });
    expect(defaultSchedulerWriteRate("sa-east-1")).toBe(1000);
    expect(defaultSchedulerWriteRate("ca-central-1")).toBe(250);
  });
});
