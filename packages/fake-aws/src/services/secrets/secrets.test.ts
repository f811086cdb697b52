import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

const HOOK = "https://hooks.example.com/services/T000/B000/abc";
let aws: FakeAws;
let secrets: SecretsManagerClient;
let ssm: SSMClient;

beforeAll(async () => {
  aws = await startFakeAws();
  secrets = new SecretsManagerClient({ ...aws.clientConfig(), maxAttempts: 1 });
  ssm = new SSMClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  secrets.destroy();
  ssm.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { name: string; message: string }) => `${error.name}: ${error.message}`,
  );

describe("GetSecretValue", () => {
  it("reads a secret's value by full ARN, partial ARN and name", async () => {
    const arn = aws.secrets.put("slack-hook", { suffix: "AbCdEf", value: HOOK });
    const partial = "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-hook";
    for (const id of [arn, partial, "slack-hook"]) {
      const read = await secrets.send(new GetSecretValueCommand({ SecretId: id }));
      expect([read.ARN, read.Name, read.SecretString, read.VersionStages]).toEqual([
        arn,
        "slack-hook",
        HOOK,
        ["AWSCURRENT"],
      ]);
    }
  });

  it("reads the new value after putValue", async () => {
    const arn = aws.secrets.put("slack-hook", { value: HOOK });
    aws.secrets.putValue(arn, `${HOOK}-2`);
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe(`${HOOK}-2`);
  });

  it("answers ResourceNotFoundException for a missing secret, one without a value, or another stage", async () => {
    aws.secrets.put("empty", { suffix: "AbCdEf" });
    aws.secrets.put("hook", { suffix: "GhIjKl", value: HOOK });
    expect(await failure(secrets.send(new GetSecretValueCommand({ SecretId: "nope" })))).toBe(
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
    expect(await failure(secrets.send(new GetSecretValueCommand({ SecretId: "empty" })))).toBe(
      "ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
    expect(
      await failure(
        secrets.send(new GetSecretValueCommand({ SecretId: "hook", VersionStage: "AWSPREVIOUS" })),
      ),
    ).toBe(
      "ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    );
  });

  it("finds a secret by name only in the caller's region", async () => {
    aws.secrets.put("hook", { region: "eu-west-1", value: HOOK });
    expect(await failure(secrets.send(new GetSecretValueCommand({ SecretId: "hook" })))).toBe(
      "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
  });
});

describe("DescribeSecret", () => {
  it("describes a secret by name, partial ARN and full ARN, without its value", async () => {
    const arn = aws.secrets.put("prod/db", { suffix: "AbCdEf", value: HOOK, kmsKeyId: "k-1" });
    const partial = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db";
    for (const id of ["prod/db", partial, arn]) {
      const described = await secrets.send(new DescribeSecretCommand({ SecretId: id }));
      expect({ ...described, $metadata: undefined }).toEqual({
        $metadata: undefined,
        ARN: arn,
        Name: "prod/db",
        KmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k-1",
        VersionIdsToStages: { "00000000-0000-4000-8000-000000000001": ["AWSCURRENT"] },
      });
    }
  });

  it("answers ResourceNotFoundException for a missing secret, a name with its suffix, or another region", async () => {
    aws.secrets.put("prod/db", { suffix: "AbCdEf" });
    aws.secrets.put("eu-only", { region: "eu-west-1" });
    for (const id of ["nope", "prod/db-AbCdEf", "eu-only"]) {
      expect(await failure(secrets.send(new DescribeSecretCommand({ SecretId: id })))).toBe(
        "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      );
    }
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: "prod/db" }));
    expect(described.VersionIdsToStages).toBeUndefined();
  });
});

describe("GetParameter", () => {
  it("decrypts a SecureString only WithDecryption, by name or ARN", async () => {
    const arn = aws.secrets.putParameter("/alerts/hook", { value: HOOK });
    expect(arn).toBe("arn:aws:ssm:us-east-1:123456789012:parameter/alerts/hook");
    for (const name of [arn, "/alerts/hook"]) {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      expect([Parameter?.Name, Parameter?.Type, Parameter?.Value, Parameter?.ARN]).toEqual([
        "/alerts/hook",
        "SecureString",
        HOOK,
        arn,
      ]);
    }
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: arn }));
    expect(Parameter?.Value).not.toContain("hooks.example.com");
  });

  it("answers ParameterNotFound for a missing parameter", async () => {
    expect(await failure(ssm.send(new GetParameterCommand({ Name: "/alerts/none" })))).toBe(
      "ParameterNotFound: Parameter /alerts/none not found.",
    );
  });
});
