import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { nextRuns } from "./index.js";

/**
 * Every expected time below was worked out by hand from the calendar, not by running code:
 * 2026-01-01 is a Thursday; 2026 months start on Thu, Sun, Sun, Wed, Fri, Mon, Wed, Sat, Tue,
 * Thu, Sun, Tue. Europe/Berlin is UTC+1 (CET) and UTC+2 (CEST) from 2026-03-29 01:00Z to
 * 2026-10-25 01:00Z. America/New_York is UTC-5 (EST) and UTC-4 (EDT) from 2026-03-08 07:00Z to
 * 2026-11-01 06:00Z.
 */
interface Case {
  behaviour: string;
  expression: string;
  timezone?: string;
  from: string;
  count: number;
  runs: string[];
}

function runsOf({ expression, timezone, from, count }: Case): string[] {
  const options = { from: new Date(from), count, ...(timezone === undefined ? {} : { timezone }) };
  return nextRuns(expression, options).map((run) => run.toISOString());
}

function check(cases: readonly Case[]) {
  for (const testCase of cases) {
    it(testCase.behaviour, () => {
      expect(runsOf(testCase)).toEqual(testCase.runs);
    });
  }
}

describe("nextRuns: plain cron, rate and at", () => {
  check([
    {
      behaviour: "Unix 0 9 * * 1-5 runs Monday to Friday at 09:00 UTC",
      expression: "0 9 * * 1-5",
      from: "2026-01-01T00:00:00Z",
      count: 5,
      runs: [
        "2026-01-01T09:00:00.000Z",
        "2026-01-02T09:00:00.000Z",
        "2026-01-05T09:00:00.000Z",
        "2026-01-06T09:00:00.000Z",
        "2026-01-07T09:00:00.000Z",
      ],
    },
    {
      behaviour: "09:00 in Berlin is 08:00Z in winter",
      expression: "cron(0 9 * * ? *)",
      timezone: "Europe/Berlin",
      from: "2026-01-10T00:00:00Z",
      count: 2,
      runs: ["2026-01-10T08:00:00.000Z", "2026-01-11T08:00:00.000Z"],
    },
    {
      behaviour: "09:00 in Berlin is 07:00Z in summer",
      expression: "cron(0 9 * * ? *)",
      timezone: "Europe/Berlin",
      from: "2026-07-01T00:00:00Z",
      count: 2,
      runs: ["2026-07-01T07:00:00.000Z", "2026-07-02T07:00:00.000Z"],
    },
    {
      behaviour: "a run exactly at from is not listed",
      expression: "cron(0 9 * * ? *)",
      timezone: "Asia/Tokyo",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"],
    },
    {
      behaviour: "a rate counts whole intervals from from, seconds included",
      expression: "rate(5 minutes)",
      from: "2026-01-01T10:02:30Z",
      count: 3,
      runs: ["2026-01-01T10:07:30.000Z", "2026-01-01T10:12:30.000Z", "2026-01-01T10:17:30.000Z"],
    },
    {
      behaviour: "a rate of hours crosses midnight",
      expression: "rate(2 hours)",
      from: "2026-01-01T23:00:00Z",
      count: 2,
      runs: ["2026-01-02T01:00:00.000Z", "2026-01-02T03:00:00.000Z"],
    },
    {
      behaviour: "a daily rate is 24 hours even across a DST change",
      expression: "rate(1 day)",
      timezone: "Europe/Berlin",
      from: "2026-03-28T12:00:00Z",
      count: 2,
      runs: ["2026-03-29T12:00:00.000Z", "2026-03-30T12:00:00.000Z"],
    },
    {
      behaviour: "at runs once, at the local time in the zone",
      expression: "at(2026-12-01T09:00:00)",
      timezone: "Europe/Berlin",
      from: "2026-01-01T00:00:00Z",
      count: 5,
      runs: ["2026-12-01T08:00:00.000Z"],
    },
    {
      behaviour: "at in New York summer time is four hours behind UTC",
      expression: "at(2026-07-04T12:00:00)",
      timezone: "America/New_York",
      from: "2026-01-01T00:00:00Z",
      count: 1,
      runs: ["2026-07-04T16:00:00.000Z"],
    },
    {
      behaviour: "at in the past has no runs",
      expression: "at(2026-12-01T09:00:00)",
      from: "2027-01-01T00:00:00Z",
      count: 5,
      runs: [],
    },
  ]);
});

describe("nextRuns: L, W, LW, # and nL", () => {
  check([
    {
      behaviour: "L in day-of-month is the last day of each month",
      expression: "cron(15 10 L * ? *)",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-31T10:15:00.000Z", "2026-02-28T10:15:00.000Z", "2026-03-31T10:15:00.000Z"],
    },
    {
      behaviour: "L in February is the 29th in a leap year",
      expression: "cron(0 0 L 2 ? *)",
      from: "2027-06-01T00:00:00Z",
      count: 2,
      runs: ["2028-02-29T00:00:00.000Z", "2029-02-28T00:00:00.000Z"],
    },
    {
      behaviour: "L is the last day in local time, not UTC",
      expression: "cron(0 0 L * ? *)",
      timezone: "Europe/Berlin",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-30T23:00:00.000Z", "2026-02-27T23:00:00.000Z"],
    },
    {
      behaviour: "LW is the last Monday-Friday, moving back from a Saturday or Sunday month end",
      expression: "cron(0 12 LW * ? *)",
      from: "2026-01-01T00:00:00Z",
      count: 5,
      runs: [
        "2026-01-30T12:00:00.000Z",
        "2026-02-27T12:00:00.000Z",
        "2026-03-31T12:00:00.000Z",
        "2026-04-30T12:00:00.000Z",
        "2026-05-29T12:00:00.000Z",
      ],
    },
    {
      behaviour: "15W is the 15th, or the Monday after when the 15th is a Sunday",
      expression: "cron(0 9 15W * ? *)",
      from: "2026-01-01T00:00:00Z",
      count: 4,
      runs: [
        "2026-01-15T09:00:00.000Z",
        "2026-02-16T09:00:00.000Z",
        "2026-03-16T09:00:00.000Z",
        "2026-04-15T09:00:00.000Z",
      ],
    },
    {
      behaviour: "15W moves a Saturday 15th back to Friday the 14th",
      expression: "cron(0 9 15W * ? *)",
      from: "2026-08-01T00:00:00Z",
      count: 1,
      runs: ["2026-08-14T09:00:00.000Z"],
    },
    {
      behaviour: "1W on a Saturday the 1st moves forward to Monday the 3rd, not into the month before",
      expression: "cron(0 9 1W * ? *)",
      from: "2026-07-15T00:00:00Z",
      count: 1,
      runs: ["2026-08-03T09:00:00.000Z"],
    },
    {
      behaviour: "1W on a Sunday the 1st is Monday the 2nd",
      expression: "cron(0 9 1W * ? *)",
      from: "2026-01-15T00:00:00Z",
      count: 1,
      runs: ["2026-02-02T09:00:00.000Z"],
    },
    {
      behaviour: "31W on a Sunday the 31st moves back to Friday, and skips months without a 31st",
      expression: "cron(0 9 31W * ? *)",
      from: "2026-04-01T00:00:00Z",
      count: 2,
      runs: ["2026-05-29T09:00:00.000Z", "2026-07-31T09:00:00.000Z"],
    },
    {
      behaviour: "6#3 is the third Friday of the month",
      expression: "cron(0 9 ? * 6#3 *)",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-16T09:00:00.000Z", "2026-02-20T09:00:00.000Z", "2026-03-20T09:00:00.000Z"],
    },
    {
      behaviour: "FRI#3 is the same third Friday",
      expression: "cron(0 9 ? * FRI#3 *)",
      from: "2026-01-01T00:00:00Z",
      count: 1,
      runs: ["2026-01-16T09:00:00.000Z"],
    },
    {
      behaviour: "2#5 runs only in months with a fifth Monday",
      expression: "cron(0 9 ? * 2#5 *)",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-03-30T09:00:00.000Z", "2026-06-29T09:00:00.000Z"],
    },
    {
      behaviour: "6L is the last Friday of the month",
      expression: "cron(0 9 ? * 6L *)",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-30T09:00:00.000Z", "2026-02-27T09:00:00.000Z", "2026-03-27T09:00:00.000Z"],
    },
    {
      behaviour: "1L is the last Sunday of the month",
      expression: "cron(0 9 ? * 1L *)",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-25T09:00:00.000Z", "2026-02-22T09:00:00.000Z"],
    },
    {
      behaviour: "L alone in day-of-week is every Saturday",
      expression: "cron(0 9 ? * L *)",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-03T09:00:00.000Z", "2026-01-10T09:00:00.000Z"],
    },
  ]);
});

describe("nextRuns: ranges, increments, lists and names", () => {
  check([
    {
      behaviour: "minute increments within an hour range on Mondays",
      expression: "cron(0/20 9-10 ? * MON *)",
      from: "2026-01-05T00:00:00Z",
      count: 7,
      runs: [
        "2026-01-05T09:00:00.000Z",
        "2026-01-05T09:20:00.000Z",
        "2026-01-05T09:40:00.000Z",
        "2026-01-05T10:00:00.000Z",
        "2026-01-05T10:20:00.000Z",
        "2026-01-05T10:40:00.000Z",
        "2026-01-12T09:00:00.000Z",
      ],
    },
    {
      behaviour: "an increment starts at its base minute",
      expression: "cron(5/15 * * * ? *)",
      from: "2026-01-01T00:00:00Z",
      count: 4,
      runs: [
        "2026-01-01T00:05:00.000Z",
        "2026-01-01T00:20:00.000Z",
        "2026-01-01T00:35:00.000Z",
        "2026-01-01T00:50:00.000Z",
      ],
    },
    {
      behaviour: "a list of minutes",
      expression: "cron(0,30 9 ? * MON *)",
      from: "2026-01-05T00:00:00Z",
      count: 3,
      runs: ["2026-01-05T09:00:00.000Z", "2026-01-05T09:30:00.000Z", "2026-01-12T09:00:00.000Z"],
    },
    {
      behaviour: "month names in a list",
      expression: "cron(0 0 1 JAN,JUL ? *)",
      from: "2026-02-01T00:00:00Z",
      count: 3,
      runs: ["2026-07-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2027-07-01T00:00:00.000Z"],
    },
    {
      behaviour: "a month increment: every fourth month from January",
      expression: "cron(0 0 1 */4 ? *)",
      from: "2026-01-02T00:00:00Z",
      count: 3,
      runs: ["2026-05-01T00:00:00.000Z", "2026-09-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    },
    {
      behaviour: "a day-of-month range",
      expression: "cron(0 12 10-12 * ? *)",
      from: "2026-01-11T13:00:00Z",
      count: 3,
      runs: ["2026-01-12T12:00:00.000Z", "2026-02-10T12:00:00.000Z", "2026-02-11T12:00:00.000Z"],
    },
    {
      behaviour: "a day-of-month increment: the 1st, 11th, 21st and 31st",
      expression: "cron(0 0 */10 * ? *)",
      from: "2026-01-25T00:00:00Z",
      count: 3,
      runs: ["2026-01-31T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-02-11T00:00:00.000Z"],
    },
    {
      behaviour: "weekday names in a list",
      expression: "cron(30 8 ? * SUN,SAT *)",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-03T08:30:00.000Z", "2026-01-04T08:30:00.000Z", "2026-01-10T08:30:00.000Z"],
    },
    {
      behaviour: "a weekday name range",
      expression: "cron(0 6 ? * TUE-THU *)",
      from: "2026-01-01T07:00:00Z",
      count: 3,
      runs: ["2026-01-06T06:00:00.000Z", "2026-01-07T06:00:00.000Z", "2026-01-08T06:00:00.000Z"],
    },
    {
      behaviour: "the last minute of the year",
      expression: "cron(59 23 31 12 ? *)",
      from: "2026-06-01T00:00:00Z",
      count: 2,
      runs: ["2026-12-31T23:59:00.000Z", "2027-12-31T23:59:00.000Z"],
    },
  ]);
});

describe("nextRuns: the year field", () => {
  check([
    {
      behaviour: "a single year returns fewer runs than asked",
      expression: "cron(0 0 1 1 ? 2028)",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2028-01-01T00:00:00.000Z"],
    },
    {
      behaviour: "a year range",
      expression: "cron(0 12 25 12 ? 2026-2027)",
      from: "2026-01-01T00:00:00Z",
      count: 5,
      runs: ["2026-12-25T12:00:00.000Z", "2027-12-25T12:00:00.000Z"],
    },
    {
      behaviour: "a year increment",
      expression: "cron(0 0 1 1 ? 2030/10)",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2030-01-01T00:00:00.000Z", "2040-01-01T00:00:00.000Z", "2050-01-01T00:00:00.000Z"],
    },
    {
      behaviour: "29 February in a leap year near the end of the range",
      expression: "cron(0 0 29 2 ? 2196)",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2196-02-29T00:00:00.000Z"],
    },
    {
      behaviour: "29 February 2199 never happens, since 2199 is not a leap year",
      expression: "cron(0 0 29 2 ? 2199)",
      from: "2026-01-01T00:00:00Z",
      count: 1,
      runs: [],
    },
    {
      behaviour: "years already past have no runs",
      expression: "cron(0 0 1 1 ? 2020)",
      from: "2026-01-01T00:00:00Z",
      count: 1,
      runs: [],
    },
  ]);
});

describe("nextRuns: time zones and daylight saving", () => {
  check([
    {
      behaviour: "Berlin spring forward: 02:30 on 2026-03-29 does not exist and is skipped",
      expression: "cron(30 2 * * ? *)",
      timezone: "Europe/Berlin",
      from: "2026-03-27T12:00:00Z",
      count: 3,
      runs: ["2026-03-28T01:30:00.000Z", "2026-03-30T00:30:00.000Z", "2026-03-31T00:30:00.000Z"],
    },
    {
      behaviour: "Berlin fall back: 02:30 on 2026-10-25 happens twice and runs once, the first time",
      expression: "cron(30 2 * * ? *)",
      timezone: "Europe/Berlin",
      from: "2026-10-24T12:00:00Z",
      count: 3,
      runs: ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z", "2026-10-27T01:30:00.000Z"],
    },
    {
      behaviour: "Berlin fall back: every 30 minutes does not repeat the hour the clock repeats",
      expression: "cron(0/30 * * * ? *)",
      timezone: "Europe/Berlin",
      from: "2026-10-25T00:00:00Z",
      count: 4,
      runs: [
        "2026-10-25T00:30:00.000Z",
        "2026-10-25T02:00:00.000Z",
        "2026-10-25T02:30:00.000Z",
        "2026-10-25T03:00:00.000Z",
      ],
    },
    {
      behaviour: "Berlin spring forward: every 30 minutes goes from 01:30 to 03:00 local",
      expression: "cron(0/30 * * * ? *)",
      timezone: "Europe/Berlin",
      from: "2026-03-29T00:15:00Z",
      count: 3,
      runs: ["2026-03-29T00:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T01:30:00.000Z"],
    },
    {
      behaviour: "New York spring forward: 02:30 on 2026-03-08 does not exist and is skipped",
      expression: "cron(30 2 * * ? *)",
      timezone: "America/New_York",
      from: "2026-03-07T00:00:00Z",
      count: 3,
      runs: ["2026-03-07T07:30:00.000Z", "2026-03-09T06:30:00.000Z", "2026-03-10T06:30:00.000Z"],
    },
    {
      behaviour: "New York fall back: 01:30 on 2026-11-01 runs once, in daylight time",
      expression: "cron(30 1 * * ? *)",
      timezone: "America/New_York",
      from: "2026-10-31T12:00:00Z",
      count: 3,
      runs: ["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z", "2026-11-03T06:30:00.000Z"],
    },
    {
      behaviour: "New York weekdays at 09:00 move an hour earlier in UTC after the change",
      expression: "cron(0 9 ? * MON-FRI *)",
      timezone: "America/New_York",
      from: "2026-03-05T00:00:00Z",
      count: 4,
      runs: [
        "2026-03-05T14:00:00.000Z",
        "2026-03-06T14:00:00.000Z",
        "2026-03-09T13:00:00.000Z",
        "2026-03-10T13:00:00.000Z",
      ],
    },
    {
      behaviour: "a half-hour offset: midnight in Kolkata is 18:30Z the day before",
      expression: "cron(0 0 * * ? *)",
      timezone: "Asia/Kolkata",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-01T18:30:00.000Z", "2026-01-02T18:30:00.000Z"],
    },
    {
      behaviour: "the weekday is the local one: Monday 08:00 in Auckland is Sunday in UTC",
      expression: "cron(0 8 ? * MON *)",
      timezone: "Pacific/Auckland",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-04T19:00:00.000Z", "2026-01-11T19:00:00.000Z"],
    },
  ]);
});

describe("nextRuns: Unix cron day-of-week forms", () => {
  check([
    {
      behaviour: "Unix 0 is Sunday",
      expression: "0 9 * * 0",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-04T09:00:00.000Z", "2026-01-11T09:00:00.000Z"],
    },
    {
      behaviour: "Unix 7 is Sunday too",
      expression: "0 9 * * 7",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-04T09:00:00.000Z", "2026-01-11T09:00:00.000Z"],
    },
    {
      behaviour: "a Unix weekday name",
      expression: "0 9 * * sun",
      from: "2026-01-01T00:00:00Z",
      count: 1,
      runs: ["2026-01-04T09:00:00.000Z"],
    },
    {
      behaviour: "a Unix list of names",
      expression: "0 9 * * mon,fri",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-02T09:00:00.000Z", "2026-01-05T09:00:00.000Z", "2026-01-09T09:00:00.000Z"],
    },
    {
      behaviour: "Unix */2 is Sunday, Tuesday, Thursday and Saturday",
      expression: "0 9 * * */2",
      from: "2026-01-01T10:00:00Z",
      count: 4,
      runs: [
        "2026-01-03T09:00:00.000Z",
        "2026-01-04T09:00:00.000Z",
        "2026-01-06T09:00:00.000Z",
        "2026-01-08T09:00:00.000Z",
      ],
    },
    {
      behaviour: "Unix 5-7 is Friday to Sunday",
      expression: "0 9 * * 5-7",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-02T09:00:00.000Z", "2026-01-03T09:00:00.000Z", "2026-01-04T09:00:00.000Z"],
    },
    {
      behaviour: "Unix 3-4 is Wednesday and Thursday",
      expression: "0 9 * * 3-4",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-01T09:00:00.000Z", "2026-01-07T09:00:00.000Z", "2026-01-08T09:00:00.000Z"],
    },
    {
      behaviour: "Unix 1-5/2 is Monday, Wednesday and Friday",
      expression: "0 9 * * 1-5/2",
      from: "2026-01-01T00:00:00Z",
      count: 3,
      runs: ["2026-01-02T09:00:00.000Z", "2026-01-05T09:00:00.000Z", "2026-01-07T09:00:00.000Z"],
    },
    {
      behaviour: "a Unix day-of-month with * day-of-week",
      expression: "30 4 1 * *",
      from: "2026-01-01T05:00:00Z",
      count: 2,
      runs: ["2026-02-01T04:30:00.000Z", "2026-03-01T04:30:00.000Z"],
    },
  ]);
});

describe("nextRuns: English and shorthands", () => {
  check([
    {
      behaviour: "every weekday at 9:00 in Berlin",
      expression: "every weekday at 9:00",
      timezone: "Europe/Berlin",
      from: "2026-01-01T00:00:00Z",
      count: 2,
      runs: ["2026-01-01T08:00:00.000Z", "2026-01-02T08:00:00.000Z"],
    },
    {
      behaviour: "every hour runs on the hour",
      expression: "every hour",
      from: "2026-01-01T10:30:00Z",
      count: 2,
      runs: ["2026-01-01T11:00:00.000Z", "2026-01-01T12:00:00.000Z"],
    },
    {
      behaviour: "@weekly is Sunday at midnight",
      expression: "@weekly",
      from: "2026-01-01T00:00:00Z",
      count: 1,
      runs: ["2026-01-04T00:00:00.000Z"],
    },
  ]);
});

describe("nextRuns: bounds and inputs", () => {
  it("stops quickly for expressions that never match", () => {
    const started = performance.now();
    const from = new Date("2026-01-01T00:00:00Z");
    for (const expression of ["cron(0 0 30 2 ? *)", "cron(* * 31 4,6,9,11 ? *)", "0 0 30 2 *"]) {
      expect(nextRuns(expression, { from, count: 5 })).toEqual([]);
      expect(nextRuns(expression, { from, count: 5, timezone: "Europe/Berlin" })).toEqual([]);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("returns no runs for a count of 0", () => {
    expect(nextRuns("rate(1 minute)", { from: new Date("2026-01-01T00:00:00Z"), count: 0 })).toEqual([]);
    expect(nextRuns("cron(* * * * ? *)", { from: new Date("2026-01-01T00:00:00Z"), count: 0 })).toEqual([]);
  });

  it("defaults to five runs in UTC", () => {
    expect(nextRuns("cron(0 9 * * ? *)", { from: new Date("2026-01-01T00:00:00Z") })).toHaveLength(5);
    expect(nextRuns("cron(0 9 * * ? *)", { from: new Date("2026-01-01T00:00:00Z") })[0]?.toISOString()).toBe(
      "2026-01-01T09:00:00.000Z",
    );
  });

  it("rejects an unknown time zone", () => {
    expect(rejectionOf(() => nextRuns("@daily", { timezone: "Europe/Berln" })).code).toBe("TIMEZONE_INVALID");
  });

  it("rejects a count that is not a whole number from 0 to 10000", () => {
    expect(rejectionOf(() => nextRuns("@daily", { count: -1 }))).toEqual({
      code: "INPUT_INVALID",
      message: "nextRuns: count -1 is not a whole number from 0 to 10000",
      remedy: "ask for between 0 and 10000 runs, e.g. 5",
    });
    expect(rejectionOf(() => nextRuns("@daily", { count: 1.5 })).code).toBe("INPUT_INVALID");
  });

  it("rejects an invalid from date", () => {
    expect(rejectionOf(() => nextRuns("@daily", { from: new Date("nonsense") }))).toEqual({
      code: "INPUT_INVALID",
      message: "nextRuns: from is not a valid date",
      remedy: "pass a valid Date",
    });
  });
});

describe("nextRuns inside a schedule's startDate and endDate", () => {
  const iso = (runs: Date[]) => runs.map((run) => run.toISOString());
  const from = new Date("2026-01-01T00:00:00Z");

  it("lists no cron run before startDate, and counts a run at startDate itself", () => {
    const runs = nextRuns("cron(0 9 * * ? *)", {
      from,
      count: 2,
      startDate: new Date("2026-02-01T09:00:00Z"),
    });
    expect(iso(runs)).toEqual(["2026-02-01T09:00:00.000Z", "2026-02-02T09:00:00.000Z"]);
  });

  it("lists no run after endDate, and counts a run at endDate itself", () => {
    const runs = nextRuns("cron(0 9 * * ? *)", { from, count: 5, endDate: new Date("2026-01-02T09:00:00Z") });
    expect(iso(runs)).toEqual(["2026-01-01T09:00:00.000Z", "2026-01-02T09:00:00.000Z"]);
  });

  it("runs a rate first at its startDate, then every interval from it", () => {
    const runs = nextRuns("rate(2 hours)", { from, count: 3, startDate: new Date("2026-01-05T10:30:00Z") });
    expect(iso(runs)).toEqual([
      "2026-01-05T10:30:00.000Z",
      "2026-01-05T12:30:00.000Z",
      "2026-01-05T14:30:00.000Z",
    ]);
  });

  it("counts a rate from its creation when it has no startDate, not from now", () => {
    const runs = nextRuns("rate(1 hour)", {
      from: new Date("2026-01-01T12:10:00Z"),
      count: 2,
      rateStart: new Date("2025-12-31T08:45:00Z"),
    });
    expect(iso(runs)).toEqual(["2026-01-01T12:45:00.000Z", "2026-01-01T13:45:00.000Z"]);
  });

  it("counts a rate from a startDate that has passed by whole intervals", () => {
    const runs = nextRuns("rate(30 minutes)", {
      from: new Date("2026-01-01T12:00:00Z"),
      count: 1,
      startDate: new Date("2026-01-01T11:20:00Z"),
    });
    expect(iso(runs)).toEqual(["2026-01-01T12:20:00.000Z"]);
  });

  it("stops a rate at its endDate", () => {
    const runs = nextRuns("rate(1 day)", {
      from,
      count: 5,
      startDate: new Date("2026-01-01T06:00:00Z"),
      endDate: new Date("2026-01-03T06:00:00Z"),
    });
    expect(iso(runs)).toEqual([
      "2026-01-01T06:00:00.000Z",
      "2026-01-02T06:00:00.000Z",
      "2026-01-03T06:00:00.000Z",
    ]);
  });

  it("ignores both dates for a one-time schedule, as AWS does", () => {
    const runs = nextRuns("at(2026-06-01T09:00:00)", { from, startDate: new Date("2026-07-01T00:00:00Z") });
    expect(iso(runs)).toEqual(["2026-06-01T09:00:00.000Z"]);
  });

  it("rejects an at() in a daylight-saving gap instead of listing no run", () => {
    expect(
      rejectionOf(() => nextRuns("at(2026-03-29T02:30:00)", { from, timezone: "Europe/Berlin" })),
    ).toEqual({
      code: "INPUT_INVALID",
      message:
        "2026-03-29 02:30 does not exist in Europe/Berlin: the clock skips it for daylight saving time",
      remedy: "pick a time outside the skipped hour, e.g. one hour later",
    });
  });
});
