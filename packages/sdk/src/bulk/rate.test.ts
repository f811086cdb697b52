import { describe, expect, it } from "vitest";
import { AdaptiveRateLimiter, defaultSchedulerWriteRate, MAX_THROTTLES_PER_CALL, sendPaced } from "./rate.js";

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
  it("paces calls at its rate after a burst of a twentieth of a second", async () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter(100, clock);
    for (let call = 0; call < 105; call++) await limiter.acquire();
    // 5 at once, then 100 more at 100/s.
    expect(clock.now().getTime()).toBe(1000);
  });

  it("keeps its rate when a busy event loop wakes each wait 30 ms late", async () => {
    const clock = fakeClock();
    const late = { now: clock.now, sleep: (ms: number) => clock.sleep(ms + 30) };
    const limiter = new AdaptiveRateLimiter(1000, late);
    for (let call = 0; call < 1050; call++) await limiter.acquire();
    // 50 at once, then 31 per late wake-up of 31 ms: 1,000 more in 33 wake-ups, none lost (with a
    // 20-call burst, 11 of every 31 were, and the same calls took 1.6 s).
    expect(clock.now().getTime()).toBe(1023);
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
