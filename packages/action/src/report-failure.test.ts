import { afterEach, describe, expect, it, vi } from "vitest";
import { annotateWarning, reportFailure } from "./report-failure.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What @actions/core writes to stdout: the workflow commands the runner turns into annotations. */
function commandsOf(act: () => void): string[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk).trimEnd());
    return true;
  });
  act();
  return written;
}

describe("annotateWarning", () => {
  it("writes a ::warning:: on the config file's line, with the fix", () => {
    const commands = commandsOf(() =>
      annotateWarning({
        path: "jobs.report.retry",
        message: "retry is now called startRetry",
        remedy: "rename retry to startRetry",
        location: { file: "apps/report/flexjob.yml", line: 6, column: 5 },
      }),
    );
    expect(commands).toEqual([
      "::warning title=flexjob%3A jobs.report.retry,file=apps/report/flexjob.yml,line=6,col=5::retry is now called startRetry%0Afix: rename retry to startRetry",
    ]);
  });
});

describe("reportFailure", () => {
  it("fails an unexpected error as a bug and logs the original's frames, never its unredacted message", () => {
    const cause = new Error("token=hunter2");
    cause.stack =
      "Error: token=hunter2\n    at deploy (file:///nowhere/run.js:3:7)\n    at node:internal/main:1:1";
    const commands = commandsOf(() => void reportFailure(new Error("token=***", { cause })));
    process.exitCode = undefined;
    expect(commands).toEqual([
      "::error::flexjob failed unexpectedly (Error: token=***); this is a bug in flexjob, please report it",
      "stack, for the report:\nat deploy (file:///nowhere/run.js:3:7)\nat node:internal/main:1:1",
    ]);
  });
});
