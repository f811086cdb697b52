import { describe, expect, it } from "vitest";
import { nextRuns, parseSchedule } from "../schedule/index.js";
import { defaultStartRetryMaxAge } from "./start-retry.js";

const maxAge = (schedule: string, timezone = "UTC") =>
  defaultStartRetryMaxAge(parseSchedule(schedule), timezone);

describe("defaultStartRetryMaxAge", () => {
  it("is the rate when runs are less than an hour apart", () => {
    expect([maxAge("rate(1 minute)"), maxAge("rate(5 minutes)"), maxAge("rate(59 minutes)")]).toEqual([
      60, 300, 3540,
    ]);
  });

  it("is 1 hour when runs are an hour or more apart", () => {
    expect([maxAge("rate(1 hour)"), maxAge("rate(7 days)"), maxAge("cron(0 9 ? * MON-FRI *)")]).toEqual([
      3600, 3600, 3600,
    ]);
  });

  it("is the shortest gap of a cron, inside a day or between days", () => {
    // 09:00, 09:20, 09:45: gaps of 20 and 25 minutes.
    expect(maxAge("cron(0,20,45 9 * * ? *)")).toBe(1200);
    // 23:50 one day, 00:10 the next: the gap spans midnight.
    expect(maxAge("cron(10,50 0,23 * * ? *)")).toBe(1200);
    // Every 15 minutes on weekdays only.
    expect(maxAge("*/15 * * * 1-5")).toBe(900);
  });

  it("reads the cron in the job's time zone", () => {
    // 23:00 and 23:30 on 31 December 2025 in Honolulu are already 2026 in UTC, inside the window.
    expect(maxAge("cron(0,30 23 31 12 ? 2025)", "Pacific/Honolulu")).toBe(1800);
    expect(maxAge("cron(0,30 23 31 12 ? 2025)", "UTC")).toBe(3600);
  });

  it("never goes below Scheduler's minimum of 60 seconds", () => {
    expect(maxAge("cron(* * * * ? *)")).toBe(60);
  });

  it("is 1 hour for a one-time schedule and a cron with no run in the window", () => {
    expect(maxAge("at(2030-01-01T09:00:00)")).toBe(3600);
    expect(maxAge("cron(0,5 9 * * ? 2025)")).toBe(3600);
  });

  it("answers as reading every run in the zone would, where a clock change moves runs closer", () => {
    // What the default was before it read UTC first: the shortest gap of 500 runs in the zone.
    const inZone = (schedule: string, timezone: string) => {
      const times = nextRuns(schedule, { timezone, from: new Date("2026-01-01T00:00:00Z"), count: 500 });
      const gaps = times
        .slice(1)
        .map((time, index) => (time.getTime() - (times[index]?.getTime() ?? 0)) / 1000);
      return Math.max(60, Math.min(3600, ...gaps));
    };
    const zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Antarctica/Troll"];
    const schedules = [
      "0 9 * * 1-5",
      "cron(50 0,2 * * ? *)",
      "cron(0 1,3 * * ? *)",
      "cron(30 0,3 * * ? *)",
      "cron(0 0,4 * * ? *)",
      "cron(15 1,2 ? * SUN *)",
      "*/15 * * * *",
      "cron(0 12 1 * ? *)",
    ];
    for (const timezone of zones) {
      for (const schedule of schedules) {
        expect([schedule, timezone, maxAge(schedule, timezone)]).toEqual([
          schedule,
          timezone,
          inZone(schedule, timezone),
        ]);
      }
    }
  });
});
