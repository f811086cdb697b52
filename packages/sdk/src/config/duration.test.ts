import { describe, expect, it } from "vitest";
import { describeSeconds, durationSeconds } from "./duration.js";

describe("durationSeconds", () => {
  it("reads whole seconds as numbers or digit strings", () => {
    expect([durationSeconds(90), durationSeconds("90"), durationSeconds(" 90 ")]).toEqual([90, 90, 90]);
  });

  it("reads d, h, m and s units in falling order, with or without spaces", () => {
    expect(["90s", "30m", "6h", "1d", "1h30m", "1h 30m", "1d2h3m4s"].map(durationSeconds)).toEqual([
      90, 1800, 21_600, 86_400, 5400, 5400, 93_784,
    ]);
  });

  it("rejects fractions, negative numbers, other units and units out of order", () => {
    expect([1.5, -1, "1.5h", "2 weeks", "30m1h", "", "h"].map(durationSeconds)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("describeSeconds", () => {
  it("names each unit once, largest first", () => {
    expect([60, 86_400, 5400, 90_061, 0].map(describeSeconds)).toEqual([
      "1 minute",
      "1 day",
      "1 hour 30 minutes",
      "1 day 1 hour 1 minute 1 second",
      "0 seconds",
    ]);
  });
});
