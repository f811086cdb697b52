import { isAwsError } from "../aws/aws-error.js";

// The documented Scheduler quotas live with the rest of flexjob's pacing; bulk's public API keeps them.
export { defaultSchedulerWriteRate, SCHEDULER_PRIMARY_REGIONS } from "../aws/pacing.js";

/** The slowest the adaptive rate goes; below it, waiting out a throttle is all that is left. */
export const MIN_RATE_PER_SECOND = 1;

/**
 * What a throttle leaves of the rate. A throttle at the configured rate is mostly jitter (calls
 * bunched on the way to a quota of the same size); halving for it cost a tenth of a 10,000-write
 * sync. A fifth off still reaches a neighbour's much lower quota in a few steps (1,000/s to 20/s in 18).
 */
const SLOWDOWN = 0.8;

/**
 * How far behind the limiter catches up after a late timer: a fiftieth of a second's calls at once.
 * Scheduler counts its quota per one-second interval ("rejects requests ... for the remainder of the
 * interval", scheduler-quotas page) and says nothing of how deep its bucket is, so every call sent
 * at once beyond the rate may overshoot an interval: a fiftieth keeps that at 2 % and is still more
 * than a timer is late at 1,000/s on an idle machine. A deeper catch-up (a twentieth) measured no
 * faster in bench/bulk.ts and was throttled by a bucket that deep.
 */
const BURST_SECONDS = 1 / 50;

/**
 * The shallowest catch-up a throttle leaves: four milliseconds' calls. A timer is late by about
 * a millisecond on a busy machine; without that much catch-up, each late timer's time is lost, and
 * at 1,000/s that is half the rate (measured: 58 % in bench/bulk.ts with a catch-up of one call).
 */
const MIN_BURST_SECONDS = 1 / 250;

/**
 * A client-side token bucket for one API operation, in the injected clock's time. At most a
 * fiftieth of a second's calls go at once (see {@link BURST_SECONDS}). It adapts to throttles (once
 * per burst of throttles, not once per call in flight): first by halving that catch-up, down to four
 * milliseconds' calls ({@link MIN_BURST_SECONDS}), since a quota's bucket shallower than the
 * catch-up throttles it at the right rate; then by cutting the rate by a fifth. After each tenth
 * of a second's worth of successes the rate rises by a twentieth of where it started, back up to it.
 */
export class AdaptiveRateLimiter {
  private rate: number;
  private tokens: number;
  private updatedMs: number;
  private successes = 0;
  private generation = 0;
  /** How far behind it catches up at once; halved by throttles before the rate is cut. */
  private burstSeconds = BURST_SECONDS;
  private queue: Promise<unknown> = Promise.resolve();
  /** How many throttles this limiter reacted to. */
  throttles = 0;
  lowestRate: number;

  constructor(
    readonly maxRate: number,
    private readonly clock: { now: () => Date; sleep: (ms: number) => Promise<void> },
  ) {
    if (!(maxRate > 0)) throw new RangeError("ratePerSecond must be above 0");
    this.rate = maxRate;
    this.lowestRate = maxRate;
    this.tokens = this.burst();
    this.updatedMs = clock.now().getTime();
  }

  get ratePerSecond(): number {
    return this.rate;
  }

  private burst(): number {
    return Math.max(1, this.rate * this.burstSeconds);
  }

  /** Waits for a token, in arrival order; resolves to the rate generation the call runs under. */
  acquire(): Promise<number> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<number> {
    this.refill();
    if (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
      this.refill();
    }
    this.tokens -= 1;
    return this.generation;
  }

  private refill(): void {
    const nowMs = this.clock.now().getTime();
    this.tokens = Math.min(this.burst(), this.tokens + ((nowMs - this.updatedMs) / 1000) * this.rate);
    this.updatedMs = nowMs;
  }

  succeeded(): void {
    this.successes += 1;
    if (this.rate < this.maxRate && this.successes >= this.rate / 10) {
      this.successes = 0;
      this.rate = Math.min(this.maxRate, this.rate + this.maxRate / 20);
    }
  }

  /** A call started under `generation` was throttled; calls started before the last slow-down do not count again. */
  throttled(generation: number): void {
    if (generation !== this.generation) return;
    this.generation += 1;
    this.throttles += 1;
    this.successes = 0;
    if (this.burstSeconds > MIN_BURST_SECONDS) {
      // A quota's bucket shallower than the catch-up overflows on a catch-up alone, at the right
      // rate: send catch-ups smaller first, and cut the rate only once they are as small as they go.
      this.burstSeconds = Math.max(MIN_BURST_SECONDS, this.burstSeconds / 2);
    } else {
      this.rate = Math.max(MIN_RATE_PER_SECOND, this.rate * SLOWDOWN);
      this.lowestRate = Math.min(this.lowestRate, this.rate);
    }
    this.tokens = Math.min(this.tokens, 0);
  }
}

/** Backoff after a throttle that outlasted the SDK's own retries: 1 s doubling to 32 s. */
export const THROTTLE_BACKOFF_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];
/**
 * Throttles of one call in a row before giving up: with the backoff above, over ten minutes of
 * nothing but throttles, which no quota-sharing neighbour explains.
 */
export const MAX_THROTTLES_PER_CALL = 24;

export function isThrottle(error: unknown): boolean {
  return isAwsError(error, "ThrottlingException", "TooManyRequestsException", "Throttling");
}

/**
 * Sends one call through the limiter. A throttle (left over after the SDK's own retries) slows the
 * limiter down and the call is tried again after a backoff; any other error is the caller's. `send`
 * gets the rate generation its call runs under, for {@link paceSdkRetries}.
 */
export async function sendPaced<T>(
  limiter: AdaptiveRateLimiter,
  sleep: (ms: number) => Promise<void>,
  send: (generation: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const generation = await limiter.acquire();
    try {
      const result = await send(generation);
      limiter.succeeded();
      return result;
    } catch (error) {
      if (!isThrottle(error) || attempt + 1 >= MAX_THROTTLES_PER_CALL) throw error;
      limiter.throttled(generation);
      await sleep(THROTTLE_BACKOFF_MS[Math.min(attempt, THROTTLE_BACKOFF_MS.length - 1)] ?? 32_000);
    }
  }
}

/** What {@link paceSdkRetries} needs of an SDK command: its own middleware stack. */
interface CommandWithStack {
  middlewareStack: {
    addRelativeTo(
      middleware: unknown,
      options: { name: string; relation: "before"; toMiddleware: string; override: boolean },
    ): void;
  };
}

/**
 * Throttled sends of one attempt that {@link paceSdkRetries} makes itself, each after a token,
 * before it lets the SDK's retry (and its backoff) have the throttle.
 */
const PACED_RESENDS = 4;

/**
 * Paces the resends of a throttled `command` with the limiter instead of the SDK's backoff. The
 * SDK waits up to a second (its throttling base delay, with jitter) before a retry, which at the end
 * of a sync is the sync's last second; the limiter has already slowed down for the throttle, so its
 * next token is backoff enough. A throttled send slows the limiter at once and is sent again, up to
 * {@link PACED_RESENDS} times, each when a token is free; past that, the SDK's own retries (which
 * wait for a token too) and {@link sendPaced}'s backoff take over. Placed before signing, so each
 * send is signed once it may go.
 * @example client.send(paceSdkRetries(new CreateScheduleCommand(input), limiter, generation))
 */
export function paceSdkRetries<C extends CommandWithStack>(
  command: C,
  limiter: AdaptiveRateLimiter,
  generation: number,
): C {
  let sends = 0;
  const middleware =
    (next: (args: unknown) => Promise<unknown>) =>
    async (args: unknown): Promise<unknown> => {
      for (let resend = 0; ; resend++) {
        // The first send took its token in sendPaced; every later one, SDK retry or resend, waits for one.
        const turn = sends === 0 ? generation : await limiter.acquire();
        sends += 1;
        try {
          return await next(args);
        } catch (error) {
          if (!isThrottle(error)) throw error;
          limiter.throttled(turn);
          if (resend >= PACED_RESENDS) throw error;
        }
      }
    };
  command.middlewareStack.addRelativeTo(middleware, {
    name: "flexjobPaceSdkRetries",
    relation: "before",
    toMiddleware: "httpSigningMiddleware",
    override: true,
  });
  return command;
}
