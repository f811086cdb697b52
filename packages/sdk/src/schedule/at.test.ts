import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { parseAt } from "./at.js";

function invalid(message: string, remedy: string) {
  return { code: "SCHEDULE_INVALID", message, remedy };
}

describe("parseAt", () => {
  it("takes the local date and time apart", () => {
    expect(parseAt("at(2026-12-01T09:00:00)")).toEqual({
      expression: "at(2026-12-01T09:00:00)",
      wall: { year: 2026, month: 12, day: 1, hour: 9, minute: 0, second: 0 },
    });
  });

  it("normalises the keyword and spaces inside the parentheses", () => {
    expect(parseAt("AT( 2026-12-01T09:00:00 )").expression).toBe("at(2026-12-01T09:00:00)");
  });

  it("accepts 29 February in a leap year", () => {
    expect(parseAt("at(2028-02-29T23:59:59)").expression).toBe("at(2028-02-29T23:59:59)");
  });

  it("rejects a date the calendar does not have, saying how long the month is", () => {
    expect(rejectionOf(() => parseAt("at(2026-02-29T09:00:00)"))).toEqual(
      invalid('date "2026-02-29" does not exist in at(2026-02-29T09:00:00)', "February 2026 has days 01-28"),
    );
    expect(rejectionOf(() => parseAt("at(2026-04-31T09:00:00)")).remedy).toBe("April 2026 has days 01-30");
  });

  it("rejects month 13", () => {
    expect(rejectionOf(() => parseAt("at(2026-13-01T09:00:00)"))).toEqual(
      invalid(
        'month "13" of 2026-13-01 is out of range 01-12 in at(2026-13-01T09:00:00)',
        "use a month from 01 to 12",
      ),
    );
  });

  it("rejects 24:00:00", () => {
    expect(rejectionOf(() => parseAt("at(2026-12-01T24:00:00)"))).toEqual(
      invalid(
        'time "24:00:00" is not a valid time in at(2026-12-01T24:00:00)',
        "use hh:mm:ss from 00:00:00 to 23:59:59",
      ),
    );
  });

  it("rejects anything but yyyy-mm-ddThh:mm:ss exactly", () => {
    const remedy = "write a local date and time with seconds and no offset, e.g. at(2026-12-01T09:00:00)";
    expect(rejectionOf(() => parseAt("at(2026-12-01T09:00)"))).toEqual(
      invalid("at(2026-12-01T09:00) is not of the form at(yyyy-mm-ddThh:mm:ss)", remedy),
    );
    for (const bad of [
      "at(2026-12-01 09:00:00)",
      "at(2026-12-01T09:00:00Z)",
      "at(2026-12-1T09:00:00)",
      "at(tomorrow)",
    ]) {
      expect(rejectionOf(() => parseAt(bad)).message).toBe(
        `${bad} is not of the form at(yyyy-mm-ddThh:mm:ss)`,
      );
    }
  });
});
