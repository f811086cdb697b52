/**
 * What the README's commands rely on: dist/ is judged fresh by content, never by file times (git
 * checks files out in any order), and the closing line of `npm test` counts every failure.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { digestOf } from "../../../scripts/fingerprint.mjs";
import { countResults } from "../../../scripts/test-results.mjs";

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "flexjob-fingerprint-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe("the sources digest dist/ is checked by", () => {
  it("does not change when files are touched in another order, only when their content does", async () => {
    dir = await tree({ "src/a.ts": "export const a = 1;\n", "src/b/c.ts": "export const c = 2;\n" });
    const before = digestOf(["src"], dir);
    // A checkout that writes b/c.ts long after a.ts, as git may on a fresh clone.
    await utimes(join(dir, "src/a.ts"), new Date("2020-01-01"), new Date("2020-01-01"));
    await utimes(join(dir, "src/b/c.ts"), new Date("2030-01-01"), new Date("2030-01-01"));
    expect(digestOf(["src"], dir)).toBe(before);
    await writeFile(join(dir, "src/b/c.ts"), "export const c = 3;\n");
    expect(digestOf(["src"], dir)).not.toBe(before);
  });

  it("counts a file's name, so moving content between files changes it", async () => {
    dir = await tree({ "src/a.ts": "x", "src/b.ts": "y" });
    const before = digestOf(["src"], dir);
    await writeFile(join(dir, "src/a.ts"), "y");
    await writeFile(join(dir, "src/b.ts"), "x");
    expect(digestOf(["src"], dir)).not.toBe(before);
  });

  it("leaves tests out: they are not in the bundle", async () => {
    dir = await tree({ "src/a.ts": "x", "src/a.test.ts": "1" });
    const before = digestOf(["src"], dir);
    await writeFile(join(dir, "src/a.test.ts"), "2");
    expect(digestOf(["src"], dir)).toBe(before);
  });
});

describe("the closing line of npm test", () => {
  const passing = { numPassedTests: 10, numFailedTests: 0, numPendingTests: 0 };

  it("counts a file whose hook failed as a failure, not as 0 failed", () => {
    const report = {
      ...passing,
      numPendingTests: 12,
      testResults: [
        { status: "passed", assertionResults: [{ status: "passed" }] },
        { status: "failed", assertionResults: Array.from({ length: 12 }, () => ({ status: "skipped" })) },
      ],
    };
    expect(countResults(report, 1)).toEqual({ passed: 10, failed: 1, skipped: 12 });
  });

  it("never says 0 failed for a run that failed outside any file", () => {
    expect(countResults(passing, 1)).toEqual({ passed: 10, failed: 1, skipped: 0 });
  });

  it("counts failed tests once, not again for their file", () => {
    const report = {
      ...passing,
      numFailedTests: 2,
      testResults: [{ status: "failed", assertionResults: [{ status: "failed" }, { status: "failed" }] }],
    };
    expect(countResults(report, 1)).toEqual({ passed: 10, failed: 2, skipped: 0 });
  });

  it("reports a green run as it is", () => {
    expect(countResults({ ...passing, numPendingTests: 1, numTodoTests: 2 }, 0)).toEqual({
      passed: 10,
      failed: 0,
      skipped: 3,
    });
  });
});
