import { describe, expect, it } from "vitest";
import { instantOfWallTime, wallTimeAt } from "./wall-clock.js";

function wall(year: number, month: number, day: number, hour: number, minute: number) {
  return { year, month, day, hour, minute, second: 0 };
}

function iso(instant: number | undefined): string | undefined {
  return instant === undefined ? undefined : new Date(instant).toISOString();
}

describe("wall clock", () => {
  it("reads the local time at an instant, in and out of summer time", () => {
    expect(wallTimeAt(Date.parse("2026-01-15T12:00:00Z"), "Europe/Berlin")).toEqual(wall(2026, 1, 15, 13, 0));
    expect(wallTimeAt(Date.parse("2026-07-15T12:00:00Z"), "Europe/Berlin")).toEqual(wall(2026, 7, 15, 14, 0));
    expect(wallTimeAt(Date.parse("2026-01-01T03:00:00Z"), "America/New_York")).toEqual(
      wall(2025, 12, 31, 22, 0),
    );
  });

  it("finds no instant for a local time the clock jumps over", () => {
    expect(instantOfWallTime(wall(2026, 3, 29, 2, 30), "Europe/Berlin")).toBeUndefined();
    expect(instantOfWallTime(wall(2026, 3, 8, 2, 0), "America/New_York")).toBeUndefined();
  });

  it("takes the first of the two instants for a local time the clock repeats", () => {
    expect(iso(instantOfWallTime(wall(2026, 10, 25, 2, 30), "Europe/Berlin"))).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    expect(iso(instantOfWallTime(wall(2026, 11, 1, 1, 30), "America/New_York"))).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });

  it("maps the times either side of a change to their own offsets", () => {
    expect(iso(instantOfWallTime(wall(2026, 3, 29, 1, 59), "Europe/Berlin"))).toBe(
      "2026-03-29T00:59:00.000Z",
    );
    expect(iso(instantOfWallTime(wall(2026, 3, 29, 3, 0), "Europe/Berlin"))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(instantOfWallTime(wall(2026, 10, 25, 3, 0), "Europe/Berlin"))).toBe(
      "2026-10-25T02:00:00.000Z",
    );
  });
});
