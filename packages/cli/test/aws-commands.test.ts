import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AttachRolePolicyCommand, DetachRolePolicyCommand } from "@aws-sdk/client-iam";
import { createClients, loadClients } from "@flexjob/sdk";
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
    timezone: Europe/Berlin
    tasks: 2
`;

let aws: FakeAws;
let dir: string;
let cli: (argv: string[]) => ReturnType<typeof runCli>;

beforeEach(async () => {
  aws = await startFakeAws({ region: "eu-west-1", clock: { start: "2026-12-05T00:00:00Z" } });
  dir = await mkdtemp(join(tmpdir(), "flexjob-cli-aws-"));
  await writeFile(join(dir, "flexjob.yml"), CONFIG);
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

const DASHBOARD =
  "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/flexjob-shop";

describe("flexjob deploy", () => {
  it("shows the plan as a table, then a second deploy changes nothing", async () => {
    const first = await cli(["deploy"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("plan for shop in eu-west-1 (account 123456789012)");
    expect(first.stdout).toMatch(/ {2}\+ schedule {8}shop-report\.1/);
    expect(first.stdout).toContain("18 to create, 0 to update, 0 to delete, 0 unchanged");
    expect(first.stdout).toContain(`dashboard: ${DASHBOARD}\n`);
    expect(first.stdout).toContain(
      "report: next runs 2026-12-05T02:30:00Z, 2026-12-06T02:30:00Z, 2026-12-07T02:30:00Z",
    );
    aws.clearCalls();
    const second = await cli(["deploy"]);
    expect(second.stdout).toContain("0 to create, 0 to update, 0 to delete, 18 unchanged");
    expect(second.stdout).toContain("everything is up to date: no change made");
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("shows the changed fields of an update, and --dry-run changes nothing", async () => {
    await cli(["deploy"]);
    await writeFile(join(dir, "flexjob.yml"), CONFIG.replace("03:30", "04:15"));
    aws.clearCalls();
    const dry = await cli(["deploy", "--dry-run"]);
    expect(dry.stdout).toContain(
      "  ~ schedule        shop-report\n      expression: cron(30 3 * * ? *) → cron(15 4 * * ? *)",
    );
    expect(dry.stdout).toContain("dry run: nothing was changed");
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("never prints a secret-looking env value, in the table or in JSON", async () => {
    await writeFile(join(dir, "flexjob.yml"), `${CONFIG}    env:\n      API_TOKEN: s3cr3t-value\n`);
    await cli(["deploy"]);
    await writeFile(join(dir, "flexjob.yml"), `${CONFIG}    env:\n      API_TOKEN: rotated-s3cr3t\n`);
    const table = await cli(["deploy", "--dry-run"]);
    expect(table.stdout).toContain("container.environment.API_TOKEN: *** → ***");
    const json = await cli(["plan", "--json"]);
    for (const output of [table.stdout, table.stderr, json.stdout]) {
      expect(output).not.toContain("s3cr3t");
    }
  });

  it("prints the whole result with --json", async () => {
    const result = await cli(["deploy", "--json"]);
    const parsed = JSON.parse(result.stdout) as { changed: boolean; jobs: { scheduleArns: string[] }[] };
    expect(parsed.changed).toBe(true);
    expect(parsed.jobs[0]?.scheduleArns).toHaveLength(2);
  });

  it("never reaches AWS with a config that fails validation, exit 2", async () => {
    await writeFile(join(dir, "flexjob.yml"), CONFIG.replace("tasks: 2", "tasks: 0"));
    const result = await cli(["deploy"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("jobs.report.tasks");
    expect(aws.calls).toEqual([]);
  });

  it("rejects an unknown --job before any AWS call", async () => {
    const result = await cli(["deploy", "--job", "nope"]);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain('no job named "nope" in the config');
    expect(aws.calls).toEqual([]);
  });
});

describe("flexjob plan", () => {
  it("--offline renders every resource as a create without any AWS call", async () => {
    const result = await cli(["plan", "--offline"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("plan for shop in eu-west-1 (account <account-id>)");
    expect(result.stdout).toContain("18 to create");
    expect(aws.calls).toEqual([]);
  });
});

describe("flexjob run, status and logs", () => {
  it("status names each alert address that has not confirmed its subscription, until it does", async () => {
    await writeFile(join(dir, "flexjob.yml"), `${CONFIG}alerts:\n  email: [ops@example.com]\n`);
    await cli(["deploy"]);
    const pending = await cli(["status"]);
    // The app's dashboard closes the picture.
    expect(pending.stdout.endsWith(`dashboard: ${DASHBOARD}\n`)).toBe(true);
    expect(pending.stdout).toContain(
      "  alerts   ops@example.com: subscription pending confirmation (nothing reaches it until confirmed)\n",
    );
    aws.sns.confirmSubscription("arn:aws:sns:eu-west-1:123456789012:shop-flexjob-alerts", "ops@example.com");
    expect((await cli(["status"])).stdout).not.toContain("alerts   ");
  });

  it("runs a job now, waits for its exit codes, and exits 1 when a task fails", async () => {
    await cli(["deploy"]);
    aws.ecs.setExitCode("shop-report", 0);
    const ok = await cli(["run", "report", "--wait"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/task 0: exit 0/);
    expect(ok.stdout).toMatch(/task 1: exit 0/);
    aws.ecs.setExitCode("shop-report", 2);
    const failed = await cli(["run", "report", "--wait"]);
    expect(failed.code).toBe(1);

    const status = await cli(["status", "--json"]);
    const [job] = JSON.parse(status.stdout) as {
      name: string;
      state: string;
      recent: { exitCode: number }[];
    }[];
    expect(job?.state).toBe("ENABLED");
    expect(job?.recent.map((run) => run.exitCode).sort()).toEqual([0, 0, 2, 2]);
  });

  it("lists a job's runs from the history, newest first, and status shows them after ECS forgot the tasks", async () => {
    await cli(["deploy"]);
    aws.ecs.setExitCode("shop-report", 0);
    await cli(["run", "report", "--wait"]);
    aws.ecs.setExitCode("shop-report", 2);
    await cli(["run", "report", "--wait"]);
    aws.clock.advance(3 * 3_600_000);

    const text = await cli(["runs", "report"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      / {2}failed {7}(\d+m )?\d+s +exit 2, exit 2 {2}1 attempt {2}Essential container in task exited$/,
    );
    expect(lines[1]).toMatch(/ {2}succeeded {4}(\d+m )?\d+s +exit 0, exit 0 {2}1 attempt$/);
    // The picture under the lines, oldest first; its exact durations are tested in run-picture.test.ts.
    expect(lines[2]).toMatch(
      /^summary: ✓✗ {2}[▁-█]{2} {2}1\/2 succeeded, 1 failed, p50 (\d+m )?\d+s, max (\d+m )?\d+s$/,
    );
    expect(lines[3]).toBe("logs: flexjob logs report (/flexjob/shop/report)");

    const json = JSON.parse((await cli(["runs", "report", "--json", "--limit", "1"])).stdout) as {
      outcome: string;
    }[];
    expect(json.map((run) => run.outcome)).toEqual(["failed"]);
    const status = JSON.parse((await cli(["status", "--json"])).stdout) as {
      recent: unknown[];
      lastRuns: { outcome: string }[];
    }[];
    expect(status[0]?.recent).toEqual([]);
    expect(status[0]?.lastRuns.map((run) => run.outcome)).toEqual(["failed", "succeeded"]);

    const bad = await cli(["runs", "report", "--limit", "0"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--limit "0" is not a whole number from 1 to 1000');
  });

  it("shows a run Scheduler could not start as missed, with Scheduler's reason", async () => {
    await cli(["deploy"]);
    aws.scheduler.fire({
      group: "flexjob-shop",
      name: "shop-report",
      at: "2026-12-05T02:30:00Z",
      executionId: "exec-missed",
      targetError: "throttle",
    });
    const text = await cli(["runs", "report"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toBe(
      "2026-12-05 02:30  missed       -         0 attempts  ThrottlingException: Rate exceeded",
    );
  });

  it("backfill lists the runs a window missed, starts them, and refuses a date it cannot read", async () => {
    await cli(["deploy"]);
    aws.clock.advance(2 * 24 * 3_600_000); // 2026-12-07T00:00Z
    const window = ["--from", "2026-12-05T00:00:00Z", "--to", "2026-12-07T00:00:00Z"];
    const planned = await cli(["backfill", "report", ...window, "--dry-run"]);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toBe(
      [
        "report: 2 scheduled in the window, 0 already ran, would start 2",
        "  2026-12-05T02:30:00Z  backfill-report-20261205t023000z",
        "  2026-12-06T02:30:00Z  backfill-report-20261206t023000z",
        "",
      ].join("\n"),
    );
    const done = JSON.parse((await cli(["backfill", "report", ...window, "--json"])).stdout) as {
      started: unknown[];
    };
    expect(done.started).toHaveLength(2);
    const bad = await cli(["backfill", "report", "--from", "yesterday", "--to", "2026-12-07T00:00:00Z"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from "yesterday" is not a date-time');
  });

  it("status counts a rate's next runs from when the schedule was created, not from now", async () => {
    await writeFile(join(dir, "flexjob.yml"), CONFIG.replace("every day at 03:30", "rate(1 hour)"));
    aws.clock.advance(25 * 60_000); // created at 00:25
    await cli(["deploy"]);
    aws.clock.advance(60 * 60_000); // now 01:25
    const status = await cli(["status", "--json"]);
    const [job] = JSON.parse(status.stdout) as { nextRuns: string[] }[];
    expect(job?.nextRuns).toEqual(["2026-12-05T02:25:00Z", "2026-12-05T03:25:00Z", "2026-12-05T04:25:00Z"]);
    aws.clock.advance(20 * 60_000); // 01:45: still on the hour's 25th minute
    const later = JSON.parse((await cli(["status", "--json"])).stdout) as { nextRuns: string[] }[];
    expect(later[0]?.nextRuns[0]).toBe("2026-12-05T02:25:00Z");
  });

  it("prints a job's log lines since a duration ago", async () => {
    await cli(["deploy"]);
    aws.logs.appendLogLines(
      "/flexjob/shop/report",
      "report/report/abc",
      [{ message: "hello" }, { message: "done" }],
      {
        region: "eu-west-1",
      },
    );
    const result = await cli(["logs", "report", "--since", "10m"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "2026-12-05T00:00:00.000Z report/report/abc  hello\n2026-12-05T00:00:00.000Z report/report/abc  done\n",
    );
  });

  it("rejects a --since that is neither a duration nor a date", async () => {
    const result = await cli(["logs", "report", "--since", "lately"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since "lately" is neither a duration nor a date-time');
  });
});

describe("flexjob destroy", () => {
  it("shows what it would remove without --yes, and removes it with --yes", async () => {
    await cli(["deploy"]);
    const preview = await cli(["destroy", "report"]);
    expect(preview.stdout).toContain("- schedule");
    expect(preview.stdout).toContain("nothing removed: pass --yes to remove the above");
    const done = await cli(["destroy", "report", "--yes"]);
    expect(done.stdout).toContain("removed");
    const again = await cli(["destroy", "report", "--yes"]);
    expect(again.stdout).toContain("nothing to remove");
  });

  it("a role someone attached a managed policy to stops destroy with that policy, the role and the fix, exit 1", async () => {
    await cli(["deploy"]);
    const clients = createClients({ region: "eu-west-1", endpoint: aws.url });
    await loadClients(clients, "iam");
    const { iam } = clients;
    const policyArn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    await iam.send(new AttachRolePolicyCommand({ RoleName: "shop-flexjob-execution", PolicyArn: policyArn }));
    const result = await cli(["destroy", "--all", "--yes"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "error: destroy of shop stopped: 1 step failed, first delete role shop-flexjob-execution: IAM role shop-flexjob-execution cannot be deleted: it has managed policies attached that flexjob did not attach: arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n",
    );
    expect(result.stderr).toContain(
      "  fix: if nothing else needs them on this role, detach them: aws iam detach-role-policy --role-name shop-flexjob-execution --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess; then destroy again; or keep the role (a role costs nothing) and ignore this error\n",
    );
    expect(result.stderr).not.toContain("deploy");
    // flexjob never detaches a policy it did not attach.
    expect(aws.calls.filter((call) => call.operation === "DetachRolePolicy")).toEqual([]);
    await iam.send(new DetachRolePolicyCommand({ RoleName: "shop-flexjob-execution", PolicyArn: policyArn }));
    const again = await cli(["destroy", "--all", "--yes"]);
    // The first destroy removed everything else; only the role was left to delete.
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      "  - role            shop-flexjob-execution  destroying app shop\n0 to create, 0 to update, 1 to delete, 0 unchanged\nremoved\n",
    );
  });

  it("needs a job or --all", async () => {
    const result = await cli(["destroy"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("destroy needs a job name or --all");
  });
});
