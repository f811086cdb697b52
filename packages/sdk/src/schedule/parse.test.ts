import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { parseSchedule } from "./index.js";

describe("parseSchedule", () => {
  it("returns the AWS expression, its kind and the trimmed source for every form", () => {
    expect(
      [
        "  cron(0 9 ? * mon-fri *) ",
        "rate(5 minutes)",
        "at(2026-12-01T09:00:00)",
        "0 9 * * 1-5",
        "@daily",
        "every 5 minutes",
        "every weekday at 9:00",
      ].map(parseSchedule),
    ).toEqual([
      { expression: "cron(0 9 ? * MON-FRI *)", kind: "cron", source: "cron(0 9 ? * mon-fri *)" },
      { expression: "rate(5 minutes)", kind: "rate", source: "rate(5 minutes)" },
      { expression: "at(2026-12-01T09:00:00)", kind: "at", source: "at(2026-12-01T09:00:00)" },
      { expression: "cron(0 9 ? * 2-6 *)", kind: "cron", source: "0 9 * * 1-5" },
      { expression: "cron(0 0 * * ? *)", kind: "cron", source: "@daily" },
      { expression: "rate(5 minutes)", kind: "rate", source: "every 5 minutes" },
      { expression: "cron(0 9 ? * MON-FRI *)", kind: "cron", source: "every weekday at 9:00" },
    ]);
  });

  it("maps each @ shorthand to its Unix meaning", () => {
    expect(
      ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@DAILY"].map(
        (shorthand) => parseSchedule(shorthand).expression,
      ),
    ).toEqual([
      "cron(0 0 1 1 ? *)",
      "cron(0 0 1 1 ? *)",
      "cron(0 0 1 * ? *)",
      "cron(0 0 ? * SUN *)",
      "cron(0 0 * * ? *)",
      "cron(0 0 * * ? *)",
      "cron(0 * * * ? *)",
      "cron(0 0 * * ? *)",
    ]);
  });

  it("is idempotent: parsing the expression it returns gives the same expression", () => {
    for (const source of ["0 9 * * */2", "every weekend at 10:00", "@weekly", "RATE(1 Hour)"]) {
      const { expression } = parseSchedule(source);
      expect(parseSchedule(expression).expression).toBe(expression);
    }
  });

  it("rejects an empty schedule", () => {
    expect(rejectionOf(() => parseSchedule("   "))).toEqual({
      code: "SCHEDULE_INVALID",
      message: "schedule is empty",
      remedy:
        "write e.g. rate(5 minutes), cron(0 9 ? * MON-FRI *), at(2026-12-01T09:00:00), 0 9 * * 1-5, @daily, every 5 minutes, every weekday at 9:00",
    });
  });

  it("rejects six bare fields, pointing at cron(…)", () => {
    expect(rejectionOf(() => parseSchedule("0 9 ? * MON-FRI *"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: '"0 9 ? * MON-FRI *" has 6 fields; a Unix cron has 5',
      remedy:
        "put AWS's six fields inside cron(…), e.g. cron(0 9 ? * MON-FRI *); flexjob takes no seconds field",
    });
  });

  it("rejects unknown text and unknown shorthands", () => {
    expect(rejectionOf(() => parseSchedule("sometimes")).message).toBe(
      '"sometimes" is not a schedule expression',
    );
    expect(rejectionOf(() => parseSchedule("@reboot"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: '"@reboot" is not a schedule shorthand',
      remedy: "a job has no machine to reboot; use a schedule such as @daily",
    });
    expect(rejectionOf(() => parseSchedule("@fortnightly")).remedy).toBe(
      "use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly",
    );
  });

  it("reports AWS rules for rate and cron written directly", () => {
    expect(rejectionOf(() => parseSchedule("rate(1 minutes)")).message).toBe(
      'rate(1 minutes) uses the plural "minutes" with 1',
    );
    expect(rejectionOf(() => parseSchedule("cron(0 9 ? * 8 *)")).message).toBe(
      'day-of-week "8" is out of range 1-7 in cron(0 9 ? * 8 *)',
    );
  });
});
