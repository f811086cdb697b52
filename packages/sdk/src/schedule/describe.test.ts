import { describe, expect, it } from "vitest";
import { describeSchedule } from "./index.js";

describe("describeSchedule", () => {
  it("names the days and the zone of a weekday schedule", () => {
    expect(describeSchedule("cron(0 9 ? * MON-FRI *)", "Europe/Berlin")).toBe(
      "At 09:00, Monday through Friday (Europe/Berlin)",
    );
    expect(describeSchedule("0 9 * * 1-5")).toBe("At 09:00, Monday through Friday");
  });

  it("says every day when only the time is fixed", () => {
    expect(describeSchedule("every day at 03:30", "UTC")).toBe("At 03:30, every day (UTC)");
    expect(describeSchedule("cron(0 12 * * ? *)", "America/New_York")).toBe(
      "At 12:00, every day (America/New_York)",
    );
  });

  it("describes rates without a zone, since a rate is the same in every zone", () => {
    expect(describeSchedule("every 5 minutes")).toBe("Every 5 minutes");
    expect(describeSchedule("rate(1 minute)")).toBe("Every minute");
    expect(describeSchedule("rate(2 hours)", "Europe/Berlin")).toBe("Every 2 hours");
    expect(describeSchedule("rate(1 day)")).toBe("Every day");
  });

  it("describes L, LW, W, # and nL", () => {
    expect(describeSchedule("cron(15 10 L * ? *)")).toBe("At 10:15, on the last day of the month");
    expect(describeSchedule("cron(0 18 LW * ? *)")).toBe("At 18:00, on the last weekday of the month");
    expect(describeSchedule("cron(0 8 15W * ? *)")).toBe(
      "At 08:00, on the weekday nearest day 15 of the month",
    );
    expect(describeSchedule("cron(0 9 ? * 6#3 *)")).toBe("At 09:00, on the third Friday of the month");
    expect(describeSchedule("cron(0 9 ? * 6L *)")).toBe("At 09:00, on the last Friday of the month");
    expect(describeSchedule("cron(0 9 ? * L *)")).toBe("At 09:00, on Saturday");
  });

  it("describes hourly schedules", () => {
    expect(describeSchedule("every hour")).toBe("Every hour, on the hour");
    expect(describeSchedule("cron(15 * * * ? *)")).toBe("Every hour, at minute 15");
    expect(describeSchedule("cron(0 */2 * * ? *)")).toBe("Every 2 hours, on the hour");
    expect(describeSchedule("cron(0 9-17 ? * MON-FRI *)")).toBe(
      "Every hour from 09:00 through 17:00, Monday through Friday",
    );
  });

  it("describes minute increments within hours", () => {
    expect(describeSchedule("cron(*/15 9-17 ? * MON-FRI *)")).toBe(
      "Every 15 minutes, between 09:00 and 17:59, Monday through Friday",
    );
    expect(describeSchedule("cron(* 9 * * ? *)")).toBe("Every minute, between 09:00 and 09:59");
    expect(describeSchedule("cron(*/5 */2 * * ? *)")).toBe("Every 5 minutes, during every 2nd hour");
    expect(describeSchedule("*/15 * * * */2")).toBe(
      "Every 15 minutes, on Sunday, Tuesday, Thursday and Saturday",
    );
  });

  it("lists several times and days", () => {
    expect(describeSchedule("cron(0 9,17 ? * MON,WED,FRI *)")).toBe(
      "At 09:00 and 17:00, on Monday, Wednesday and Friday",
    );
    expect(describeSchedule("every monday at 9:00")).toBe("At 09:00, on Monday");
  });

  it("names dates, months and years", () => {
    expect(describeSchedule("@yearly")).toBe("At 00:00, on 1 January");
    expect(describeSchedule("cron(0 0 29 2 ? 2028)")).toBe("At 00:00, on 29 February, in 2028");
    expect(describeSchedule("cron(30 6 1,15 JAN-MAR ? 2027-2028)")).toBe(
      "At 06:30, on days 1 and 15 of the month, in January through March, in 2027 through 2028",
    );
    expect(describeSchedule("cron(0 0 */10 * ? *)")).toBe("At 00:00, on every 10th day of the month");
  });

  it("describes a one-time schedule with its date and zone", () => {
    expect(describeSchedule("at(2026-12-01T09:00:00)", "Europe/Berlin")).toBe(
      "Once, at 09:00 on 2026-12-01 (Europe/Berlin)",
    );
    expect(describeSchedule("at(2026-12-01T09:00:30)")).toBe("Once, at 09:00:30 on 2026-12-01");
  });

  it("rejects an unknown zone", () => {
    expect(() => describeSchedule("@daily", "Europe/Berln")).toThrow(
      'timezone "Europe/Berln" is not an IANA time zone',
    );
  });
});
