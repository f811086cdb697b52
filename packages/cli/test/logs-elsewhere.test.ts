import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClients } from "@flexjob/sdk";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const TOKEN_VALUE = "xaat-7d1c4b2a-9e8f-4a3b-8c7d-6e5f4a3b2c1d";

let aws: FakeAws;
let dir: string;
let cli: (argv: string[]) => ReturnType<typeof runCli>;

function config(keepCloudWatch: boolean, token: string): string {
  return `app: shop
region: eu-west-1
logs: { to: axiom, dataset: jobs, token: "${token}", keepCloudWatch: ${keepCloudWatch} }
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    command: echo report
    schedule: rate(1 hour)
`;
}

beforeEach(async () => {
  aws = await startFakeAws({ region: "eu-west-1", clock: { start: "2026-12-05T00:00:00Z" } });
  dir = await mkdtemp(join(tmpdir(), "flexjob-cli-logs-"));
  cli = (argv) =>
    runCli(argv, {
      cwd: dir,
      now: () => aws.clock.now(),
      sleep: async (ms) => {
        aws.clock.advance(ms);
      },
      clients: (region) => createClients({ region, endpoint: aws.url }),
    });
});
afterEach(() => aws.close());

describe("flexjob logs of a job whose logs go elsewhere", () => {
  it("says where the logs are when CloudWatch keeps no copy, and still prints the router's lines", async () => {
    const token = aws.secrets.put("axiom-token", { region: "eu-west-1", value: TOKEN_VALUE });
    await writeFile(join(dir, "flexjob.yml"), config(false, token));
    expect((await cli(["deploy"])).code).toBe(0);
    aws.logs.appendLogLines(
      "/flexjob/shop/report",
      "report/log_router/abc",
      [{ message: "[engine] started" }],
      {
        region: "eu-west-1",
      },
    );
    const result = await cli(["logs", "report", "--since", "10m"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "job report sends its logs to Axiom (dataset jobs) and keeps no copy in CloudWatch: look for them there. /flexjob/shop/report holds only its log router's own lines.\n",
    );
    expect(result.stdout).toBe("2026-12-05T00:00:00.000Z report/log_router/abc  [engine] started\n");
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN_VALUE);
  });

  it("flexjob runs points there too, not at flexjob logs", async () => {
    const token = aws.secrets.put("axiom-token", { region: "eu-west-1", value: TOKEN_VALUE });
    await writeFile(join(dir, "flexjob.yml"), config(false, token));
    expect((await cli(["deploy"])).code).toBe(0);
    expect((await cli(["run", "report", "--wait"])).code).toBe(0);
    const result = await cli(["runs", "report"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n").at(-1)).toBe(
      "logs: job report sends its logs to Axiom (dataset jobs) and keeps no copy in CloudWatch: look for them there. /flexjob/shop/report holds only its log router's own lines.",
    );
  });

  it("says nothing more when CloudWatch keeps a copy", async () => {
    const token = aws.secrets.put("axiom-token", { region: "eu-west-1", value: TOKEN_VALUE });
    await writeFile(join(dir, "flexjob.yml"), config(true, token));
    expect((await cli(["deploy"])).code).toBe(0);
    const result = await cli(["logs", "report", "--since", "10m"]);
    expect([result.code, result.stderr, result.stdout]).toEqual([0, "", ""]);
  });
});
