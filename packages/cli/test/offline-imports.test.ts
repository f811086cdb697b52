import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = resolve(import.meta.dirname, "../../..");
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "flexjob-cli-imports-"));
  // A Copilot workspace whose one job names a secret of each kind, for `import copilot`.
  await mkdir(join(scratch, "copilot", "report"), { recursive: true });
  await writeFile(join(scratch, "copilot", ".workspace"), "application: shop\n");
  await writeFile(
    join(scratch, "copilot", "report", "manifest.yml"),
    "name: report\ntype: Scheduled Job\non:\n  schedule: '@daily'\nimage:\n  location: busybox\n" +
      "secrets:\n  A: /copilot/shop/prod/secrets/A\n  B:\n    secretsmanager: shop/b\n",
  );
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/**
 * The npm packages one real `flexjob` process loads, run from source in its own Node (a test
 * runner's module graph is not the CLI's), as record-packages.mjs lists them on exit.
 */
async function packagesLoadedBy(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const { stderr } = await promisify(execFile)(
    process.execPath,
    [
      "--conditions",
      "flexjob-source",
      "--import",
      "tsx/esm",
      "--import",
      join(import.meta.dirname, "record-packages.mjs"),
      join(repoRoot, "packages/cli/src/bin.ts"),
      ...argv,
    ],
    {
      cwd: join(repoRoot, "examples/hello"),
      env: { ...process.env, AWS_REGION: "", AWS_PROFILE: "", ...env },
    },
  );
  const line = stderr.split("\n").find((text) => text.startsWith("loaded packages: "));
  if (line === undefined) throw new Error(`no package list on stderr:\n${stderr}`);
  return JSON.parse(line.slice("loaded packages: ".length)) as string[];
}

const awsOnly = (packages: string[]) => packages.filter((name) => /^@(aws-sdk|smithy|aws)\//.test(name));

describe("offline commands load no AWS client", () => {
  it.each([
    ["--help", () => ["--help"]],
    ["--version", () => ["--version"]],
    ["next", () => ["next", "0 9 * * 1-5"]],
    ["validate", () => ["validate"]],
    ["init", () => ["init", "--config", join(scratch, "flexjob.yml")]],
    ["dockerfile", () => ["dockerfile", join(repoRoot, "examples/node-pnpm")]],
    ["plan --offline", () => ["plan", "--offline"]],
    ["import copilot without AWS_REGION", () => ["import", "copilot", scratch, "--out", "-"]],
  ])(
    "%s loads commander and no @aws-sdk or @smithy package",
    async (_name, argv) => {
      const packages = await packagesLoadedBy(argv());
      // commander is in every command's graph: the list is real, not empty by accident.
      expect(packages).toContain("commander");
      expect(awsOnly(packages)).toEqual([]);
    },
    60_000,
  );

  it("--help and --version load nothing but commander", async () => {
    expect(await packagesLoadedBy(["--help"])).toEqual(["commander"]);
    expect(await packagesLoadedBy(["--version"])).toEqual(["commander"]);
  }, 60_000);
});

describe("online commands load only the clients they call", () => {
  let aws: FakeAws;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    aws = await startFakeAws({ region: "eu-west-1" });
    env = { AWS_ENDPOINT_URL: aws.url, AWS_ACCESS_KEY_ID: "AKIAFLEXJOBTEST", AWS_SECRET_ACCESS_KEY: "test" };
  });
  afterAll(() => aws.close());

  const clientsOf = (packages: string[]) => packages.filter((name) => name.startsWith("@aws-sdk/client-"));

  // hello builds nothing and has no discovery or alerts: ECR, Cloud Map, SNS and Secrets Manager
  // stay unloaded even in a deploy; SSM clears the deploy record before the first change.
  const DEPLOY = [
    "cloudwatch",
    "cloudwatch-logs",
    "ec2",
    "ecs",
    "eventbridge",
    "iam",
    "pipes",
    "scheduler",
    "sfn",
    "sqs",
    "ssm",
    "sts",
  ];

  it.each([
    ["status, before any deploy", ["status"], ["scheduler"]],
    ["deploy", ["deploy"], DEPLOY],
    ["status", ["status"], ["cloudwatch-logs", "ecs", "scheduler"]],
    ["runs", ["runs", "greet"], ["cloudwatch-logs"]],
    ["logs", ["logs", "greet"], ["cloudwatch-logs"]],
    ["schedules list", ["schedules", "list", "greet"], ["scheduler"]],
  ])(
    "%s loads its services' clients and no other",
    async (_name, argv, expected) => {
      const packages = await packagesLoadedBy(argv, env);
      expect(clientsOf(packages)).toEqual(expected.map((service) => `@aws-sdk/client-${service}`));
    },
    60_000,
  );

  it("import copilot with AWS_REGION loads STS, SSM and Secrets Manager, to resolve secret names", async () => {
    const argv = ["import", "copilot", scratch, "--out", "-"];
    const packages = await packagesLoadedBy(argv, { ...env, AWS_REGION: "eu-west-1" });
    expect(clientsOf(packages)).toEqual([
      "@aws-sdk/client-secrets-manager",
      "@aws-sdk/client-ssm",
      "@aws-sdk/client-sts",
    ]);
  }, 60_000);
});
