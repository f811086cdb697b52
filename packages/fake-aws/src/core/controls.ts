import type { Random } from "./random.js";

/** Test controls shared by every service: call log, latency, throttling and injected faults. */

export interface CallRecord {
  /** Signing name, e.g. `ecs`, `scheduler`, `iam`. */
  service: string;
  operation: string;
  region: string;
  /** The decoded input the handler saw (see types.ts). */
  input: Record<string, unknown>;
  /** `"ok"`, or the error code answered (`"ConflictException"`, `"ThrottlingException"`, …), or `"drop"`. */
  outcome: string;
  /** Whether the operation changes state; counted whatever the outcome, since it was sent. */
  mutating: boolean;
  /** Fake-clock time the call arrived. */
  at: Date;
  requestId: string;
  /** Set when a `"drop-after"` fault destroyed the socket after the handler ran. */
  responseDropped?: boolean;
  /**
   * Where the arrival falls on one count of the server's arrivals and answers: a call that arrived
   * before another was answered cannot have waited for it (see `roundTrips`).
   */
  arrived: number;
  /** Where the answer falls on that count; unset while the call is held, and when it is dropped. */
  answered?: number;
}

/**
 * A fixed or random delay before each answer, or `quietMs`: answers held until no call has
 * arrived for that long, then all at once, so calls a client sends together are in flight
 * together however slowly it sends them (rounds for counting round trips, see `roundTrips`).
 */
export type Latency = { fixedMs: number } | { minMs: number; maxMs: number } | { quietMs: number };

export interface ThrottleRule {
  /** Tokens added per second (wall clock, since the SDK's retry backoff waits in real time). */
  ratePerSecond: number;
  /** Bucket size: how many calls may arrive at once before throttling starts. */
  burst: number;
}

/**
 * - `"500"`: the service's internal error (e.g. ECS `ServerException`), status 5xx.
 * - `"throttle"`: the service's throttling error.
 * - `"drop"`: the socket is destroyed before the request is handled.
 * - `"drop-after"`: the request IS handled, then the socket is destroyed — a lost response,
 *   for testing that retries of mutating calls are idempotent.
 */
export type FaultKind = "500" | "throttle" | "drop" | "drop-after";

export interface FaultRule {
  service: string;
  /** An operation name, or `"*"` for all of the service's operations. */
  operation: string;
  kind: FaultKind;
  /** Fail only the nth matching call (1-based) after the rule is added. */
  nth?: number;
  /** Fail each matching call with this probability (seeded PRNG). */
  fraction?: number;
  /** Fail at most this many times (default: unlimited, or 1 with `nth`). */
  times?: number;
}

export interface FaultHandle {
  /** How many calls this rule has failed so far. */
  readonly triggered: number;
  remove(): void;
}

interface ActiveFault {
  rule: FaultRule;
  seen: number;
  triggered: number;
}

interface Bucket {
  rule: ThrottleRule;
  tokens: number;
  updatedMs: number;
}

/** Event-loop turns a quiet `quietMs` waits past its timer for requests already sent (see releaseWhenQuiet). */
const QUIET_TURNS = 3;

/** A long-running CLI instance keeps at most this many calls, dropping the oldest. */
const CALL_LOG_LIMIT = 100_000;

export class Chaos {
  readonly calls: CallRecord[] = [];
  private latency: Latency | undefined;
  private events = 0;
  /** Answers waiting for a quiet `quietMs`, and the timer that releases them. */
  private held: (() => void)[] = [];
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  private faults: ActiveFault[] = [];
  /** Rules by `service\0operation` (operation may be `*`). */
  private throttles = new Map<string, ThrottleRule>();
  /** Buckets by `service\0operation`, each operation its own even under a `*` rule. */
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly random: Random,
    initialLatency: Latency | undefined,
  ) {
    this.latency = initialLatency;
  }

  record(call: CallRecord): void {
    if (this.calls.length >= CALL_LOG_LIMIT) this.calls.splice(0, CALL_LOG_LIMIT / 10);
    this.calls.push(call);
  }

  setLatency(latency: Latency | undefined): void {
    if (latency !== undefined) validateLatency(latency);
    this.latency = latency;
  }

  /** The next place on the count of arrivals and answers (CallRecord.arrived, answered). */
  nextEvent(): number {
    this.events += 1;
    return this.events;
  }

  /** Resolves when the call may be answered: after the latency, or when calls stop arriving. */
  delay(): Promise<void> {
    const latency = this.latency;
    if (latency !== undefined && "quietMs" in latency) {
      return new Promise((resolve) => {
        this.held.push(resolve);
        clearTimeout(this.quietTimer);
        const timer = setTimeout(() => this.releaseWhenQuiet(timer, QUIET_TURNS), latency.quietMs);
        this.quietTimer = timer;
      });
    }
    const delayMs = this.nextLatencyMs();
    return delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, delayMs)) : Promise.resolve();
  }

  /**
   * A process that was not scheduled for a while fires its timers before it reads the requests that
   * arrived meanwhile: a few more turns of the event loop let those count as arrivals (which start
   * a new timer) before the held answers go.
   */
  private releaseWhenQuiet(timer: ReturnType<typeof setTimeout>, turns: number): void {
    if (this.quietTimer !== timer) return;
    if (turns > 0) {
      setImmediate(() => this.releaseWhenQuiet(timer, turns - 1));
      return;
    }
    const held = this.held;
    this.held = [];
    for (const release of held) release();
  }

  /** Milliseconds to wait before answering; 0 when latency is off or held until quiet. */
  nextLatencyMs(): number {
    const latency = this.latency;
    if (latency === undefined || "quietMs" in latency) return 0;
    if ("fixedMs" in latency) return latency.fixedMs;
    return latency.minMs + this.random.next() * (latency.maxMs - latency.minMs);
  }

  throttle(service: string, operation: string, rule: ThrottleRule): () => void {
    if (!(rule.ratePerSecond >= 0) || !(rule.burst >= 1)) {
      throw new RangeError("throttle needs ratePerSecond >= 0 and burst >= 1");
    }
    const key = `${service}\0${operation}`;
    this.throttles.set(key, rule);
    this.dropBuckets(service, operation);
    return () => {
      if (this.throttles.get(key) === rule) {
        this.throttles.delete(key);
        this.dropBuckets(service, operation);
      }
    };
  }

  clearThrottles(): void {
    this.throttles.clear();
    this.buckets.clear();
  }

  /** Takes a token; false means throttle this call. */
  admit(service: string, operation: string): boolean {
    if (this.throttles.size === 0) return true;
    const key = `${service}\0${operation}`;
    const rule = this.throttles.get(key) ?? this.throttles.get(`${service}\0*`);
    if (rule === undefined) return true;
    const nowMs = performance.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined || bucket.rule !== rule) {
      bucket = { rule, tokens: rule.burst, updatedMs: nowMs };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(
      rule.burst,
      bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * rule.ratePerSecond,
    );
    bucket.updatedMs = nowMs;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  fault(rule: FaultRule): FaultHandle {
    if (rule.nth !== undefined && !(Number.isInteger(rule.nth) && rule.nth >= 1)) {
      throw new RangeError("fault nth must be an integer >= 1");
    }
    if (rule.fraction !== undefined && !(rule.fraction >= 0 && rule.fraction <= 1)) {
      throw new RangeError("fault fraction must be between 0 and 1");
    }
    const active: ActiveFault = { rule: { ...rule }, seen: 0, triggered: 0 };
    this.faults.push(active);
    return {
      get triggered() {
        return active.triggered;
      },
      remove: () => {
        this.faults = this.faults.filter((f) => f !== active);
      },
    };
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Decides, in arrival order, whether this call fails; the first matching rule that fires wins. */
  pickFault(service: string, operation: string): FaultKind | undefined {
    if (this.faults.length === 0) return undefined;
    for (const fault of this.faults) {
      const { rule } = fault;
      if (rule.service !== service || (rule.operation !== "*" && rule.operation !== operation)) continue;
      fault.seen += 1;
      const limit = rule.times ?? (rule.nth !== undefined ? 1 : Number.POSITIVE_INFINITY);
      if (fault.triggered >= limit) continue;
      if (rule.nth !== undefined && fault.seen < rule.nth) continue;
      if (rule.fraction !== undefined && this.random.next() >= rule.fraction) continue;
      fault.triggered += 1;
      return rule.kind;
    }
    return undefined;
  }

  reset(): void {
    this.calls.length = 0;
    this.faults = [];
    this.clearThrottles();
  }

  private dropBuckets(service: string, operation: string): void {
    if (operation !== "*") {
      this.buckets.delete(`${service}\0${operation}`);
      return;
    }
    for (const key of this.buckets.keys()) if (key.startsWith(`${service}\0`)) this.buckets.delete(key);
  }
}

function validateLatency(latency: Latency): void {
  const ok =
    "quietMs" in latency
      ? latency.quietMs >= 0 && Number.isFinite(latency.quietMs)
      : "fixedMs" in latency
        ? latency.fixedMs >= 0
        : latency.minMs >= 0 && latency.maxMs >= latency.minMs && Number.isFinite(latency.maxMs);
  if (!ok) throw new RangeError("latency needs fixedMs >= 0, 0 <= minMs <= maxMs, or quietMs >= 0");
}
