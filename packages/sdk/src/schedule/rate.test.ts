import { describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/rejection.js";
import { parseRate } from "./rate.js";

function invalid(message: string, remedy: string) {
  return { code: "SCHEDULE_INVALID", message, remedy };
}

describe("parseRate", () => {
  it("accepts the singular with 1 and the plural above, for each unit", () => {
    expect(
      [
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(1 hour)",
        "rate(12 hours)",
        "rate(1 day)",
        "rate(7 days)",
      ].map((expression) => parseRate(expression).expression),
    ).toEqual([
      "rate(1 minute)",
      "rate(5 minutes)",
      "rate(1 hour)",
      "rate(12 hours)",
      "rate(1 day)",
      "rate(7 days)",
    ]);
  });

  it("normalises case, spacing and leading zeros", () => {
    expect(parseRate("RATE(  05   Minutes )")).toEqual({
      expression: "rate(5 minutes)",
      value: 5,
      unit: "minute",
      intervalMs: 300_000,
    });
  });

  it("computes the interval of hours and days", () => {
    expect(parseRate("rate(2 hours)").intervalMs).toBe(7_200_000);
    expect(parseRate("rate(3 days)").intervalMs).toBe(259_200_000);
  });

  it("rejects the plural with 1, giving the singular", () => {
    expect(rejectionOf(() => parseRate("rate(1 minutes)"))).toEqual(
      invalid(
        'rate(1 minutes) uses the plural "minutes" with 1',
        "AWS wants the singular for 1: write rate(1 minute)",
      ),
    );
    expect(rejectionOf(() => parseRate("rate(1 days)")).remedy).toBe(
      "AWS wants the singular for 1: write rate(1 day)",
    );
  });

  it("rejects the singular above 1, giving the plural", () => {
    expect(rejectionOf(() => parseRate("rate(5 minute)"))).toEqual(
      invalid(
        'rate(5 minute) uses the singular "minute" with 5',
        "AWS wants the plural above 1: write rate(5 minutes)",
      ),
    );
    expect(rejectionOf(() => parseRate("rate(2 hour)")).remedy).toBe(
      "AWS wants the plural above 1: write rate(2 hours)",
    );
  });

  it("rejects zero, negative and fractional values", () => {
    const remedy =
      "use a positive whole number, e.g. rate(1 minute) or rate(15 minutes); nothing runs more often than once a minute";
    expect(rejectionOf(() => parseRate("rate(0 minutes)"))).toEqual(
      invalid('rate value "0" is not a whole number of 1 or more in rate(0 minutes)', remedy),
    );
    expect(rejectionOf(() => parseRate("rate(-1 hours)")).message).toBe(
      'rate value "-1" is not a whole number of 1 or more in rate(-1 hours)',
    );
    expect(rejectionOf(() => parseRate("rate(1.5 hours)")).message).toBe(
      'rate value "1.5" is not a whole number of 1 or more in rate(1.5 hours)',
    );
  });

  it("rejects seconds: nothing runs more often than once a minute", () => {
    expect(rejectionOf(() => parseRate("rate(30 seconds)"))).toEqual(
      invalid(
        'rate unit "seconds" is not supported in rate(30 seconds)',
        "EventBridge Scheduler runs at most once a minute; use minute(s), hour(s) or day(s), e.g. rate(1 minute)",
      ),
    );
  });

  it("rejects weeks, giving the same rate in days", () => {
    expect(rejectionOf(() => parseRate("rate(2 weeks)"))).toEqual(
      invalid('rate unit "weeks" is not supported in rate(2 weeks)', "use days: rate(14 days)"),
    );
    expect(rejectionOf(() => parseRate("rate(1 month)")).remedy).toBe(
      "use minute(s), hour(s) or day(s), e.g. rate(5 minutes) or rate(1 day)",
    );
  });

  it("rejects a rate without a unit", () => {
    expect(rejectionOf(() => parseRate("rate(5)"))).toEqual(
      invalid(
        "rate(5) is not of the form rate(value unit)",
        "write a whole number and minute(s), hour(s) or day(s), e.g. rate(5 minutes) or rate(1 hour)",
      ),
    );
  });
});
