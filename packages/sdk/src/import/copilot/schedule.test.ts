import { describe, expect, it } from "vitest";
import { FlexjobError } from "../../errors.js";
import { nextRuns, parseSchedule } from "../../schedule/index.js";
import { parseGoDuration } from "./go-duration.js";
import { copilotSchedule, copilotScheduleNote } from "./schedule.js";

// Every expected expression below is written by hand from Copilot's rules (aws/copilot-cli
// internal/pkg/deploy/cloudformation/stack/scheduled_job.go, awsSchedule), not computed.

const FROM = new Date("2026-12-07T03:14:00Z");

/** flexjob's next 20 runs of an expression, in UTC. */
function runs(expression: string): string[] {
  return nextRuns(expression, { timezone: "UTC", from: FROM, count: 20 }).map((run) => run.toISOString());
}

/** The expression an import deploys; fails the test for `none`. */
function imported(copilot: string): string {
  const schedule = copilotSchedule(copilot);
  if (schedule.kind !== "expression") throw new Error(`${copilot} imported as ${schedule.kind}`);
  return schedule.expression;
}

function expectImport(copilot: string, expected: string): void {
  expect(copilotSchedule(copilot)).toEqual({ kind: "expression", copilot, expression: expected });
  expect(runs(imported(copilot))).toEqual(runs(expected));
}

function thrown(copilot: string): FlexjobError {
  try {
    copilotSchedule(copilot);
  } catch (error) {
    if (error instanceof FlexjobError) return error;
    throw error;
  }
  throw new Error(`copilotSchedule(${JSON.stringify(copilot)}) did not throw`);
}

describe("copilotSchedule: presets", () => {
  it.each([
    ["@hourly", "cron(0 * * * ? *)"],
    ["@daily", "cron(0 0 * * ? *)"],
    ["@midnight", "cron(0 0 * * ? *)"],
    ["@weekly", "cron(0 0 ? * 1 *)"],
    ["@monthly", "cron(0 0 1 * ? *)"],
    ["@yearly", "cron(0 0 1 1 ? *)"],
    ["@annually", "cron(0 0 1 1 ? *)"],
  ])("%s deploys as %s and runs at the same times", (copilot, expected) => {
    expectImport(copilot, expected);
    expect(copilotScheduleNote(copilot)).toBeUndefined();
  });

  it("@weekly runs on Sundays at midnight, as flexjob's own @weekly", () => {
    expect(runs(imported("@weekly"))).toEqual(runs("cron(0 0 ? * SUN *)"));
    expect(runs("@weekly")[0]).toBe("2026-12-13T00:00:00.000Z");
  });

  it.each(["@Daily", "@reboot", "@every", "@fortnightly"])(
    "%s is no descriptor robfig/cron knows",
    (copilot) => {
      const error = thrown(copilot);
      expect(error.message).toContain(`"${copilot}"`);
      expect(error.remedy).toContain("@daily");
    },
  );
});

describe("copilotSchedule: @every becomes rate(N minutes)", () => {
  // An EventBridge rule's rate counts from when the rule was created or last updated, which the
  // manifest cannot tell, so only the period is compared: both lists count from the same instant.
  it.each([
    ["@every 1m", "rate(1 minute)"],
    ["@every 5m", "rate(5 minutes)"],
    ["@every 90m", "rate(90 minutes)"],
    ["@every 1h", "rate(60 minutes)"],
    ["@every 1h30m", "rate(90 minutes)"],
    ["@every 1.5h", "rate(90 minutes)"],
    ["@every 24h", "rate(1440 minutes)"],
    ["@every 3600s", "rate(60 minutes)"],
    ["@every 0.5h", "rate(30 minutes)"],
    ["@every .5h", "rate(30 minutes)"],
    ["@every 1h0m0s", "rate(60 minutes)"],
    ["@every 2m0.000s", "rate(2 minutes)"],
    ["@every 60000ms", "rate(1 minute)"],
    ["@every 120000000us", "rate(2 minutes)"],
    ["@every +10m", "rate(10 minutes)"],
  ])("%s deploys as %s", (copilot, expected) => {
    expectImport(copilot, expected);
    expect(copilotScheduleNote(copilot)).toBeUndefined();
  });

  it("the imported rate(60 minutes) has the period of rate(1 hour)", () => {
    expect(runs(imported("@every 1h"))).toEqual(runs("rate(1 hour)"));
  });

  it.each([
    ["@every 90s", "is not a whole number of minutes, which Copilot requires", "@every 2m"],
    ["@every 30s", "is not a whole number of minutes, which Copilot requires", "@every 1m"],
    ["@every 1m20s", "is not a whole number of minutes, which Copilot requires", "@every 1m"],
    ["@every 0s", "is shorter than 1 minute, which Copilot rejects", "@every 1m"],
    ["@every 0", "is shorter than 1 minute, which Copilot rejects", "@every 1m"],
    ["@every -5m", "is shorter than 1 minute, which Copilot rejects", "@every 1m"],
  ])("%s is refused as Copilot refuses it", (copilot, why, fix) => {
    const error = thrown(copilot);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.fault).toBe("user");
    expect(error.message).toBe(`on.schedule "${copilot}" ${why}`);
    expect(error.remedy).toContain(fix);
  });

  it.each([
    ["@every 1d", 'time: unknown unit "d" in duration "1d"'],
    ["@every 5", 'time: missing unit in duration "5"'],
    ["@every 5 m", 'time: unknown unit " m" in duration "5 m"'],
    ["@every  5m", 'time: invalid duration " 5m"'],
    ["@every h", 'time: invalid duration "h"'],
    ["@every 1.5", 'time: missing unit in duration "1.5"'],
  ])("%s is not a Go duration", (copilot, reason) => {
    const error = thrown(copilot);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.fault).toBe("user");
    expect(error.message).toContain(`on.schedule "${copilot}"`);
    expect(error.message).toContain(reason);
    expect(error.remedy).toContain("no d");
  });
});

describe("parseGoDuration follows Go's time.ParseDuration", () => {
  const S = 1_000_000_000n;
  it.each([
    ["1h30m", 5400n * S],
    ["1.5h", 5400n * S],
    ["90m", 5400n * S],
    ["3600s", 3600n * S],
    ["0", 0n],
    ["+0", 0n],
    ["-0", 0n],
    ["0s", 0n],
    ["1ns", 1n],
    ["1us", 1_000n],
    ["1µs", 1_000n],
    ["1μs", 1_000n],
    ["1ms", 1_000_000n],
    ["5.m", 300n * S],
    [".5s", 500_000_000n],
    ["-1.5h", -5400n * S],
    ["1h1h", 7200n * S],
    ["1s1h", 3601n * S],
    // Go adds the fraction as truncated float64: 1e9 × 1e-10 is below one nanosecond
    ["1.0000000001s", S],
    ["9223372036854775807ns", 9223372036854775807n],
    ["-9223372036854775808ns", -9223372036854775808n],
  ])("%s is %s ns", (text, nanoseconds) => {
    expect(parseGoDuration(text)).toBe(nanoseconds);
  });

  it.each([
    ["", 'time: invalid duration ""'],
    ["-", 'time: invalid duration "-"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["1H", 'time: unknown unit "H" in duration "1H"'],
    ["00", 'time: missing unit in duration "00"'],
    ["1h30", 'time: missing unit in duration "1h30"'],
    [".s", 'time: invalid duration ".s"'],
    ["1.2.3s", 'time: missing unit in duration "1.2.3s"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
    ["2562048h", 'time: invalid duration "2562048h"'],
  ])("%j is refused: %s", (text, reason) => {
    expect(parseGoDuration(text)).toBe(reason);
  });
});

describe("copilotSchedule: 5-field cron becomes AWS's 6 fields", () => {
  it.each([
    ["* * * * *", "cron(* * * * ? *)"],
    ["0 9 * * *", "cron(0 9 * * ? *)"],
    ["0 9 * * 1-5", "cron(0 9 ? * 2-6 *)"],
    ["0 12 * * MON", "cron(0 12 ? * MON *)"],
    ["0 9 * * mon-fri", "cron(0 9 ? * mon-fri *)"],
    ["0 9 1 * *", "cron(0 9 1 * ? *)"],
    ["0 0 * * 0", "cron(0 0 ? * 1 *)"],
    ["0 0 * * 0,6", "cron(0 0 ? * 1,7 *)"],
    ["0 0 * * 0-6", "cron(0 0 ? * 1-7 *)"],
    ["0 0 * * SUN,3", "cron(0 0 ? * SUN,4 *)"],
    ["30 2 ? * *", "cron(30 2 * * ? *)"],
    ["30 2 * * ?", "cron(30 2 * * ? *)"],
    ["15 */4 * JAN,JUL *", "cron(15 */4 * JAN,JUL ? *)"],
    ["0 0 1/2 * *", "cron(0 0 1/2 * ? *)"],
    ["5/15 8-18 * 3-9/2 *", "cron(5/15 8-18 * 3-9/2 ? *)"],
    ["  0   9  *  *   1-5 ", "cron(0 9 ? * 2-6 *)"],
    ["0\t9 * *\t2", "cron(0 9 ? * 3 *)"],
    // one step in day-of-week spans the whole week: 1 to 7 by 8 is day 1 alone, as 0-6/7 is 0
    ["0 0 * * 0-6/7", "cron(0 0 ? * 1 *)"],
    ["0 0 * * 1-5/10", "cron(0 0 ? * 2 *)"],
  ])("%j deploys as %s and runs at the same times", (copilot, expected) => {
    expectImport(copilot, expected);
    expect(copilotScheduleNote(copilot)).toBeUndefined();
  });
});

describe("copilotSchedule: where Copilot's meaning is not standard cron's, Copilot's wins", () => {
  it.each([
    // Q1: "*/2" holds a "*", so Copilot counts day-of-month as unset and runs daily
    ["0 0 */2 * *", "cron(0 0 * * ? *)", "cron(0 0 */2 * ? *)"],
    // Q2: the same for day-of-week
    ["0 0 * * */2", "cron(0 0 * * ? *)", "cron(0 0 ? * 1,3,5,7 *)"],
    // Q4: the step's digit goes up too: 2-6/3 is Monday and Thursday, not Mon, Wed, Fri
    ["0 0 * * 1-5/2", "cron(0 0 ? * 2,5 *)", "cron(0 0 ? * 2,4,6 *)"],
    // flexjob reads Unix's 0-7, so its 1/2 reaches Sunday (7); robfig's stops at Saturday (6)
    ["0 0 * * 1/2", "cron(0 0 ? * 2,5 *)", "cron(0 0 ? * 1,2,4,6 *)"],
    ["0 0 * * MON-FRI/2", "cron(0 0 ? * 2,5 *)", "cron(0 0 ? * 2,4,6 *)"],
    // only the stepped item becomes a list; the others keep Copilot's text
    ["0 0 * * 0,1-5/2", "cron(0 0 ? * 1,2,5 *)", "cron(0 0 ? * 1,2,4,6 *)"],
  ])(
    "%j runs as Copilot deployed it, %s, not as flexjob reads it, %s",
    (copilot, expected, flexjobReading) => {
      expect(parseSchedule(copilot).expression).toBe(flexjobReading);
      expectImport(copilot, expected);
      expect(runs(imported(copilot))).not.toEqual(runs(flexjobReading));
      expect(copilotScheduleNote(copilot)).toContain("flexjob imports Copilot's schedule");
    },
  );

  it("the note for 0 0 */2 * * names what Copilot deploys, the standard reading and why", () => {
    expect(copilotScheduleNote("0 0 */2 * *")).toBe(
      'on.schedule "0 0 */2 * *": Copilot deploys cron(0 0 * * ? *), not what standard cron reads (cron(0 0 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 * ? *)): day-of-month "*/2" contains "*", so Copilot ignores it. flexjob imports Copilot\'s schedule, the times the job ran; if the standard reading was meant, change the schedule in flexjob.yml.',
    );
  });

  it("the note for 0 0 * * 1-5/2 names Copilot's renumbered step and the list flexjob writes", () => {
    expect(copilotScheduleNote("0 0 * * 1-5/2")).toBe(
      'on.schedule "0 0 * * 1-5/2": Copilot deploys cron(0 0 ? * 2-6/3 *), not what standard cron reads (cron(0 0 ? * 2,4,6 *)): Copilot adds 1 to every digit of day-of-week "1-5/2", its step too. AWS documents no "/" in day-of-week, so flexjob writes the same days as a list: cron(0 0 ? * 2,5 *). flexjob imports Copilot\'s schedule, the times the job ran; if the standard reading was meant, change the schedule in flexjob.yml.',
    );
  });

  it("Q3: 0 0 */2 * 1 runs every Monday, where standard cron runs on odd days or Mondays and flexjob refuses it", () => {
    expect(() => parseSchedule("0 0 */2 * 1")).toThrow(/restricts both/);
    expectImport("0 0 */2 * 1", "cron(0 0 ? * 2 *)");
    expect(runs("cron(0 0 ? * 2 *)")[0]).toBe("2026-12-14T00:00:00.000Z");
    expect(copilotScheduleNote("0 0 */2 * 1")).toBe(
      'on.schedule "0 0 */2 * 1": Copilot deploys cron(0 0 ? * 2 *), not what standard cron reads (runs when either day field matches, which one EventBridge expression cannot say): day-of-month "*/2" contains "*", so Copilot ignores it. flexjob imports Copilot\'s schedule, the times the job ran; if the standard reading was meant, change the schedule in flexjob.yml.',
    );
  });

  it.each(["0 9 * * 1-5", "0 0 1/2 * *", "*/1 * */1 * *", "0 0 * * 0-6/7"])(
    "%j means the same to Copilot and standard cron, so there is no note",
    (copilot) => {
      expect(copilotScheduleNote(copilot)).toBeUndefined();
    },
  );
});

describe("copilotSchedule: none and AWS expressions pass through", () => {
  it("none is a job whose rule Copilot creates disabled", () => {
    expect(copilotSchedule("none")).toEqual({ kind: "none", copilot: "none" });
    expect(copilotScheduleNote("none")).toBeUndefined();
  });

  it.each([
    "rate(5 minutes)",
    "rate(1 minute)",
    "rate(1 hour)",
    "rate(2 days)",
    "cron(0 9 ? * MON-FRI *)",
    "cron(0 9 ? * mon-fri *)",
    "cron(0 18 L * ? *)",
    "cron(0 10 ? * 6#3 *)",
    "cron(15 10 ? * 6L 2027-2029)",
  ])("%s is deployed exactly as written", (copilot) => {
    expectImport(copilot, copilot);
    expect(copilotScheduleNote(copilot)).toBeUndefined();
  });
});

describe("copilotSchedule: what Copilot refuses or deploys broken is an error naming the value", () => {
  it.each([
    ["", "on.schedule is empty"],
    ["None", 'on.schedule "None" has 1 field'],
    ["daily", 'on.schedule "daily" has 1 field'],
    ["0 9 * * * *", 'on.schedule "0 9 * * * *" has 6 fields'],
    ["0 0 * * 7", 'day-of-week "7" goes above 6 (Sunday is 0, not 7)'],
    ["0 0 * * 5-7", 'day-of-week "5-7" goes above 6'],
    ["0 0 L * *", 'day-of-month "L" uses L, W or #'],
    ["0 0 15W * *", 'day-of-month "15W" uses L, W or #'],
    ["0 0 * * 5#3", 'day-of-week "5#3" uses L, W or #'],
    ["0 0 * * FRIL", 'day-of-week "FRIL" uses L, W or #'],
    ["60 * * * *", 'minute "60" goes above 59'],
    ["0 0 0 * *", 'day-of-month "0" starts below 1'],
    ["0 0 * 13 *", 'month "13" goes above 12'],
    ["0 0 * * 5-1", 'day-of-week "5-1" runs backwards'],
    ["*/0 * * * *", 'minute "*/0" has a step of 0'],
    ["1-2-3 * * * *", 'minute "1-2-3" has too many hyphens'],
    ["1/2/3 * * * *", 'minute "1/2/3" has too many slashes'],
    ["x * * * *", 'minute "x" is not a number or name'],
    ["0 0 1 * 1", 'sets both day-of-month "1" and day-of-week "1", which Copilot rejects'],
    ["TZ=Europe/Paris 0 9 * * *", "starts with a time zone"],
    ["CRON_TZ=UTC 0 9 * * *", "starts with a time zone"],
    ["@daily none", "among other text"],
    ["every day at rate(1 hour)", "among other text"],
    [" rate(5 minutes)", "among other text"],
    ["cron(0 9 * * 1-5)", "Copilot deploys it unchanged as cron(0 9 * * 1-5), which EventBridge rejects"],
    ["rate(1 minutes)", "Copilot deploys it unchanged as rate(1 minutes), which EventBridge rejects"],
    // robfig takes these, but what Copilot writes from them is not an AWS expression
    ["0 0 * * 06", "Copilot deploys it as cron(0 0 ? * 17 *), which EventBridge rejects"],
    ["? * * * *", "Copilot deploys it as cron(? * * * ? *), which EventBridge rejects"],
    ["0 0 1,,2 * *", "Copilot deploys it as cron(0 0 1,,2 * ? *), which EventBridge rejects"],
    ["0 0 * * 1-5/9", "deploys it as cron(0 0 ? * 2-6/: *), which EventBridge rejects"],
  ])("%j: %s", (copilot, message) => {
    const error = thrown(copilot);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.fault).toBe("user");
    expect(error.message).toContain(message);
    expect(error.remedy).toEqual(expect.any(String));
    expect(copilot === "" || error.message.includes(JSON.stringify(copilot))).toBe(true);
  });

  it("the note refuses what copilotSchedule refuses, with the same error", () => {
    expect(() => copilotScheduleNote("0 0 * * 7")).toThrow(thrown("0 0 * * 7").message);
  });
});
