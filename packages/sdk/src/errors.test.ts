import { describe, expect, it } from "vitest";
import { FlexjobError, internal, isFlexjobError, showValue } from "./errors.js";

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

describe("internal", () => {
  it("is a flexjob bug the user is asked to report", () => {
    const error = internal("step has no spec");
    expect([error.message, error.code, error.fault, error.remedy]).toEqual([
      "step has no spec",
      "INTERNAL",
      "internal",
      "this is a bug in flexjob; please report it",
    ]);
  });

  it("takes a remedy that says what the report needs", () => {
    expect(internal("bad line", "report it with the job's folder").remedy).toBe(
      "report it with the job's folder",
    );
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
