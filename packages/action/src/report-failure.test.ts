import { afterEach, describe, expect, it, vi } from "vitest";
import { annotateWarning } from "./report-failure.js";

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
