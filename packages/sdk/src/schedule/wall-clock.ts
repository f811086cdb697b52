/**
 * Local wall-clock time in an IANA zone, through Intl alone. Two questions only: what does the
 * clock on the wall show at this instant, and at which instant does it show this time — where
 * the answer to the second may be "never" (spring forward) or "twice" (fall back), and we answer
 * as EventBridge Scheduler runs: never → skip, twice → the first.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Formatters are costly to build and stateless to use, so one per zone is kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function wallTimeAt(instant: number, zone: string): WallTime {
  if (zone === "UTC") {
    const date = new Date(instant);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type in wall) wall[part.type as keyof WallTime] = Number(part.value);
  }
  return wall;
}

/** How far the wall clock is ahead of UTC at `instant`, in milliseconds. */
export function offsetAt(instant: number, zone: string): number {
  if (zone === "UTC") return 0;
  const whole = instant - (((instant % 1000) + 1000) % 1000);
  return wallMs(wallTimeAt(whole, zone)) - whole;
}

/**
 * For one local day, a function from a time of day to the instant it happens, or undefined when
 * that time does not exist that day. Most days have no transition, so the offset is looked up
 * twice per day rather than per time of day.
 */
export function resolverForDay(
  year: number,
  month: number,
  day: number,
  zone: string,
): (hour: number, minute: number, second?: number) => number | undefined {
  const midnight = Date.UTC(year, month - 1, day);
  // Offsets lie within -12 h … +14 h, so every instant of this local day lies strictly between
  // these two; if the offset is the same at both ends, nothing changed in between.
  const before = offsetAt(midnight - DAY_MS, zone);
  const after = offsetAt(midnight + 2 * DAY_MS, zone);
  if (before === after) {
    return (hour, minute, second = 0) => Date.UTC(year, month - 1, day, hour, minute, second) - before;
  }
  return (hour, minute, second = 0) => {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    const candidates = [wall - before, wall - after].filter(
      (instant) => wall - offsetAt(instant, zone) === instant,
    );
    // none: the clock skipped this time; two: it showed it twice, and the first one counts
    return candidates.length === 0 ? undefined : Math.min(...candidates);
  };
}

/** The first instant the wall clock shows `wall`, or undefined when it never does. */
export function instantOfWallTime(wall: WallTime, zone: string): number | undefined {
  return resolverForDay(wall.year, wall.month, wall.day, zone)(wall.hour, wall.minute, wall.second);
}

function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}
