/**
 * The fake clock every handler reads. Manual by default (time moves only when a test says so,
 * which makes task life cycles deterministic); `realtime` lets it also follow the wall clock,
 * for the CLI where a person or an end-to-end run polls and waits.
 */
export interface FakeClock {
  now(): Date;
  nowMs(): number;
  /** Moves time forward (or back, with a negative value); returns the new time. */
  advance(ms: number): Date;
  set(to: Date | number | string): Date;
}

export interface ClockOptions {
  /** Where time starts; default the wall clock at start-up. */
  start?: Date | number | string;
  /** Whether time also passes with the wall clock; default false. */
  realtime?: boolean;
}

export interface ResettableClock extends FakeClock {
  /** Back to the start time. */
  reset(): void;
}

export function createClock(options: ClockOptions = {}): ResettableClock {
  const startMs = options.start === undefined ? Date.now() : toMs(options.start);
  const realtime = options.realtime ?? false;
  let baseMs = startMs;
  let realBaseMs = Date.now();
  const nowMs = (): number => (realtime ? baseMs + (Date.now() - realBaseMs) : baseMs);
  const set = (to: Date | number | string): Date => {
    baseMs = toMs(to);
    realBaseMs = Date.now();
    return new Date(baseMs);
  };
  return {
    nowMs,
    now: () => new Date(nowMs()),
    advance: (ms) => set(nowMs() + ms),
    set,
    reset: () => {
      set(startMs);
    },
  };
}

function toMs(value: Date | number | string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new TypeError(`not a valid time: ${String(value)}`);
  return ms;
}
