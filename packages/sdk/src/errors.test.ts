import { describe, expect, it } from "vitest";
import { FlexjobError, isFlexjobError, showValue } from "./errors.js";

describe("FlexjobError", () => {
  it("carries code, fault, remedy and cause", () => {
    const cause = new Error("boom");
    const error = new FlexjobError("cpu 3 is not a Fargate size", {
      code: "SIZE_INVALID",
      remedy: "use 2 or 4",
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(isFlexjobError(error)).toBe(true);
    expect([error.name, error.code, error.fault, error.remedy, error.cause]).toEqual([
      "FlexjobError",
      "SIZE_INVALID",
      "user",
      "use 2 or 4",
      cause,
    ]);
  });

  it("is told apart from other errors", () => {
    expect(isFlexjobError(new Error("x"))).toBe(false);
  });
});

describe("showValue", () => {
  it("quotes strings and shortens long values", () => {
    expect(showValue("abc")).toBe('"abc"');
    expect(showValue(3)).toBe("3");
    expect(showValue(undefined)).toBe("undefined");
    expect(showValue("x".repeat(100))).toHaveLength(80);
  });
});
