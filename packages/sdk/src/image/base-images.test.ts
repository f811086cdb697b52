import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { NODE_LTS_LINE, RUNTIMES, type Runtime, TABLE_CHECKED } from "./base-images.js";
import { detectBuildPlan } from "./detect.js";
import { memoryRepoFiles } from "./repo-files.js";

/**
 * The date the end-of-life checks compare against: the later of the day the table was checked
 * and the day of the commit under test. Never the wall clock: a test that reads today's date
 * turns CI red on a calendar day with no change at all, and re-running an old commit would give
 * a different answer. The commit date moves only when code changes, so the first change made
 * after a pinned line's end of life fails here until the table is bumped — and re-running any
 * commit always gives the same result. Without git (a source tarball), the table's own date.
 */
function referenceDate(): string {
  let committed = "";
  try {
    committed = execFileSync("git", ["log", "-1", "--format=%cs"], {
      cwd: import.meta.dirname,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    // No repository: TABLE_CHECKED alone.
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(committed) && committed > TABLE_CHECKED ? committed : TABLE_CHECKED;
}

const DAY = 24 * 60 * 60 * 1000;
const runtimes = Object.keys(RUNTIMES) as Runtime[];

describe("base image table", () => {
  const reference = referenceDate();

  it.each(runtimes)("%s: no pinned line is past its end of life at the reference date", (runtime) => {
    const table = RUNTIMES[runtime];
    const pastEnd = Object.entries(table.lines)
      .filter(([, line]) => line.endOfLife !== undefined && line.endOfLife <= reference)
      .map(([name, line]) => `${name} ended ${line.endOfLife}`);
    expect(pastEnd).toEqual([]);
  });

  it.each(runtimes)(
    "%s: ended lines are dated no later than the check, and none is still pinned",
    (runtime) => {
      const table = RUNTIMES[runtime];
      for (const [name, date] of Object.entries(table.ended)) {
        expect(date <= TABLE_CHECKED, `${name} ended ${date}`).toBe(true);
        expect(table.lines[name]).toBeUndefined();
      }
      expect(table.lines[table.defaultLine]).toBeDefined();
    },
  );

  it("was checked within six months of the commit under test", () => {
    // Lines without an end-of-life date (Rust, Bun, Deno's exact pin) and new releases are only
    // caught by looking again; the commit date keeps this deterministic, as above.
    const age = (Date.parse(reference) - Date.parse(TABLE_CHECKED)) / DAY;
    expect(age).toBeLessThanOrEqual(183);
  });

  it("nvm's lts/* names the newest Node.js line in LTS, a pinned one", () => {
    expect(RUNTIMES.node.lines[NODE_LTS_LINE]).toBeDefined();
  });
});

async function plan(tree: Record<string, string>) {
  return detectBuildPlan("job", {}, { files: memoryRepoFiles(tree), job: "nightly" });
}

describe("base images a build resolves to", () => {
  it(".nvmrc lts/* builds on the current LTS line's floating tag", async () => {
    const node = await plan({
      "package.json": '{"main":"job.js"}',
      "job.js": "",
      "package-lock.json": "{}",
      ".nvmrc": "lts/*\n",
    });
    expect(node.version).toEqual({ value: "26", source: '.nvmrc "lts/*"' });
    expect(node.baseImages).toEqual({ build: "node:26-trixie-slim", runtime: "node:26-trixie-slim" });
    expect(node.notes).toEqual([]);
  });

  it("a supported line is pinned to its floating tag, so its newest patch release is built", async () => {
    const python = await plan({ "requirements.txt": "", "main.py": "", ".python-version": "3.14\n" });
    expect(python.baseImages.runtime).toBe("python:3.14-slim-trixie");
    expect(python.notes).toEqual([]);
    const go = await plan({ "go.mod": "module example.com/job\n", "main.go": "package main\n" });
    expect(go.version).toEqual({ value: "1.27", source: "default (no version file)" });
    expect(go.baseImages.build).toBe("golang:1.27-trixie");
  });

  it("a floating line tag satisfies a range that needs a newer patch than the line's first", async () => {
    const node = await plan({
      "package.json": '{"main":"job.js","engines":{"node":">=24.5"}}',
      "job.js": "",
      "package-lock.json": "{}",
      ".nvmrc": "24\n",
    });
    expect(node.baseImages.runtime).toBe("node:24-trixie-slim");
    expect(node.notes).toEqual([]);
  });

  it("an explicit end-of-life line still builds, on the images that exist for it, with a note", async () => {
    const node = await plan({
      "package.json": '{"main":"job.js"}',
      "job.js": "",
      "package-lock.json": "{}",
      ".nvmrc": "20\n",
    });
    expect(node.version).toEqual({ value: "20", source: ".nvmrc" });
    expect(node.baseImages.runtime).toBe("node:20-bookworm-slim");
    expect(node.notes).toEqual([
      "Node.js 20 (.nvmrc) reached its end of life on 2026-04-30 and gets no security fixes: move to a supported line (22, 24, 26)",
    ]);
    const ruby = await plan({ Gemfile: "", "main.rb": "", ".ruby-version": "3.2.6\n" });
    expect(ruby.baseImages.runtime).toBe("ruby:3.2.6-slim-bookworm");
    expect(ruby.notes).toContain(
      "Ruby 3.2 (.ruby-version) reached its end of life on 2026-04-01 and gets no security fixes: move to a supported line (3.3, 3.4, 4.0)",
    );
  });

  it("a range that only an ended line satisfies resolves to that line, with the end-of-life note", async () => {
    const python = await plan({
      "pyproject.toml": '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.9,<3.11"\n',
      "requirements.txt": "",
      "main.py": "",
    });
    expect(python.version.value).toBe("3.9");
    expect(python.baseImages.runtime).toBe("python:3.9-slim-bookworm");
    expect(python.notes).toEqual([
      'Python 3.9 (pyproject.toml requires-python ">=3.9,<3.11") reached its end of life on 2025-10-31 and gets no security fixes: move to a supported line (3.11, 3.12, 3.13, 3.14, 3.15)',
    ]);
  });
});
