import { type JobRun, type RunOutcome, summariseRuns } from "@flexjob/sdk";
import { describe, expect, it } from "vitest";
import { coloursFor } from "./colour.js";
import type { CliIo } from "./io.js";
import { runPicture } from "./run-picture.js";

function run(outcome: RunOutcome, durationSeconds?: number): JobRun {
  return {
    runId: `run-${outcome}`,
    scheduledTime: undefined,
    startedAt: undefined,
    stoppedAt: undefined,
    durationSeconds,
    outcome,
    attempts: 1,
    tasks: [],
    logs: { group: "/flexjob/shop/report", streamPrefix: "report" },
  };
}

/** Every outcome once, succeeded twice; newest first, as runs() returns them. */
const RUNS = [
  run("running"),
  run("missed"),
  run("skipped", 2),
  run("interrupted", 30),
  run("timedOut", 600),
  run("failed", 120),
  run("succeeded", 250),
  run("succeeded", 300),
];

const TEXT =
  "2/8 succeeded, 1 failed, 1 timed out, 1 interrupted, 1 skipped, 1 missed, 1 running, p50 4m 10s, max 10m 0s";

function terminal(stdoutIsTTY: boolean | undefined, env: Record<string, string> = {}): CliIo {
  return {
    stdout: () => {},
    stderr: () => {},
    ...(stdoutIsTTY === undefined ? {} : { stdoutIsTTY }),
    cwd: "/",
    env,
    now: () => new Date(0),
    sleep: async () => {},
    clients: () => {
      throw new Error("no AWS here");
    },
  };
}

describe("the runs picture", () => {
  it("is plain text, oldest first, off a terminal: a glyph per outcome and bars from zero", () => {
    expect(runPicture(summariseRuns(RUNS), coloursFor(terminal(false)))).toBe(`✓✓✗⏱!-?…  ▅▄▂█▁···  ${TEXT}`);
    // An io that does not say it is a terminal is not one.
    expect(runPicture(summariseRuns(RUNS), coloursFor(terminal(undefined)))).toBe(
      `✓✓✗⏱!-?…  ▅▄▂█▁···  ${TEXT}`,
    );
  });

  it("colours each glyph and the bar under it by outcome on a terminal, and only there", () => {
    const green = (text: string) => `\x1b[32m${text}\x1b[39m`;
    const red = (text: string) => `\x1b[31m${text}\x1b[39m`;
    const yellow = (text: string) => `\x1b[33m${text}\x1b[39m`;
    const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
    const magenta = (text: string) => `\x1b[35m${text}\x1b[39m`;
    const cyan = (text: string) => `\x1b[36m${text}\x1b[39m`;
    const paints = [green, green, red, red, yellow, dim, magenta, cyan];
    const strip = [..."✓✓✗⏱!-?…"].map((glyph, index) => paints[index]?.(glyph)).join("");
    const bars = [..."▅▄▂█▁···"].map((bar, index) => paints[index]?.(bar)).join("");
    expect(runPicture(summariseRuns(RUNS), coloursFor(terminal(true)))).toBe(`${strip}  ${bars}  ${TEXT}`);
  });

  it("has no colour on a terminal when NO_COLOR is set, or the terminal is dumb; an empty NO_COLOR is unset", () => {
    const plain = `✓✓✗⏱!-?…  ▅▄▂█▁···  ${TEXT}`;
    expect(runPicture(summariseRuns(RUNS), coloursFor(terminal(true, { NO_COLOR: "1" })))).toBe(plain);
    expect(runPicture(summariseRuns(RUNS), coloursFor(terminal(true, { TERM: "dumb" })))).toBe(plain);
    expect(runPicture(summariseRuns(RUNS), coloursFor(terminal(true, { NO_COLOR: "" })))).toContain(
      "\x1b[32m✓",
    );
  });

  it("leaves out durations when no run has one of the job's own", () => {
    expect(runPicture(summariseRuns([run("running"), run("missed")]), coloursFor(terminal(false)))).toBe(
      "?…  ··  0/2 succeeded, 1 missed, 1 running",
    );
  });
});
