import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.js";

const example = resolve(import.meta.dirname, "../../../../examples/hello/flexjob.yml");

describe("flexjob iam-policy", () => {
  it("prints the deploy role's policy for the config as JSON, scoped to its app", async () => {
    const result = await runCli(["iam-policy", "--deploy", "--config", example, "--account", "123456789012"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const document = JSON.parse(result.stdout) as {
      Version: string;
      Statement: { Sid: string; Resource: unknown }[];
    };
    expect(document.Version).toBe("2012-10-17");
    expect(document.Statement.find((statement) => statement.Sid === "ManageSchedules")?.Resource).toEqual([
      "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-hello/*",
      "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-hello.*/*",
    ]);
  });

  it("adds what destroy needs with --destroy, and only then", async () => {
    const sids = async (argv: string[]) =>
      (
        JSON.parse((await runCli(["iam-policy", "--deploy", "--config", example, ...argv])).stdout) as {
          Statement: { Sid: string }[];
        }
      ).Statement.map((statement) => statement.Sid);
    expect(await sids(["--destroy"])).toEqual(
      expect.arrayContaining(["DestroyAppRoles", "DestroyCluster", "DestroyLogGroups"]),
    );
    expect(await sids([])).not.toContain("DestroyCluster");
  });

  it("prints what running jobs needs with --run, alone or added to --deploy", async () => {
    const sids = async (argv: string[]) => {
      const result = await runCli(["iam-policy", "--config", example, "--account", "123456789012", ...argv]);
      expect(result.code).toBe(0);
      return (JSON.parse(result.stdout) as { Statement: { Sid: string }[] }).Statement.map(
        (each) => each.Sid,
      );
    };
    const run = [
      "ReadJobSchedules",
      "RunJobTasksInTheCluster",
      "TagTasksAtRunTask",
      "FollowAndStopTasks",
      "ListClusterTasks",
      "ReadJobLogs",
    ];
    expect(await sids(["--run"])).toEqual([...run, "PassRolesToEcs"]);
    const both = await sids(["--deploy", "--run"]);
    expect(both).toEqual(expect.arrayContaining(["ManageSchedules", "PassRolesToEcs", ...run]));
    expect(both.filter((sid) => sid === "PassRolesToEcs")).toHaveLength(1);
    expect(await sids(["--deploy"])).not.toContain("RunJobTasksInTheCluster");
    const document = JSON.parse(
      (await runCli(["iam-policy", "--run", "--config", example, "--account", "123456789012"])).stdout,
    ) as { Statement: { Sid: string; Resource: unknown; Condition?: unknown }[] };
    expect(document.Statement.find((each) => each.Sid === "RunJobTasksInTheCluster")).toMatchObject({
      Resource: [
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/hello-greet:*",
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/hello-crunch:*",
      ],
      Condition: { ArnEquals: { "ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/hello" } },
    });
  });

  it("refuses --run with --boundary, and --destroy without --deploy, exit 2", async () => {
    const mixed = await runCli(["iam-policy", "--run", "--boundary", "--config", example]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--run and --boundary were both given");
    const destroyOnly = await runCli(["iam-policy", "--destroy", "--config", example]);
    expect(destroyOnly.code).toBe(2);
    expect(destroyOnly.stderr).toContain(
      "--destroy adds to the deploy role's policy, but --deploy was not given",
    );
  });

  it("prints the app's permissions boundary with --boundary: no IAM writes, passes only to ECS tasks", async () => {
    const result = await runCli([
      "iam-policy",
      "--boundary",
      "--config",
      example,
      "--account",
      "123456789012",
    ]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as {
      Statement: { Sid: string; Action: unknown; Resource: unknown }[];
    };
    const actions = document.Statement.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => String(action).startsWith("iam:"))).toEqual(["iam:PassRole"]);
    expect(document.Statement.find((statement) => statement.Sid === "WriteAppLogs")?.Resource).toBe(
      "arn:aws:logs:*:123456789012:log-group:/flexjob/hello/*",
    );
  });

  it("refuses --deploy and --boundary together, exit 2", async () => {
    const result = await runCli(["iam-policy", "--deploy", "--boundary", "--config", example]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--deploy and --boundary were both given");
  });

  it("asks which role when --deploy is missing, exit 2", async () => {
    const result = await runCli(["iam-policy", "--config", example]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("fix: add --deploy");
  });

  it("rejects an account id that is not 12 digits", async () => {
    const result = await runCli(["iam-policy", "--deploy", "--config", example, "--account", "12345"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--account "12345" is not a 12-digit AWS account id');
  });
});
