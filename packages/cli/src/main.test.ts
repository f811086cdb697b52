import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "../test/run-cli.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const example = join(repoRoot, "examples/hello/flexjob.yml");

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "flexjob-cli-"));
}

describe("flexjob next", () => {
  it("prints Monday to Friday 09:00 UTC for a Unix weekday cron, times alone on stdout", async () => {
    const result = await runCli(["next", "0 9 * * 1-5", "--from", "2026-12-05T00:00:00Z"]);
    expect(result).toEqual({
      code: 0,
      stdout:
        "2026-12-07T09:00:00Z\n2026-12-08T09:00:00Z\n2026-12-09T09:00:00Z\n2026-12-10T09:00:00Z\n2026-12-11T09:00:00Z\n",
      stderr: "cron(0 9 ? * 2-6 *)\nAt 09:00, Monday through Friday (UTC)\n",
    });
  });

  it("reads the expression in the given time zone: 09:00 in Berlin is 08:00Z in winter", async () => {
    const result = await runCli(["next", "cron(0 9 * * ? *)", "--timezone", "Europe/Berlin", "--count", "2"]);
    expect(result.stdout).toBe("2026-12-05T08:00:00Z\n2026-12-06T08:00:00Z\n");
    expect(result.code).toBe(0);
  });

  it("lists next runs from the job's startDate and none after its endDate", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "flexjob.yml"),
      [
        "app: demo",
        "jobs:",
        "  report:",
        "    image: redis:alpine",
        "    schedule: cron(0 9 * * ? *)",
        '    startDate: "2027-03-01T00:00:00Z"',
        '    endDate: "2027-03-02T12:00:00Z"',
        "",
      ].join("\n"),
    );
    const result = await runCli(["validate", "--json"], { cwd: dir });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { jobs: { nextRuns: string[] }[] };
    expect(parsed.jobs[0]?.nextRuns).toEqual(["2027-03-01T09:00:00Z", "2027-03-02T09:00:00Z"]);
  });

  it("prints JSON with --json", async () => {
    const result = await runCli(["next", "every day at 03:30", "--count", "1", "--json"]);
    expect(JSON.parse(result.stdout)).toEqual({
      expression: "cron(30 3 * * ? *)",
      description: "At 03:30, every day (UTC)",
      timezone: "UTC",
      runs: ["2026-12-05T03:30:00Z"],
    });
  });

  it("rejects a bad expression with a one-line error and its fix, exit 2, no stack trace", async () => {
    const result = await runCli(["next", "rate(5 minute)"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: .*rate\(5 minute\).*\n {2}fix: .*rate\(5 minutes\).*\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects an unknown time zone, naming a close match", async () => {
    const result = await runCli(["next", "@daily", "--timezone", "Europe/Berln"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"Europe/Berln"');
    expect(result.stderr).toContain('fix: did you mean "Europe/Berlin"?');
  });

  it("rejects a count that is not a whole number from 1 to 1000", async () => {
    const result = await runCli(["next", "@daily", "--count", "0"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: 'error: --count "0" is not a whole number from 1 to 1000\n  fix: pass --count 5, for example\n',
    });
  });

  it("rejects a --from that is not a date", async () => {
    const result = await runCli(["next", "@daily", "--from", "yesterday"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: --from "yesterday" is not an ISO-8601 date-time\n  fix: write it like 2026-12-01T09:00:00Z\n',
    );
  });
});

describe("flexjob validate", () => {
  it("shows each job's schedule, next three runs and size", async () => {
    const result = await runCli(["validate", "--config", example]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "hello: 2 jobs, all valid",
        "",
        "greet",
        "  schedule  cron(0 9 ? * 2-6 *)",
        "            At 09:00, Monday through Friday (Europe/Berlin)",
        "  next      2026-12-07T08:00:00Z, 2026-12-08T08:00:00Z, 2026-12-09T08:00:00Z",
        "  size      0.25 vCPU, 0.5 GiB, 20 GiB storage, x86_64",
        "",
        "crunch",
        "  schedule  rate(15 minutes)",
        "            Every 15 minutes",
        "  next      2026-12-05T00:15:00Z, 2026-12-05T00:30:00Z, 2026-12-05T00:45:00Z",
        "  size      1 vCPU, 2 GiB, 20 GiB storage, arm64, 4 tasks per run",
        "",
      ].join("\n"),
    );
  });

  it("reports every problem at once with file and line, exit 2", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "flexjob.yml"),
      [
        "app: demo",
        "jobs:",
        "  report:",
        "    image: redis:alpine",
        "    schedule: cron(0 9 * * * *)",
        "    cpu: 3",
        "    tasks: 99",
        "",
      ].join("\n"),
    );
    const result = await runCli(["validate"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: flexjob\.yml has 3 problems\n/);
    expect(result.stderr).toContain("flexjob.yml:5:");
    expect(result.stderr).toContain("jobs.report.schedule");
    expect(result.stderr).toContain("flexjob.yml:6:");
    expect(result.stderr).toContain("jobs.report.cpu");
    expect(result.stderr).toContain("flexjob.yml:7:");
    expect(result.stderr).toContain("jobs.report.tasks");
    expect(result.stderr.match(/fix: /g)).toHaveLength(3);
  });

  it("says how to start when there is no config", async () => {
    const result = await runCli(["validate"], { cwd: await tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('fix: run "flexjob init"');
  });

  it("prints JSON with --json", async () => {
    const result = await runCli(["validate", "--config", example, "--json"]);
    const parsed = JSON.parse(result.stdout) as { app: string; jobs: { name: string; nextRuns: string[] }[] };
    expect(parsed.app).toBe("hello");
    expect(parsed.jobs.map((job) => [job.name, job.nextRuns.length])).toEqual([
      ["greet", 3],
      ["crunch", 3],
    ]);
  });
});

describe("flexjob init", () => {
  it("writes a starter flexjob.yml that validates", async () => {
    const dir = await tempDir();
    const init = await runCli(["init"], { cwd: dir });
    expect(init.code).toBe(0);
    expect(await readFile(join(dir, "flexjob.yml"), "utf8")).toMatch(/^# yaml-language-server: \$schema=/);
    const validate = await runCli(["validate"], { cwd: dir });
    expect(validate.code).toBe(0);
  });

  it("refuses to overwrite an existing file without --force", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "flexjob.yml"), "app: mine\n");
    const again = await runCli(["init"], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("pass --force");
    expect(await readFile(join(dir, "flexjob.yml"), "utf8")).toBe("app: mine\n");
    expect((await runCli(["init", "--force"], { cwd: dir })).code).toBe(0);
  });
});

describe("--json errors", () => {
  const parse = (stdout: string) => JSON.parse(stdout) as { error: Record<string, unknown> };

  it("a bad config is one JSON object on stdout, each issue with its path, fix and place, exit 2", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, "flexjob.yml"),
      [
        "app: demo",
        "jobs:",
        "  report:",
        "    image: redis:alpine",
        "    schedule: '@daily'",
        "    cpu: 3",
        "",
      ].join("\n"),
    );
    const result = await runCli(["validate", "--json"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("");
    expect(parse(result.stdout)).toEqual({
      error: {
        code: "CONFIG_INVALID",
        message: "flexjob.yml has 1 problem",
        remedy: expect.any(String),
        issues: [
          {
            path: "jobs.report.cpu",
            message: "cpu 3 is not a Fargate CPU size",
            remedy: expect.stringContaining("use cpu 0.25, 0.5, 1, 2, 4, 8 or 16"),
            location: { file: "flexjob.yml", line: 6, column: 5 },
          },
        ],
      },
    });
  });

  it("a usage error is JSON too, exit 2, with commander's text left on stderr", async () => {
    const result = await runCli(["validate", "--json", "--bogus"]);
    expect(result.code).toBe(2);
    expect(parse(result.stdout)).toEqual({
      error: {
        code: "INPUT_INVALID",
        message: "unknown option '--bogus'",
        remedy: "see the command's --help for its arguments and options",
        issues: [],
      },
    });
  });

  it("an unexpected error is JSON with code INTERNAL, exit 1", async () => {
    const result = await runCli(["status", "--json", "--config", example]);
    expect(result).toEqual({
      code: 1,
      stdout: `${JSON.stringify(
        {
          error: {
            code: "INTERNAL",
            message: "this test reaches no AWS",
            remedy: "this is a bug in flexjob; please report it with the command you ran",
            issues: [],
          },
        },
        null,
        2,
      )}\n`,
      stderr: "",
    });
  });

  it("never carries a secret, and --json after -- is an argument, not the flag", async () => {
    const token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    const result = await runCli(["validate", "--json", "--config", `/nowhere/${token}.yml`]);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain(token);
    expect(parse(result.stdout).error.code).toBe("CONFIG_NOT_FOUND");
    const plain = await runCli(["next", "not-a-schedule", "--", "--json"]);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/^error: /);
  });
});

describe("flexjob usage", () => {
  it.each(["next", "validate", "init"])("has --help for %s", async (command) => {
    const result = await runCli([command, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: flexjob ${command}`);
  });

  it("exits 2 for an unknown command", async () => {
    const result = await runCli(["deploy-everything"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command");
  });
});

describe("the built flexjob binary", () => {
  it("runs as a user would run it, with exit codes", async () => {
    const bin = join(repoRoot, "packages/cli/dist/bin.js");
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin, "next", "@hourly", "--count", "1", "--json"]);
    expect(JSON.parse(ok.stdout).expression).toBe("cron(0 * * * ? *)");
    await expect(run(process.execPath, [bin, "next", "cron(99 * * * ? *)"])).rejects.toMatchObject({
      code: 2,
    });
  });
});
