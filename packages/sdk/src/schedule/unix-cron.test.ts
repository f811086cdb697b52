import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { unixCronToAws } from "./unix-cron.js";

describe("unixCronToAws", () => {
  it("renumbers day-of-week ranges: Unix 1-5 (Mon-Fri) is AWS 2-6", () => {
    expect(unixCronToAws("0 9 * * 1-5")).toBe("cron(0 9 ? * 2-6 *)");
  });

  it("reads both 0 and 7 as Sunday, AWS 1", () => {
    expect(unixCronToAws("0 9 * * 0")).toBe("cron(0 9 ? * 1 *)");
    expect(unixCronToAws("0 9 * * 7")).toBe("cron(0 9 ? * 1 *)");
    expect(unixCronToAws("0 9 * * 0,7")).toBe("cron(0 9 ? * 1 *)");
  });

  it("renumbers each item of a list", () => {
    expect(unixCronToAws("0 9 * * 1,3,5")).toBe("cron(0 9 ? * 2,4,6 *)");
  });

  it("passes names through, upper-cased", () => {
    expect(unixCronToAws("0 9 * * mon-fri")).toBe("cron(0 9 ? * MON-FRI *)");
    expect(unixCronToAws("0 9 * * sat,Sun")).toBe("cron(0 9 ? * SAT,SUN *)");
  });

  it("turns a range ending at 7 (Sunday) into the days up to Saturday plus Sunday", () => {
    expect(unixCronToAws("0 9 * * 5-7")).toBe("cron(0 9 ? * 6-7,1 *)");
    expect(unixCronToAws("0 9 * * 0-6")).toBe("cron(0 9 ? * 1-7 *)");
    expect(unixCronToAws("0 9 * * 0-7")).toBe("cron(0 9 ? * 1-7 *)");
  });

  it("lists the days an increment matches, since AWS day-of-week has no /", () => {
    expect(unixCronToAws("0 9 * * */2")).toBe("cron(0 9 ? * 1,3,5,7 *)");
    expect(unixCronToAws("0 9 * * 1-5/2")).toBe("cron(0 9 ? * 2,4,6 *)");
    expect(unixCronToAws("0 9 * * */3")).toBe("cron(0 9 ? * 1,4,7 *)");
  });

  it("puts ? in day-of-month when only day-of-week is set", () => {
    expect(unixCronToAws("*/15 * * * mon")).toBe("cron(*/15 * ? * MON *)");
  });

  it("puts ? in day-of-week when it is *", () => {
    expect(unixCronToAws("30 4 1 * *")).toBe("cron(30 4 1 * ? *)");
    expect(unixCronToAws("*/15 * * * *")).toBe("cron(*/15 * * * ? *)");
    expect(unixCronToAws("0 0 1 jan,jul *")).toBe("cron(0 0 1 JAN,JUL ? *)");
  });

  it("keeps minute, hour, day-of-month and month syntax as written", () => {
    expect(unixCronToAws("0,30 8-18/2 1-15 */3 *")).toBe("cron(0,30 8-18/2 1-15 */3 ? *)");
  });

  it("rejects restricting both day fields, which Unix ORs and AWS cannot express", () => {
    expect(rejectionOf(() => unixCronToAws("0 9 1 * MON"))).toEqual({
      code: "SCHEDULE_INVALID",
      message:
        '0 9 1 * MON restricts both day-of-month "1" and day-of-week "MON", which EventBridge Scheduler cannot express',
      remedy:
        "Unix cron runs when either one matches; keep one (0 9 1 * * or 0 9 * * MON) and make a second job for the other",
    });
  });

  it("rejects a day-of-week of 8 with the Unix range in the message", () => {
    expect(rejectionOf(() => unixCronToAws("0 9 * * 8"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: 'day-of-week "8" is out of range 0-7 in 0 9 * * 8',
      remedy: "use 0-7 or SUN-SAT; 0 and 7 are Sunday",
    });
  });

  it("rejects a minute of 60", () => {
    expect(rejectionOf(() => unixCronToAws("60 * * * *")).message).toBe(
      'minute "60" is out of range 0-59 in 60 * * * *',
    );
  });

  it("rejects AWS-only wildcards", () => {
    expect(rejectionOf(() => unixCronToAws("0 9 L * *")).message).toBe(
      'day-of-month "L" is not a valid value in 0 9 L * *',
    );
    expect(rejectionOf(() => unixCronToAws("0 9 ? * 1")).message).toBe(
      'day-of-month "?" is not a valid value in 0 9 ? * 1',
    );
  });

  it("rejects a weekday range that wraps past Saturday", () => {
    expect(rejectionOf(() => unixCronToAws("0 9 * * SAT-SUN"))).toEqual({
      code: "SCHEDULE_INVALID",
      message: 'day-of-week range "SAT-SUN" runs backwards in 0 9 * * SAT-SUN',
      remedy: "split it in two: SAT,SUN",
    });
  });
});
