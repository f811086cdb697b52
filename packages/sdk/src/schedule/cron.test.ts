import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { parseAwsCron } from "./cron.js";

function invalid(message: string, remedy: string) {
  return { code: "SCHEDULE_INVALID", message, remedy };
}

describe("parseAwsCron normalises", () => {
  it("collapses spaces, upper-cases names and lower-cases the keyword", () => {
    expect(parseAwsCron("CRON(  0  9 ? *  mon-fri * )").expression).toBe("cron(0 9 ? * MON-FRI *)");
    expect(parseAwsCron("cron(0 9 ? jan,jul 6l *)").expression).toBe("cron(0 9 ? JAN,JUL 6L *)");
  });

  it("accepts every wildcard AWS documents", () => {
    for (const expression of [
      "cron(0/15 8-17 * * ? *)",
      "cron(5,35 */2 ? * SUN-SAT 2026-2030)",
      "cron(0 0 L * ? *)",
      "cron(0 0 LW * ? *)",
      "cron(0 0 15W * ? *)",
      "cron(0 0 ? * L *)",
      "cron(0 0 ? * 5L *)",
      "cron(0 0 ? * FRIL *)",
      "cron(0 0 ? * 6#3 *)",
      "cron(0 0 ? * FRI#3 *)",
      "cron(0 0 1 JAN-MAR/2 ? 2030/5)",
      "cron(59 23 31 12 ? 2199)",
      "cron(0 0 1 1 ? 1970)",
    ]) {
      expect(parseAwsCron(expression).expression).toBe(expression);
    }
  });

  it("reads L alone in day-of-week as Saturday", () => {
    const spec = parseAwsCron("cron(0 0 ? * L *)");
    expect(spec.dayOfWeek.kind === "days" && spec.dayOfWeek.field.values).toEqual([7]);
  });

  it("expands increments from their start to the end of the range", () => {
    expect(parseAwsCron("cron(5/20 * * * ? *)").minutes.values).toEqual([5, 25, 45]);
    expect(parseAwsCron("cron(0 * */10 * ? *)").dayOfMonth).toMatchObject({
      field: { values: [1, 11, 21, 31] },
    });
    expect(parseAwsCron("cron(0 0 1 * ? 2190/4)").years.values).toEqual([2190, 2194, 2198]);
  });
});

describe("parseAwsCron rejects, naming the field and the bad value", () => {
  it("a day-of-week above 7", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * 8 *)"))).toEqual(
      invalid('day-of-week "8" is out of range 1-7 in cron(0 9 ? * 8 *)', "use 1-7 or SUN-SAT; 1 is Sunday"),
    );
  });

  it("day-of-week 0, which is Sunday only in Unix cron", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * 0 *)"))).toEqual(
      invalid('day-of-week "0" is out of range 1-7 in cron(0 9 ? * 0 *)', "use 1-7 or SUN-SAT; 1 is Sunday"),
    );
  });

  it("minute 60", () => {
    expect(rejectionOf(() => parseAwsCron("cron(60 9 * * ? *)"))).toEqual(
      invalid(
        'minutes "60" is out of range 0-59 in cron(60 9 * * ? *)',
        "use 0-59, with , - * / for lists, ranges and increments",
      ),
    );
  });

  it("hour 24", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 24 * * ? *)"))).toEqual(
      invalid(
        'hours "24" is out of range 0-23 in cron(0 24 * * ? *)',
        "use 0-23, with , - * / for lists, ranges and increments",
      ),
    );
  });

  it("day-of-month 0 and 32", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 0 * ? *)")).message).toBe(
      'day-of-month "0" is out of range 1-31 in cron(0 9 0 * ? *)',
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 1,32 * ? *)"))).toEqual(
      invalid(
        'day-of-month "32" is out of range 1-31 in cron(0 9 1,32 * ? *)',
        "use 1-31 with , - * /, or ? L LW nW on their own",
      ),
    );
  });

  it("month 13 and an unknown month name", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 1 13 ? *)"))).toEqual(
      invalid('month "13" is out of range 1-12 in cron(0 9 1 13 ? *)', "use 1-12 or JAN-DEC"),
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 1 January ? *)"))).toEqual(
      invalid('month "JANUARY" is not a valid value in cron(0 9 1 January ? *)', "use 1-12 or JAN-DEC"),
    );
  });

  it("a year outside 1970-2199", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 1 1 ? 2200)"))).toEqual(
      invalid(
        'year "2200" is out of range 1970-2199 in cron(0 9 1 1 ? 2200)',
        "use 1970-2199, or * for every year",
      ),
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 1 1 ? 1969-1971)")).message).toBe(
      'year "1969" is out of range 1970-2199 in cron(0 9 1 1 ? 1969-1971)',
    );
  });

  it("five fields, with the six-field form as the remedy", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 * * 1-5)"))).toEqual(
      invalid(
        "cron(0 9 * * 1-5) has 5 fields; EventBridge Scheduler needs 6 (minutes hours day-of-month month day-of-week year)",
        "write all six, e.g. cron(0 9 ? * MON-FRI *); a 5-field Unix cron goes without cron(…), e.g. 0 9 * * 1-5",
      ),
    );
  });

  it("text that is not cron(…)", () => {
    expect(rejectionOf(() => parseAwsCron("cron 0 9 * * ? *"))).toEqual(
      invalid(
        '"cron 0 9 * * ? *" is not a cron expression',
        "write cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 9 ? * MON-FRI *)",
      ),
    );
  });

  it("both day fields as ?", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * ? *)"))).toEqual(
      invalid(
        'day-of-month and day-of-week are both "?" in cron(0 9 ? * ? *)',
        'exactly one must be "?": cron(0 9 * * ? *) runs every day',
      ),
    );
  });

  it("* in both day fields, suggesting ? in day-of-month", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 * * MON *)"))).toEqual(
      invalid(
        'day-of-month "*" and day-of-week "MON" are both set in cron(0 9 * * MON *)',
        'put "?" in day-of-month: cron(0 9 ? * MON *)',
      ),
    );
  });

  it("a day-of-month with * in day-of-week, suggesting ? in day-of-week", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 1 * * *)"))).toEqual(
      invalid(
        'day-of-month "1" and day-of-week "*" are both set in cron(0 9 1 * * *)',
        'put "?" in day-of-week: cron(0 9 1 * ? *)',
      ),
    );
  });

  it("a day-of-month and a day-of-week together", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 1 * MON *)"))).toEqual(
      invalid(
        'day-of-month "1" and day-of-week "MON" are both set in cron(0 9 1 * MON *)',
        'EventBridge Scheduler cannot combine a day of the month with a day of the week; keep one and put "?" in the other',
      ),
    );
  });

  it("an increment in day-of-week, listing the days it meant", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * */2 *)"))).toEqual(
      invalid(
        'day-of-week "*/2" uses "/", which day-of-week does not allow, in cron(0 9 ? * */2 *)',
        "list the values instead: 1,3,5,7",
      ),
    );
  });

  it("# combined with other days", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * 3#1,6#3 *)"))).toEqual(
      invalid(
        'day-of-week "3#1,6#3" mixes L or # with other values in cron(0 9 ? * 3#1,6#3 *)',
        "nL (last n-day of the month) and n#k (k-th n-day) must be the whole day-of-week field; use one schedule per such day",
      ),
    );
  });

  it("a sixth week of the month and an eighth weekday with #", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * 6#6 *)"))).toEqual(
      invalid(
        'day-of-week "6#6" asks for week 6 of the month, out of range 1-5, in cron(0 9 ? * 6#6 *)',
        "use n#1 to n#5, e.g. 6#3 for the third Friday; 5L or FRIL for the last Friday",
      ),
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * 8#2 *)")).message).toBe(
      'day-of-week "8" is out of range 1-7 in cron(0 9 ? * 8#2 *)',
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * 8L *)")).message).toBe(
      'day-of-week "8" is out of range 1-7 in cron(0 9 ? * 8L *)',
    );
  });

  it("L or W mixed into a day-of-month list, and nW past 31", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 9 L,15 * ? *)"))).toEqual(
      invalid(
        'day-of-month "L,15" mixes L or W with other values in cron(0 9 L,15 * ? *)',
        "L (last day), LW (last weekday) and nW (weekday nearest day n) must be the whole day-of-month field",
      ),
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 32W * ? *)"))).toEqual(
      invalid(
        'day-of-month "32W" is out of range 1-31 in cron(0 9 32W * ? *)',
        "use nW with n from 1 to 31, e.g. 15W",
      ),
    );
  });

  it("wildcards in fields that do not take them", () => {
    expect(rejectionOf(() => parseAwsCron("cron(L 9 * * ? *)"))).toEqual(
      invalid(
        'minutes "L" is not a valid value in cron(L 9 * * ? *)',
        "use 0-59, with , - * / for lists, ranges and increments",
      ),
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 ? * * ? *)")).message).toBe(
      'hours "?" is not a valid value in cron(0 ? * * ? *)',
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * 2W *)")).message).toBe(
      'day-of-week "2W" is not a valid value in cron(0 9 ? * 2W *)',
    );
  });

  it("a range that runs backwards, with the split form as the remedy", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0 22-2 * * ? *)"))).toEqual(
      invalid('hours range "22-2" runs backwards in cron(0 22-2 * * ? *)', "split it in two: 22-23,0-2"),
    );
    expect(rejectionOf(() => parseAwsCron("cron(0 9 ? * FRI-MON *)"))).toEqual(
      invalid(
        'day-of-week range "FRI-MON" runs backwards in cron(0 9 ? * FRI-MON *)',
        "split it in two: FRI-SAT,SUN-MON",
      ),
    );
  });

  it("an increment of 0", () => {
    expect(rejectionOf(() => parseAwsCron("cron(*/0 * * * ? *)"))).toEqual(
      invalid(
        'minutes step "0" in "*/0" is not a whole number of 1 or more in cron(*/0 * * * ? *)',
        "use a step of 1 or more, e.g. */2",
      ),
    );
  });

  it("an empty list item", () => {
    expect(rejectionOf(() => parseAwsCron("cron(0,,30 9 * * ? *)"))).toEqual(
      invalid(
        'minutes "0,,30" has an empty list item in cron(0,,30 9 * * ? *)',
        "separate values with single commas, e.g. 0,1",
      ),
    );
  });
});
