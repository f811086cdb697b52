import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClients } from "@flexjob/sdk";
import { type FakeAws, startFakeAws } from "fake-aws";
import { scheduledStateMachine } from "fake-aws/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";

const REPORT_MANIFEST = `name: report
type: Scheduled Job
on:
  schedule: "0 9 * * 1-5"
image:
  location: public.ecr.aws/docker/library/busybox:1.37
command: echo report
cpu: 512
memory: 1024
retries: 3
timeout: 1h30m
variables:
  LOG_LEVEL: info
secrets:
  DB_PASSWORD: /copilot/shop/prod/secrets/DB_PASSWORD
  API_KEY:
    secretsmanager: "shop/prod/api:key::"
environments:
  prod:
    memory: 2048
`;

const SERVICE_MANIFEST = `name: api
type: Load Balanced Web Service
image:
  location: nginx
`;

let aws: FakeAws;
let dir: string;

/** A Copilot workspace: app shop, the Scheduled Job report and a web service. */
async function workspace(manifest = REPORT_MANIFEST): Promise<void> {
  await mkdir(join(dir, "copilot", "report"), { recursive: true });
  await mkdir(join(dir, "copilot", "api"), { recursive: true });
  await writeFile(join(dir, "copilot", ".workspace"), "application: shop\n");
  await writeFile(join(dir, "copilot", "report", "manifest.yml"), manifest);
  await writeFile(join(dir, "copilot", "api", "manifest.yml"), SERVICE_MANIFEST);
}

/** `flexjob <argv>` in-process; with `region`, AWS_REGION is set and the clients reach fake-aws. */
function cli(argv: string[], options: { region?: string; endpoint?: string } = {}) {
  return runCli(argv, {
    cwd: dir,
    now: () => aws.clock.now(),
    env: options.region === undefined ? {} : { AWS_REGION: options.region },
    clients: (region) => createClients({ region, endpoint: options.endpoint ?? aws.url, maxAttempts: 1 }),
  });
}

/** The secrets the manifest names, as `copilot secret init` and the console would have made them. */
function storeSecrets(): { parameter: string; secret: string } {
  const parameter = aws.secrets.putParameter("/copilot/shop/prod/secrets/DB_PASSWORD", { value: "pw" });
  const secret = aws.secrets.put("shop/prod/api", { suffix: "AbCdEf", value: '{"key":"k"}' });
  return { parameter, secret };
}

/** The state machine and rule Copilot deploys for a Scheduled Job (research notes §3.1). */
async function copilotJob(name: string, expression: string, state: "ENABLED" | "DISABLED") {
  await scheduledStateMachine(aws, {
    name,
    rule: `${name}-Rule-1A2B`,
    expression,
    state,
  });
}

beforeEach(async () => {
  // A Saturday: the weekday job's next runs start on Monday 2026-12-07.
  aws = await startFakeAws({ region: REGION, clock: { start: "2026-12-05T00:00:00Z" } });
  dir = await mkdtemp(join(tmpdir(), "flexjob-cli-import-copilot-"));
});
afterEach(() => aws.close());

describe("flexjob import copilot", () => {
  it("writes flexjob.yml in the workspace, reports each field on stderr, and leaves secrets as placeholders without AWS", async () => {
    await workspace();
    const result = await cli(["import", "copilot", "--env", "prod"]);
    expect([result.code, result.stdout]).toEqual([0, ""]);
    const written = await readFile(join(dir, "flexjob.yml"), "utf8");
    expect(written).toContain("REPLACE-ME");
    expect(result.stderr).toContain(
      "imported 1 Scheduled Job of Copilot app shop (env prod) into flexjob.yml\n",
    );
    expect(result.stderr).toContain(
      "  skipped api (Load Balanced Web Service, copilot/api/manifest.yml): flexjob runs scheduled jobs only\n",
    );
    expect(result.stderr).toMatch(
      /\n {2}copilot\/report\/manifest\.yml:4 on\.schedule -> jobs\.report\.schedule: /,
    );
    expect(result.stderr).toContain(
      "AWS not used (AWS_REGION is not set): secrets given by name stay placeholders\n" +
        "2 secrets left as placeholders: fill in each ARN (flexjob validate lists them), or rerun with AWS_REGION and credentials set\n",
    );
    expect(aws.calls).toEqual([]);
    // The placeholders are what validate rejects, each by its field.
    const validate = await cli(["validate"]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain("jobs.report.secrets.DB_PASSWORD");
  });

  it("--out - prints exactly the file it would write, and writes nothing", async () => {
    await workspace();
    const printed = await cli(["import", "copilot", "--env", "prod", "--out", "-"]);
    expect(printed.code).toBe(0);
    await expect(readFile(join(dir, "flexjob.yml"), "utf8")).rejects.toThrow(/ENOENT/);
    expect(printed.stderr).toContain("into stdout\n");
    await cli(["import", "copilot", "--env", "prod", "--out", "imported.yml"]);
    expect(await readFile(join(dir, "imported.yml"), "utf8")).toBe(printed.stdout);
  });

  it("resolves secret names to ARNs through AWS, says which, and the file passes validate and plan --offline", async () => {
    await workspace();
    const { parameter, secret } = storeSecrets();
    const result = await cli(["import", "copilot", "--env", "prod"], { region: REGION });
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n")[0]).toBe(
      "imported 1 Scheduled Job of Copilot app shop (env prod) into flexjob.yml, region eu-west-1 (from AWS_REGION)",
    );
    expect(result.stderr).toContain(
      "secrets resolved through AWS: 2 of 2\n" +
        `  ssm /copilot/shop/prod/secrets/DB_PASSWORD -> ${parameter}\n` +
        `  secretsmanager shop/prod/api:key:: -> ${secret}:key::\n`,
    );
    const written = await readFile(join(dir, "flexjob.yml"), "utf8");
    expect(written).toContain(parameter);
    expect(written).toContain(`${secret}:key::`);
    expect(written).not.toContain("REPLACE-ME");
    // Read-only calls, and never a secret's value.
    expect(aws.mutatingCalls()).toEqual([]);
    expect(aws.calls.map((call) => call.operation).sort()).toEqual([
      "DescribeSecret",
      "GetCallerIdentity",
      "GetParameter",
    ]);
    expect(aws.calls.find((call) => call.operation === "GetParameter")?.input).toEqual({
      Name: "/copilot/shop/prod/secrets/DB_PASSWORD",
      WithDecryption: false,
    });

    const validate = await cli(["validate", "--json"]);
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({
      app: "shop",
      jobs: [
        {
          name: "report",
          schedule: "cron(0 9 ? * 2-6 *)",
          timezone: "UTC",
          nextRuns: ["2026-12-07T09:00:00Z", "2026-12-08T09:00:00Z", "2026-12-09T09:00:00Z"],
          size: { cpu: 0.5, memoryGiB: 2 },
        },
      ],
    });
    // plan --offline deploys what the manifest ran for env prod: size, retries, timeout and schedule.
    const plan = await cli(["plan", "--offline", "--json"]);
    expect(plan.code).toBe(0);
    const steps = (
      JSON.parse(plan.stdout) as { steps: { kind: string; job: string; desired: Record<string, unknown> }[] }
    ).steps;
    const step = (kind: string) => steps.find((each) => each.kind === kind && each.job === "report")?.desired;
    expect(step("task-definition")).toMatchObject({ cpu: "512", memory: "2048", cpuArchitecture: "X86_64" });
    expect(step("schedule")).toMatchObject({
      expression: "cron(0 9 ? * 2-6 *)",
      timezone: "UTC",
      state: "ENABLED",
    });
    const definition = String(step("state-machine")?.definition);
    expect(definition).toContain('"TimeoutSeconds":5400');
    expect(definition).toContain('"MaxAttempts":3');
  });

  it("a secret AWS does not have stays a placeholder, listed as not found", async () => {
    await workspace();
    aws.secrets.putParameter("/copilot/shop/prod/secrets/DB_PASSWORD", { value: "pw" });
    const result = await cli(["import", "copilot", "--env", "prod"], { region: REGION });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "secrets resolved through AWS: 1 of 2\n" +
        "  ssm /copilot/shop/prod/secrets/DB_PASSWORD -> arn:aws:ssm:eu-west-1:123456789012:parameter/copilot/shop/prod/secrets/DB_PASSWORD\n" +
        "  secretsmanager shop/prod/api:key:: -> not found, or not readable by these credentials\n",
    );
    expect(result.stderr).toContain("1 secret left as placeholder: ");
  });

  it("an unreachable AWS never fails the import: the secrets stay placeholders and the reason is given", async () => {
    await workspace();
    const result = await cli(["import", "copilot", "--env", "prod"], {
      region: REGION,
      endpoint: "http://127.0.0.1:9",
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\nAWS not used \(.+\): secrets given by name stay placeholders\n/);
    expect(await readFile(join(dir, "flexjob.yml"), "utf8")).toContain("REPLACE-ME");
  });

  it("--json prints the import, the lookups and where it wrote, as one object on stdout", async () => {
    await workspace();
    const { parameter, secret } = storeSecrets();
    const result = await cli(["import", "copilot", "--env", "prod", "--json"], { region: REGION });
    expect([result.code, result.stderr]).toEqual([0, ""]);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      app: "shop",
      env: "prod",
      jobs: ["report"],
      skipped: [{ name: "api", type: "Load Balanced Web Service", file: "copilot/api/manifest.yml" }],
      pendingSecrets: [],
      out: "flexjob.yml",
      aws: { region: REGION, offline: null },
      secrets: [
        { kind: "ssm", name: "/copilot/shop/prod/secrets/DB_PASSWORD", arn: parameter },
        { kind: "secretsmanager", name: "shop/prod/api:key::", arn: `${secret}:key::` },
      ],
    });
    expect(json.text).toBe(await readFile(join(dir, "flexjob.yml"), "utf8"));
    expect(json.report).toContainEqual(
      expect.objectContaining({
        job: "report",
        field: "on.schedule",
        file: "copilot/report/manifest.yml",
        line: 4,
      }),
    );
  });

  it("--cutover shows Copilot's live rule and its next runs beside flexjob's, and the switch sequence", async () => {
    await workspace();
    storeSecrets();
    await copilotJob("shop-prod-report", "cron(0 9 ? * 2-6 *)", "ENABLED");
    aws.clearCalls();
    const result = await cli(["import", "copilot", "--env", "prod", "--cutover"], { region: REGION });
    expect(result.code).toBe(0);
    expect(aws.mutatingCalls()).toEqual([]);
    const cutover = result.stderr.slice(result.stderr.indexOf("\ncut-over from Copilot"));
    expect(cutover).toBe(
      [
        "",
        "cut-over from Copilot (app shop, env prod, eu-west-1):",
        "",
        "report",
        `  state machine  arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:shop-prod-report (timeout 5400 s, retries 3)`,
        "  Copilot rule   shop-prod-report-Rule-1A2B: cron(0 9 ? * 2-6 *), ENABLED",
        "  next runs      Copilot (UTC)         flexjob: cron(0 9 ? * 2-6 *) (UTC)",
        "                 2026-12-07T09:00:00Z  2026-12-07T09:00:00Z",
        "                 2026-12-08T09:00:00Z  2026-12-08T09:00:00Z",
        "                 2026-12-09T09:00:00Z  2026-12-09T09:00:00Z",
        "                 2026-12-10T09:00:00Z  2026-12-10T09:00:00Z",
        "                 2026-12-11T09:00:00Z  2026-12-11T09:00:00Z",
        "  same instants: yes",
        "",
        "switch without double runs:",
        "  1. in flexjob.yml set enabled: false on report, then: flexjob deploy",
        "  2. between two runs, disable Copilot's rules:",
        "       aws events disable-rule --name shop-prod-report-Rule-1A2B --region eu-west-1",
        "     the next `copilot job deploy` of a job turns its rule on again: do not deploy these jobs with Copilot any more",
        "  3. set enabled: true on report (or remove enabled: false), then: flexjob deploy",
        "  4. once flexjob's runs look right, delete the Copilot jobs:",
        "       copilot job delete --name report --env prod",
        "",
      ].join("\n"),
    );
  });

  it("--cutover keeps a job Copilot left unscheduled (none) disabled, and compares a rate by its period", async () => {
    await workspace();
    await writeFile(
      join(dir, "copilot", "report", "manifest.yml"),
      "name: report\ntype: Scheduled Job\non:\n  schedule: none\nimage:\n  location: busybox\nenvironments:\n  prod: {}\n",
    );
    await mkdir(join(dir, "copilot", "sweep"));
    await writeFile(
      join(dir, "copilot", "sweep", "manifest.yml"),
      "name: sweep\ntype: Scheduled Job\non:\n  schedule: '@every 90m'\nimage:\n  location: busybox\n",
    );
    // Copilot deploys `none` as a DISABLED rule with a placeholder rate (research notes §2.4).
    await copilotJob("shop-prod-report", "rate(5 minutes)", "DISABLED");
    await copilotJob("shop-prod-sweep", "rate(90 minutes)", "ENABLED");
    const result = await cli(["import", "copilot", "--env", "prod", "--cutover", "--out", "-"], {
      region: REGION,
    });
    expect(result.code).toBe(0);
    const cutover = result.stderr.slice(result.stderr.indexOf("\ncut-over from Copilot"));
    expect(cutover).toBe(
      [
        "",
        "cut-over from Copilot (app shop, env prod, eu-west-1):",
        "",
        "report",
        `  state machine  arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:shop-prod-report (timeout 5400 s, retries 3)`,
        "  Copilot rule   shop-prod-report-Rule-1A2B: rate(5 minutes), DISABLED",
        "  next runs      Copilot (UTC)         flexjob: rate(5 minutes) (UTC), disabled",
        "                 -                     -",
        "",
        "sweep",
        `  state machine  arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:shop-prod-sweep (timeout 5400 s, retries 3)`,
        "  Copilot rule   shop-prod-sweep-Rule-1A2B: rate(90 minutes), ENABLED",
        "  next runs      Copilot (UTC)         flexjob: rate(90 minutes) (UTC)",
        "                 2026-12-05T01:30:00Z  2026-12-05T01:30:00Z",
        "                 2026-12-05T03:00:00Z  2026-12-05T03:00:00Z",
        "                 2026-12-05T04:30:00Z  2026-12-05T04:30:00Z",
        "                 2026-12-05T06:00:00Z  2026-12-05T06:00:00Z",
        "                 2026-12-05T07:30:00Z  2026-12-05T07:30:00Z",
        "  (a rate counts from when its rule or schedule was last created or updated: compare the period)",
        "",
        "switch without double runs:",
        "  1. in flexjob.yml set enabled: false on sweep, then: flexjob deploy",
        "     report stays disabled, as Copilot's schedule none had it",
        "  2. between two runs, disable Copilot's rules:",
        "       aws events disable-rule --name shop-prod-report-Rule-1A2B --region eu-west-1   # already DISABLED",
        "       aws events disable-rule --name shop-prod-sweep-Rule-1A2B --region eu-west-1",
        "     the next `copilot job deploy` of a job turns its rule on again: do not deploy these jobs with Copilot any more",
        "  3. set enabled: true on sweep (or remove enabled: false), then: flexjob deploy",
        "  4. once flexjob's runs look right, delete the Copilot jobs:",
        "       copilot job delete --name report --env prod",
        "       copilot job delete --name sweep --env prod",
        "",
      ].join("\n"),
    );
  });

  it("--cutover --json carries each job's live rule, and says when Copilot's job is not deployed there", async () => {
    await workspace();
    storeSecrets();
    const result = await cli(["import", "copilot", "--env", "prod", "--cutover", "--json", "--out", "-"], {
      region: REGION,
    });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { cutover: unknown; out: string };
    expect(json.out).toBe("-");
    expect(json.cutover).toEqual([
      {
        job: "report",
        copilot: { name: "shop-prod-report", rules: [], nextRuns: {} },
        error: null,
        flexjob: {
          schedule: "cron(0 9 ? * 2-6 *)",
          timezone: "UTC",
          enabled: true,
          nextRuns: [
            "2026-12-07T09:00:00Z",
            "2026-12-08T09:00:00Z",
            "2026-12-09T09:00:00Z",
            "2026-12-10T09:00:00Z",
            "2026-12-11T09:00:00Z",
          ],
        },
        sameRuns: false,
      },
    ]);
  });
});

describe("flexjob import copilot errors write nothing and exit 2", () => {
  it("a folder without copilot/.workspace", async () => {
    const result = await cli(["import", "copilot"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*\.workspace/);
    await expect(readFile(join(dir, "flexjob.yml"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("a manifest with an unknown field, named by file and line", async () => {
    await workspace(REPORT_MANIFEST.replace("retries: 3\n", "retries: 3\nretires: 2\n"));
    const result = await cli(["import", "copilot", "--env", "prod"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("copilot/report/manifest.yml:11");
    expect(result.stderr).toContain("retires");
    await expect(readFile(join(dir, "flexjob.yml"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("an existing output file, unless --force", async () => {
    await workspace();
    await writeFile(join(dir, "flexjob.yml"), "app: mine\n");
    const refused = await cli(["import", "copilot", "--env", "prod"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "error: flexjob.yml already exists; the import does not overwrite it\n" +
        "  fix: pass --force to replace it, --out <another file>, or --out - to print the result\n",
    );
    expect(await readFile(join(dir, "flexjob.yml"), "utf8")).toBe("app: mine\n");
    const forced = await cli(["import", "copilot", "--env", "prod", "--force"]);
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, "flexjob.yml"), "utf8")).toContain("report:");
  });

  it("--cutover without --env, or without a region", async () => {
    await workspace();
    const noEnv = await cli(["import", "copilot", "--cutover"], { region: REGION });
    expect([noEnv.code, noEnv.stderr.split("\n")[0]]).toEqual([
      2,
      "error: --cutover needs --env: Copilot's live rule and state machine are per environment",
    ]);
    const noRegion = await cli(["import", "copilot", "--env", "prod", "--cutover"]);
    expect([noRegion.code, noRegion.stderr.split("\n")[0]]).toEqual([
      2,
      "error: --cutover reads Copilot's live rules from AWS, and AWS_REGION is not set",
    ]);
    await expect(readFile(join(dir, "flexjob.yml"), "utf8")).rejects.toThrow(/ENOENT/);
  });
});
