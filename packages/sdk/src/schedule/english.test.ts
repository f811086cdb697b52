import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { englishToAws } from "./english.js";

describe("englishToAws", () => {
  it("maps counted intervals to rates and clock times to cron", () => {
    expect(
      Object.fromEntries(
        [
          "every minute",
          "every 1 minute",
          "every 5 minutes",
          "every hour",
          "every 1 hour",
          "every 2 hours",
          "every day",
          "every 3 days",
          "every day at 03:30",
          "every day at 3:30",
          "every monday at 9:00",
          "every weekday at 9:00",
          "every weekend at 10:00",
          "every monday, wednesday and friday at 9:00",
          "every friday and monday at 9:00",
          "every sunday",
          "every tue at 17:45",
        ].map((text) => [text, englishToAws(text)]),
      ),
    ).toEqual({
      "every minute": "rate(1 minute)",
      "every 1 minute": "rate(1 minute)",
      "every 5 minutes": "rate(5 minutes)",
      "every hour": "cron(0 * * * ? *)",
      "every 1 hour": "rate(1 hour)",
      "every 2 hours": "rate(2 hours)",
      "every day": "cron(0 0 * * ? *)",
      "every 3 days": "rate(3 days)",
      "every day at 03:30": "cron(30 3 * * ? *)",
      "every day at 3:30": "cron(30 3 * * ? *)",
      "every monday at 9:00": "cron(0 9 ? * MON *)",
      "every weekday at 9:00": "cron(0 9 ? * MON-FRI *)",
      "every weekend at 10:00": "cron(0 10 ? * SAT,SUN *)",
      "every monday, wednesday and friday at 9:00": "cron(0 9 ? * MON,WED,FRI *)",
      "every friday and monday at 9:00": "cron(0 9 ? * MON,FRI *)",
      "every sunday": "cron(0 0 ? * SUN *)",
      "every tue at 17:45": "cron(45 17 ? * TUE *)",
    });
  });

  it("ignores case and extra spaces, and accepts lenient plurals", () => {
    expect(englishToAws("  Every   Weekday  at 09:00 ")).toBe("cron(0 9 ? * MON-FRI *)");
    expect(englishToAws("every 1 minutes")).toBe("rate(1 minute)");
    expect(englishToAws("every 10 min")).toBe("rate(10 minutes)");
    expect(englishToAws("every mondays at 9:00")).toBe("cron(0 9 ? * MON *)");
  });

  it("reads 12-hour times, noon and midnight", () => {
    expect(englishToAws("every day at 9am")).toBe("cron(0 9 * * ? *)");
    expect(englishToAws("every day at 5:30pm")).toBe("cron(30 17 * * ? *)");
    expect(englishToAws("every day at 12am")).toBe("cron(0 0 * * ? *)");
    expect(englishToAws("every day at 12pm")).toBe("cron(0 12 * * ? *)");
    expect(englishToAws("every day at noon")).toBe("cron(0 12 * * ? *)");
    expect(englishToAws("every friday at midnight")).toBe("cron(0 0 ? * FRI *)");
  });

  it("rejects a time of day that does not exist", () => {
    expect(rejectionOf(() => englishToAws("every day at 25:00"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: 'time "25:00" is not a time of day in "every day at 25:00"',
      remedy: "use 24-hour H:MM from 0:00 to 23:59 (e.g. 9:00 or 17:30), or 9am, 5:30pm, noon, midnight",
    });
    expect(rejectionOf(() => englishToAws("every day at 13pm")).message).toBe(
      'time "13pm" is not a time of day in "every day at 13pm"',
    );
  });

  it("rejects intervals below a minute", () => {
    expect(rejectionOf(() => englishToAws("every 30 seconds"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: '"every 30 seconds" is more often than once a minute',
      remedy: "EventBridge Scheduler runs at most once a minute; use every minute or every N minutes",
    });
  });

  it("rejects a count of zero", () => {
    expect(rejectionOf(() => englishToAws("every 0 hours"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: '"every 0 hours" has a count of 0',
      remedy: "use 1 or more, e.g. every 1 hour or every 5 hours",
    });
  });

  it("names the word that is not a day of the week", () => {
    expect(rejectionOf(() => englishToAws("every monday and funday at 9:00"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: '"funday" is not a day of the week in "every monday and funday at 9:00"',
      remedy: "name days in full or by three letters (monday or mon), separated by commas or 'and'",
    });
  });

  it("rejects phrases it does not understand, listing the forms it does", () => {
    expect(rejectionOf(() => englishToAws("every fortnight"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: '"every fortnight" is not a schedule flexjob understands',
      remedy:
        "write e.g. every 5 minutes, every hour, every 2 hours, every day at 03:30, every monday at 9:00, every weekday at 9:00; or rate(5 minutes), cron(0 9 ? * MON-FRI *), at(2026-12-01T09:00:00), a 5-field Unix cron such as 0 9 * * 1-5, or @daily",
    });
    expect(rejectionOf(() => englishToAws("every 2 weeks")).message).toBe(
      '"every 2 weeks" is not a schedule flexjob understands',
    );
    expect(rejectionOf(() => englishToAws("every 2 days at 10:00")).message).toBe(
      '"every 2 days at 10:00" is not a schedule flexjob understands',
    );
  });
});
