import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { describe, expect, it } from "vitest";
import {
  AdaptiveRateLimiter,
  defaultSchedulerWriteRate,
  MAX_THROTTLES_PER_CALL,
  paceSdkRetries,
  sendPaced,
} from "./rate.js";

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

const throttle = () =>
  Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: {} });

describe("AdaptiveRateLimiter", () => {
  it("paces calls at its rate after a burst of a fiftieth of a second", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(100, clock);
    for (let call = 0; call < 102; call++) await limiter.acquire();
    // 2 at once, then 100 more at 100/s.
    expect(clock.now().getTime()).toBe(1000);
  });

  it("slows by a fifth once per burst of throttles from calls in flight, and recovers after a tenth of a second of successes", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(100, clock);
    const generations = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    for (const generation of generations) limiter.throttled(generation);
    expect(limiter.ratePerSecond).toBe(80);
    expect(limiter.throttles).toBe(1);
    limiter.throttled(await limiter.acquire());
    expect(limiter.ratePerSecond).toBe(64);
    for (let call = 0; call < 6; call++) limiter.succeeded();
    expect(limiter.ratePerSecond).toBe(64);
    limiter.succeeded();
    expect(limiter.ratePerSecond).toBe(69);
    expect(limiter.lowestRate).toBe(64);
  });

  it("documents the default quotas: 1,000/s in the primary Regions, 250/s elsewhere", () => {
    expect(defaultSchedulerWriteRate("us-east-1")).toBe(1000);
    expect(defaultSchedulerWriteRate("eu-north-1")).toBe(250);
  });
});

describe("sendPaced", () => {
  it("retries a throttled call with backoff and slows the limiter down", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(1000, clock);
    let attempts = 0;
    const result = await sendPaced(limiter, clock.sleep, async () => {
      attempts += 1;
      if (attempts <= 2) throw throttle();
      return "ok";
    });
    expect(result).toBe("ok");
    expect(clock.sleeps.filter((ms) => ms >= 1000)).toEqual([1000, 2000]);
    expect(limiter.ratePerSecond).toBe(640);
  });

  it("passes other errors on at once, and gives up on a call throttled without end", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(1000, clock);
    const denied = Object.assign(new Error("no"), { name: "AccessDeniedException", $metadata: {} });
    await expect(sendPaced(limiter, clock.sleep, () => Promise.reject(denied))).rejects.toBe(denied);
    let attempts = 0;
    await expect(
      sendPaced(limiter, clock.sleep, () => {
        attempts += 1;
        return Promise.reject(throttle());
      }),
    ).rejects.toThrow("Rate exceeded");
    expect(attempts).toBe(MAX_THROTTLES_PER_CALL);
    // One slowdown per throttle but the last, which gives up instead: 1,000 × 0.8^23.
    expect(limiter.ratePerSecond).toBeCloseTo(1000 * 0.8 ** (MAX_THROTTLES_PER_CALL - 1), 9);
  });
});

describe("paceSdkRetries", () => {
  /** A Scheduler client whose HTTP answers are `statuses`, in turn, with the SDK's own retries (3 attempts). */
  function answering(statuses: number[]) {
    const sent: number[] = [];
    const body = (status: number) =>
      status === 200
        ? { ScheduleArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/g/s" }
        : { message: "Rate exceeded" };
    const client = new SchedulerClient({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
      maxAttempts: 3,
      requestHandler: {
        handle: async () => {
          const status = statuses[sent.length] ?? 200;
          sent.push(status);
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (status === 429) headers["x-amzn-errortype"] = "ThrottlingException";
          return {
            response: {
              statusCode: status,
              headers,
              body: new TextEncoder().encode(JSON.stringify(body(status))),
            },
          };
        },
      },
    });
    return { client, sent };
  }

  it("makes each SDK retry of a throttled write wait for a token and slow the limiter at once", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(1000, clock);
    const { client, sent } = answering([429, 429, 200]);
    const input = {
      Name: "s",
      GroupName: "g",
      ScheduleExpression: "rate(1 day)",
      FlexibleTimeWindow: { Mode: "OFF" as const },
      Target: {
        Arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/c",
        RoleArn: "arn:aws:iam::123456789012:role/r",
      },
    };
    const result = await sendPaced(limiter, clock.sleep, (generation) =>
      client.send(paceSdkRetries(new CreateScheduleCommand(input), limiter, generation)),
    );
    expect(result.ScheduleArn).toBe("arn:aws:scheduler:eu-west-1:123456789012:schedule/g/s");
    expect(sent).toEqual([429, 429, 200]);
    // Each throttled attempt slowed the limiter (1,000 → 800 → 640/s), and each retry waited for a
    // token the slow-down had taken away: 2 ms at 800/s, then 2 ms at 640/s.
    expect(limiter.throttles).toBe(2);
    expect(limiter.ratePerSecond).toBe(640);
    expect(clock.sleeps).toEqual([2, 2]);
  });
});
