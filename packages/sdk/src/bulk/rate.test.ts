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

  it("shrinks its catch-up first, then slows by a fifth once per burst of throttles from calls in flight, and recovers after a tenth of a second of successes", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(1000, clock);
    /** How many calls go at once after a second of nothing: the catch-up. */
    const catchUp = async () => {
      await clock.sleep(1000);
      const from = clock.now().getTime();
      let calls = 0;
      while (clock.now().getTime() === from) {
        await limiter.acquire();
        calls += 1;
      }
      return calls - 1;
    };
    expect(await catchUp()).toBe(20);
    // Throttles of calls in flight together count once.
    const generations = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    for (const generation of generations) limiter.throttled(generation);
    expect(limiter.throttles).toBe(1);
    expect(await catchUp()).toBe(10);
    limiter.throttled(await limiter.acquire());
    expect(await catchUp()).toBe(5);
    limiter.throttled(await limiter.acquire());
    expect(await catchUp()).toBe(4);
    expect(limiter.ratePerSecond).toBe(1000);
    // At four milliseconds' catch-up, throttles cut the rate.
    limiter.throttled(await limiter.acquire());
    expect(limiter.ratePerSecond).toBe(800);
    expect(await catchUp()).toBe(3);
    limiter.throttled(await limiter.acquire());
    expect(limiter.ratePerSecond).toBe(640);
    for (let call = 0; call < 63; call++) limiter.succeeded();
    expect(limiter.ratePerSecond).toBe(640);
    limiter.succeeded();
    expect(limiter.ratePerSecond).toBe(690);
    expect(limiter.lowestRate).toBe(640);
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
    // Two throttles shrank the catch-up (20 → 10 → 5 calls) before any cut of the rate.
    expect(limiter.throttles).toBe(2);
    expect(limiter.ratePerSecond).toBe(1000);
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
    // One step per throttle but the last, which gives up instead: three shrink the catch-up to four
    // milliseconds' calls, the other twenty each cut the rate by a fifth: 1,000 × 0.8^20.
    expect(limiter.ratePerSecond).toBeCloseTo(1000 * 0.8 ** (MAX_THROTTLES_PER_CALL - 4), 9);
  });
});

describe("paceSdkRetries", () => {
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

  it("sends a throttled write again when the limiter gives a token, not after the SDK's backoff, and slows the limiter at once", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(1000, clock);
    const { client, sent } = answering([429, 429, 200]);
    const result = await sendPaced(limiter, clock.sleep, (generation) =>
      client.send(paceSdkRetries(new CreateScheduleCommand(input), limiter, generation)),
    );
    expect(result.ScheduleArn).toBe("arn:aws:scheduler:eu-west-1:123456789012:schedule/g/s");
    expect(sent).toEqual([429, 429, 200]);
    // Each throttle shrank the limiter's catch-up (the rate holds at 1,000/s until it is four
    // milliseconds' calls) and took its tokens: each resend waited 1 ms for one, and no SDK backoff.
    expect(limiter.throttles).toBe(2);
    expect(limiter.ratePerSecond).toBe(1000);
    expect(clock.sleeps).toEqual([1, 1]);
  });

  it("leaves a throttle that outlasts its resends to the SDK's retries, which wait for tokens too", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(1000, clock);
    // Five throttled sends of the first attempt, then the SDK's retry: sent again, answered.
    const { client, sent } = answering([429, 429, 429, 429, 429, 200]);
    const result = await sendPaced(limiter, clock.sleep, (generation) =>
      client.send(paceSdkRetries(new CreateScheduleCommand(input), limiter, generation)),
    );
    expect(result.ScheduleArn).toBe("arn:aws:scheduler:eu-west-1:123456789012:schedule/g/s");
    expect(sent).toEqual([429, 429, 429, 429, 429, 200]);
    expect(limiter.throttles).toBe(5);
    // Three throttles shrank the catch-up to four milliseconds' calls; the next two cut the rate.
    expect(limiter.ratePerSecond).toBe(640);
  });
});
