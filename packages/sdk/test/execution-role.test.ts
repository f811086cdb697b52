/**
 * What the execution role flexjob creates lets a task do at start, read back from fake-aws and
 * proven by starting tasks: fake-aws fails a task whose role may not pull its image or read its
 * secret, with ECS's stop reason, checked against the role's policies and its boundary.
 */
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import { GetRolePolicyCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FlexjobConfig, parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import { runNow } from "../src/deploy/run-now.js";
import type { Deps } from "../src/deps.js";
import { REGION, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

const SAME_ACCOUNT = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/tool:1.0";
const CROSS_ACCOUNT = "210987654321.dkr.ecr.eu-west-1.amazonaws.com/shared/base:2";
const PARTIAL = `arn:aws:secretsmanager:${REGION}:123456789012:secret:prod/api-backup`;
const KEY = `arn:aws:kms:${REGION}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
  // The same-account image lives in another region than the tasks: its repository is there.
  const ecr = new ECRClient(aws.clientConfig("us-east-1"));
  await ecr.send(new CreateRepositoryCommand({ repositoryName: "team/tool" }));
  ecr.destroy();
});
afterEach(() => aws.close());

function config(job: Record<string, unknown>): FlexjobConfig {
  return parseConfig({
    app: "tools",
    region: REGION,
    jobs: { job: { schedule: "rate(1 hour)", command: ["true"], ...job } },
  });
}

async function runOnce(cfg: FlexjobConfig) {
  const result = await runNow(cfg, "job", { wait: true }, deps);
  return result.tasks.map((task) => [task.lastStatus, task.exitCode, task.stoppedReason?.split(": ")[0]]);
}

async function executionPolicy(): Promise<{ Statement: { Sid: string; Resource: unknown }[] }> {
  const { PolicyDocument } = await deps.clients.iam.send(
    new GetRolePolicyCommand({ RoleName: "tools-flexjob-execution", PolicyName: "flexjob-execution" }),
  );
  return JSON.parse(decodeURIComponent(PolicyDocument ?? ""));
}

/** Puts back one statement as flexjob rendered it before, to show fake-aws catches that. */
async function replaceStatement(sid: string, resource: string | string[]): Promise<void> {
  const document = await executionPolicy();
  for (const statement of document.Statement) if (statement.Sid === sid) statement.Resource = resource;
  await deps.clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: "tools-flexjob-execution",
      PolicyName: "flexjob-execution",
      PolicyDocument: JSON.stringify(document),
    }),
  );
}

describe("private ECR images", () => {
  it.each([
    ["same account, another region", SAME_ACCOUNT, "arn:aws:ecr:us-east-1:123456789012:repository/team/tool"],
    ["another account", CROSS_ACCOUNT, "arn:aws:ecr:eu-west-1:210987654321:repository/shared/base"],
  ])(
    "a job's image from %s is pulled: the role names exactly its repository",
    async (_, image, repository) => {
      const cfg = config({ image });
      await deploy(cfg, {}, deps);
      const pull = (await executionPolicy()).Statement.find((statement) => statement.Sid === "PullJobImages");
      expect(pull?.Resource).toEqual([
        `arn:aws:ecr:${REGION}:123456789012:repository/flexjob/tools/*`,
        repository,
      ]);
      expect(await runOnce(cfg)).toEqual([["STOPPED", 0, "Essential container in task exited"]]);

      // Before the fix the role could pull only the app's own repositories.
      await replaceStatement(
        "PullJobImages",
        `arn:aws:ecr:${REGION}:123456789012:repository/flexjob/tools/*`,
      );
      expect(await runOnce(cfg)).toEqual([["STOPPED", undefined, "CannotPullContainerError"]]);
    },
  );
});

describe("secrets referenced by partial ARN", () => {
  it("a secret named prod/api-backup, read by its partial ARN, is readable and decryptable with its customer key", async () => {
    const full = aws.secrets.put("prod/api-backup", { region: REGION, suffix: "AbC123", kmsKeyId: KEY });
    expect(full).toBe(`${PARTIAL}-AbC123`);
    const cfg = config({ image: "public.ecr.aws/docker/library/busybox:1.37", secrets: { API: PARTIAL } });
    await deploy(cfg, {}, deps);
    const statements = (await executionPolicy()).Statement;
    expect(statements.find((statement) => statement.Sid === "ReadJobSecrets")?.Resource).toEqual([
      PARTIAL,
      `${PARTIAL}-??????`,
    ]);
    expect(statements.find((statement) => statement.Sid === "DecryptJobSecrets")).toEqual({
      Sid: "DecryptJobSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: {
        StringEquals: { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` },
        StringLike: { "kms:EncryptionContext:SecretARN": [PARTIAL, `${PARTIAL}-??????`] },
      },
    });
    expect(await runOnce(cfg)).toEqual([["STOPPED", 0, "Essential container in task exited"]]);

    // Before the fix a name ending in "-" + 6 characters got its exact ARN only.
    await replaceStatement("ReadJobSecrets", PARTIAL);
    expect(await runOnce(cfg)).toEqual([["STOPPED", undefined, "ResourceInitializationError"]]);
  });

  it("a secret that does not exist stops the task with ECS's reason", async () => {
    const cfg = config({ image: "public.ecr.aws/docker/library/busybox:1.37", secrets: { API: PARTIAL } });
    await deploy(cfg, {}, deps);
    const [task] = (await runNow(cfg, "job", { wait: true }, deps)).tasks;
    expect(task?.stoppedReason).toBe(
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
        `unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${PARTIAL} ` +
        "from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
  });
});
