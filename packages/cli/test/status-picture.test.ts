import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClients } from "@flexjob/sdk";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const CONFIG = `app: shop
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    command: echo report
    schedule: every day at 03:30
`;

let aws: FakeAws;
let dir: string;

beforeEach(async () => {
  aws = await startFakeAws({ region: "eu-west-1", clock: { start: "2026-12-05T00:00:00Z" } });
  dir = await mkdtemp(join(tmpdir(), "flexjob-cli-picture-"));
  await writeFile(join(dir, "flexjob.yml"), CONFIG);
});
afterEach(() => aws.close());

function cli(argv: string[], terminal: { stdoutIsTTY?: boolean; env?: Record<string, string> } = {}) {
  return runCli(argv, {
    cwd: dir,
    now: () => aws.clock.now(),
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    clients: (region) => createClients({ region, endpoint: aws.url }),
    ...terminal,
  });
}

/** Runs the job now and waits: its task runs this long and exits with this code. */
async function runFor(minutes: number, exitCode: number): Promise<void> {
  aws.ecs.setPhases({ runningMs: minutes * 60_000 }, "shop-report");
  aws.ecs.setExitCode("shop-report", exitCode);
  await cli(["run", "report", "--wait"]);
}

describe("flexjob status draws each job's last runs", () => {
  it("draws up to 10 runs in the strip but prints a line for the last 5 only", async () => {
    await cli(["deploy"]);
    for (const exitCode of [0, 0, 0, 1, 0, 0, 0]) await runFor(1, exitCode);
    const lines = (await cli(["status"])).stdout.split("\n");
    expect(lines.find((line) => line.startsWith("  runs     "))).toMatch(/^ {2}runs {5}✓✓✓✗✓✓✓ {2}/);
    expect(lines.filter((line) => line.startsWith("  run      "))).toHaveLength(5);
  });

  it("as a strip and a sparkline from the run history, coloured only on a terminal without NO_COLOR", async () => {
    await cli(["deploy"]);
    await runFor(2, 0);
    await runFor(10, 0);
    await runFor(5, 3);

    const picture = "✓✓✗  ▂█▅  2/3 succeeded, 1 failed, p50 5m 10s, max 10m 10s";
    const plain = await cli(["status"]);
    expect(plain.stdout.split("\n").slice(3, 6)).toEqual([
      "  running  0",
      `  runs     ${picture}`,
      "  run      2026-12-05 00:13  failed       5m 10s    exit 3  1 attempt  Essential container in task exited",
    ]);
    expect(plain.stdout).not.toContain("\x1b[");

    const green = (text: string) => `\x1b[32m${text}\x1b[39m`;
    const red = (text: string) => `\x1b[31m${text}\x1b[39m`;
    const coloured = `${green("✓")}${green("✓")}${red("✗")}  ${green("▂")}${green("█")}${red("▅")}  2/3 succeeded, 1 failed, p50 5m 10s, max 10m 10s`;
    const tty = await cli(["status"], { stdoutIsTTY: true });
    expect(tty.stdout).toContain(`\n  runs     ${coloured}\n`);
    // Colour is only in the picture: every other line reads as it does in a pipe.
    expect(tty.stdout.replace(coloured, picture)).toBe(plain.stdout);

    const noColor = await cli(["status"], { stdoutIsTTY: true, env: { NO_COLOR: "1" } });
    expect(noColor.stdout).toBe(plain.stdout);
    const runs = await cli(["runs", "report"], { stdoutIsTTY: true, env: { NO_COLOR: "1" } });
    expect(runs.stdout.split("\n")[3]).toBe(`summary: ${picture}`);
  });

  it("--json gives the picture's numbers beside the runs, never coloured", async () => {
    await cli(["deploy"]);
    await runFor(2, 0);
    await runFor(10, 0);
    await runFor(5, 3);
    const json = await cli(["status", "--json"], { stdoutIsTTY: true });
    expect(json.stdout).not.toContain("\x1b[");
    const [job] = JSON.parse(json.stdout) as { summary: unknown }[];
    expect(job?.summary).toEqual({
      runs: 3,
      successes: 2,
      failures: 1,
      outcomes: { succeeded: 2, failed: 1, timedOut: 0, interrupted: 0, skipped: 0, missed: 0, running: 0 },
      p50Seconds: 310,
      maxSeconds: 610,
      strip: ["succeeded", "succeeded", "failed"],
      durations: [130, 610, 310],
      levels: [1, 7, 4],
    });
  });

  it("draws nothing for a job without runs, and --json says so with zeros", async () => {
    await cli(["deploy"]);
    expect((await cli(["status"], { stdoutIsTTY: true })).stdout).not.toContain("  runs ");
    const [job] = JSON.parse((await cli(["status", "--json"])).stdout) as { summary: unknown }[];
    expect(job?.summary).toMatchObject({ runs: 0, successes: 0, failures: 0, p50Seconds: null, strip: [] });
  });
});
