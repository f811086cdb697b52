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
  remind:
    image: public.ecr.aws/docker/library/busybox:1.37
    command: echo remind
    schedule: every day at 03:30
    timezone: Europe/Berlin
`;

let aws: FakeAws;
let dir: string;

/** Runs `flexjob <argv>` in-process through main(), against fake-aws. */
function cli(argv: string[]): ReturnType<typeof runCli> {
  return runCli(argv, {
    cwd: dir,
    now: () => aws.clock.now(),
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    clients: (region) => createClients({ region, endpoint: aws.url }),
  });
}

function customers(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    key: `c${index}`,
    expression: "every day at 06:00",
    env: { CUSTOMER_ID: `c${index}` },
  }));
}

beforeEach(async () => {
  aws = await startFakeAws({ region: "eu-west-1", clock: { start: "2026-12-05T00:00:00Z" } });
  dir = await mkdtemp(join(tmpdir(), "flexjob-cli-schedules-"));
  await writeFile(join(dir, "flexjob.yml"), CONFIG);
});
afterEach(() => aws.close());

describe("flexjob schedules", () => {
  it("sync creates from a JSON file, a resync changes nothing, and --prune deletes what left the file", async () => {
    expect((await cli(["deploy"])).code).toBe(0);
    await writeFile(join(dir, "schedules.json"), JSON.stringify(customers(150)));
    const first = await cli(["schedules", "sync", "remind", "--file", "schedules.json"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("flexjob-shop.remind: created 150, deleted 0, 0 unchanged\n");

    aws.clearCalls();
    const again = await cli(["schedules", "sync", "remind", "--file", "schedules.json"]);
    expect(again.stdout).toBe(
      "flexjob-shop.remind: created 0, deleted 0, 150 unchanged\n5 reads, 0 writes\n",
    );
    expect(aws.mutatingCalls()).toEqual([]);

    await writeFile(join(dir, "schedules.json"), JSON.stringify(customers(140)));
    const kept = await cli(["schedules", "sync", "remind", "--file", "schedules.json"]);
    expect(kept.stdout).toContain("140 unchanged, 10 not in the file kept (pass --prune to delete them)");
    const pruned = await cli([
      "schedules",
      "sync",
      "remind",
      "--file",
      "schedules.json",
      "--prune",
      "--json",
    ]);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ deleted: 10, unchanged: 140, kept: 0 });
  });

  it("sync reads YAML, and --dry-run changes nothing", async () => {
    await cli(["deploy"]);
    await writeFile(
      join(dir, "schedules.yaml"),
      "schedules:\n  - key: acme\n    expression: every weekday at 9:00\n    env: { CUSTOMER_ID: acme }\n",
    );
    aws.clearCalls();
    const result = await cli([
      "schedules",
      "sync",
      "remind",
      "-f",
      "schedules.yaml",
      "--dry-run",
      "--rate",
      "50",
    ]);
    expect(result.stdout).toContain("flexjob-shop.remind: would create 1, would delete 0, 0 unchanged\n");
    expect(result.stdout).toContain("dry run: nothing changed\n");
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("a bad entry fails with exit 2 naming it, before any AWS call", async () => {
    await writeFile(
      join(dir, "schedules.json"),
      JSON.stringify([{ key: "a", expression: "every day at 25:00" }]),
    );
    const result = await cli(["schedules", "sync", "remind", "--file", "schedules.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('schedules[0] (key "a"): expression "every day at 25:00"');
    expect(aws.calls).toEqual([]);
  });

  it("list shows names, states and keys; delete asks for --yes, then removes the group", async () => {
    await cli(["deploy"]);
    await writeFile(
      join(dir, "schedules.json"),
      JSON.stringify([{ key: "acme.io/1", expression: "rate(1 day)" }]),
    );
    await cli(["schedules", "sync", "remind", "--file", "schedules.json"]);
    const list = await cli(["schedules", "list", "remind"]);
    expect(list.stdout).toMatch(
      /^ENABLED\tacme_2eio_2f1\.[0-9a-f]{10}\tacme\.io\/1\nflexjob-shop\.remind: 1 bulk schedules\n$/,
    );

    aws.clearCalls();
    const ask = await cli(["schedules", "delete", "remind"]);
    expect(ask.stdout).toBe(
      "would delete group flexjob-shop.remind with its 1 schedules: pass --yes to delete them\n",
    );
    expect(aws.mutatingCalls()).toEqual([]);
    const done = await cli(["schedules", "delete", "remind", "--yes"]);
    expect(done.stdout).toBe("deleted group flexjob-shop.remind and its schedules\n");
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual(["DeleteScheduleGroup"]);
  });

  it("sync of a job that is not deployed says to deploy first", async () => {
    await writeFile(join(dir, "schedules.json"), JSON.stringify(customers(1)));
    const result = await cli(["schedules", "sync", "remind", "--file", "schedules.json"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("job remind is not deployed");
    expect(result.stderr).toContain("run flexjob deploy first");
  });
});
