import { describe, expect, it } from "vitest";
import { summariseRuns } from "./run-summary.js";
import type { JobRun, RunOutcome } from "./runs.js";

const LOGS = { group: "/flexjob/shop/report", streamPrefix: "report" };

function run(outcome: RunOutcome, durationSeconds?: number): JobRun {
  return {
    runId: `run-${outcome}-${durationSeconds ?? "none"}`,
    scheduledTime: undefined,
    startedAt: undefined,
    stoppedAt: undefined,
    durationSeconds,
    outcome,
    attempts: 1,
    tasks: [],
    logs: LOGS,
  };
}

describe("summariseRuns", () => {
  it("counts every outcome, orders the strip oldest first and scales the sparkline from zero", () => {
    // Newest first, as runs() returns them.
    const newestFirst = [
      run("running"),
      run("missed"),
      run("skipped", 2),
      run("interrupted", 30),
      run("timedOut", 600),
      run("failed", 120),
      run("succeeded", 240),
      run("succeeded", 300),
    ];
    expect(summariseRuns(newestFirst)).toEqual({
      runs: 8,
      successes: 2,
      failures: 4,
      outcomes: {
        succeeded: 2,
        failed: 1,
        timedOut: 1,
        interrupted: 1,
        skipped: 1,
        missed: 1,
        running: 1,
      },
      // Timed runs sorted: 30, 120, 240, 300, 600 — the 3rd of 5.
      p50Seconds: 240,
      maxSeconds: 600,
      strip: ["succeeded", "succeeded", "failed", "timedOut", "interrupted", "skipped", "missed", "running"],
      durations: [300, 240, 120, 600, 30, null, null, null],
      // round(d / 600 * 7): 3.5 → 4, 2.8 → 3, 1.4 → 1, 7, 0.35 → 0.
      levels: [4, 3, 1, 7, 0, null, null, null],
    });
  });

  it("takes the lower middle as the p50 of an even count", () => {
    const summary = summariseRuns([
      run("succeeded", 40),
      run("succeeded", 10),
      run("failed", 30),
      run("succeeded", 20),
    ]);
    expect(summary).toMatchObject({ p50Seconds: 20, maxSeconds: 40, successes: 3, failures: 1 });
  });

  it("has no p50 or max without a timed run, and keeps zero-second runs on the floor", () => {
    expect(summariseRuns([])).toMatchObject({
      runs: 0,
      p50Seconds: null,
      maxSeconds: null,
      strip: [],
      levels: [],
    });
    expect(summariseRuns([run("missed"), run("running")])).toMatchObject({
      p50Seconds: null,
      maxSeconds: null,
      levels: [null, null],
    });
    expect(summariseRuns([run("succeeded", 0), run("succeeded", 0)]).levels).toEqual([0, 0]);
  });
});
