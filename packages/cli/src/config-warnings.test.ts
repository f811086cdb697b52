import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../test/run-cli.js";

const RENAMED =
  "retry is now called startRetry (it retries only runs that could not start; retries re-runs runs that failed); retry is still read";

async function configDir(job: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexjob-cli-warnings-"));
  const lines = ["app: demo", "jobs:", "  report:", "    image: redis:alpine", "    schedule: rate(1 hour)"];
  await writeFile(join(dir, "flexjob.yml"), [...lines, ...job, ""].join("\n"));
  return dir;
}

describe("config warnings", () => {
  it("prints the old retry key's warning on stderr with its line and fix, and still runs the command", async () => {
    const dir = await configDir(["    retry:", "      attempts: 3"]);
    const result = await runCli(["validate", "--json"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `warning: flexjob.yml:6:5 jobs.report.retry: ${RENAMED}\n    fix: rename retry to startRetry\n`,
    );
    expect((JSON.parse(result.stdout) as { app: string }).app).toBe("demo");
  });

  it("prints nothing for a config with startRetry", async () => {
    const dir = await configDir(["    startRetry:", "      attempts: 3"]);
    const result = await runCli(["validate", "--json"], { cwd: dir });
    expect([result.code, result.stderr]).toEqual([0, ""]);
  });

  it("warns before the command's own output in plan --offline too", async () => {
    const dir = await configDir(["    retry: { attempts: 3 }"]);
    const result = await runCli(["plan", "--offline"], { cwd: dir });
    expect(result.stderr.split("\n")[0]).toBe(`warning: flexjob.yml:6:5 jobs.report.retry: ${RENAMED}`);
  });
});
