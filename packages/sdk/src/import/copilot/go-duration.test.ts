import { describe, expect, it } from "vitest";
import { goDurationSeconds, secondsText } from "./go-duration.js";

describe("goDurationSeconds, as Go's time.ParseDuration reads Copilot's durations", () => {
  it.each([
    ["90s", 90],
    ["1h30m", 5400],
    ["1.5h", 5400],
    ["2h0m30s", 7230],
    ["1500ms", 1.5],
    ["0", 0],
    ["-1m", -60],
  ])("%s is %s seconds", (text, seconds) => {
    expect(goDurationSeconds(text)).toBe(seconds);
  });

  it.each(["1d", "", "1h 30m", "90", "m"])("%j is not a Go duration", (text) => {
    expect(goDurationSeconds(text)).toBeUndefined();
  });
});

describe("secondsText", () => {
  it.each([
    [5400, "1h30m"],
    [86_400, "1d"],
    [90, "1m30s"],
    [93_784, "1d2h3m4s"],
  ])("%s seconds is %s", (seconds, text) => {
    expect(secondsText(seconds)).toBe(text);
  });
});
