import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  SSMClient,
} from "@aws-sdk/client-ssm";
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

  it("reads the new value and version after putValue", async () => {
    const arn = aws.secrets.putParameter("/alerts/hook", { value: HOOK });
    aws.secrets.putValue(arn, `${HOOK}-2`);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: arn, WithDecryption: true }));
    expect([Parameter?.Value, Parameter?.Version]).toEqual([`${HOOK}-2`, 2]);
  });

  it("answers ParameterNotFound for a missing parameter", async () => {
    expect(await failure(ssm.send(new GetParameterCommand({ Name: "/alerts/none" })))).toBe(
      "ParameterNotFound: Parameter /alerts/none not found.",
    );
  });
});

const RECORD = "/flexjob/shop/last-deploy";
const put = (input: Partial<PutParameterCommandInput>) =>
  ssm.send(new PutParameterCommand({ Name: RECORD, Value: "v1", Type: "String", ...input }));
const read = async (name = RECORD) => {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
  return { ...Parameter, LastModifiedDate: Parameter?.LastModifiedDate?.toISOString() };
};
const NAME_PATTERN =
  'ValidationException: Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

describe("PutParameter", () => {
  it("creates a String parameter at version 1 that GetParameter reads back in plain text", async () => {
    const { Version, Tier } = await put({ Overwrite: true, Tier: "Standard" });
    expect([Version, Tier]).toEqual([1, "Standard"]);
    expect(await read()).toEqual({
      Name: RECORD,
      Type: "String",
      Value: "v1",
      Version: 1,
      ARN: "arn:aws:ssm:us-east-1:123456789012:parameter/flexjob/shop/last-deploy",
      DataType: "text",
      LastModifiedDate: aws.clock.now().toISOString(),
    });
  });

  it("answers ParameterAlreadyExists for an existing name without Overwrite, also when written without its leading slash", async () => {
    await put({});
    expect(await failure(put({ Value: "v2" }))).toBe(
      "ParameterAlreadyExists: The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
    );
    await put({ Name: "token" });
    expect(await failure(put({ Name: "/token" }))).toBe(
      "ParameterAlreadyExists: The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
    );
    expect((await read()).Value).toBe("v1");
  });

  it("overwrites with Overwrite: version 2, the new value and the time of the last write", async () => {
    await put({});
    aws.clock.advance(60_000);
    expect(await put({ Value: "v2", Overwrite: true })).toMatchObject({ Version: 2, Tier: "Standard" });
    const again = await read();
    expect([again.Value, again.Version, again.LastModifiedDate]).toEqual([
      "v2",
      2,
      aws.clock.now().toISOString(),
    ]);
    expect((await put({ Value: "v3", Overwrite: true, Type: undefined })).Version).toBe(3);
  });

  it("needs a Type to create, and keeps it: an overwrite may not change it", async () => {
    expect(await failure(put({ Type: undefined }))).toBe(
      "ValidationException: A parameter type is required when you create a parameter.",
    );
    await put({});
    expect(await failure(put({ Overwrite: true, Type: "SecureString" }))).toBe(
      `HierarchyTypeMismatchException: Parameter ${RECORD} is a String; its type can't be changed to SecureString. Delete it and create it again with the new type.`,
    );
  });

  it("refuses a value over 4096 characters in the standard tier, which the advanced tier takes up to 8192", async () => {
    expect(await failure(put({ Value: "x".repeat(4097) }))).toBe(
      "ValidationException: Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html",
    );
    expect(await put({ Value: "x".repeat(4096) })).toMatchObject({ Version: 1, Tier: "Standard" });
    expect(await put({ Name: "/big", Value: "x".repeat(8192), Tier: "Advanced" })).toMatchObject({
      Tier: "Advanced",
    });
    expect(await failure(put({ Name: "/bigger", Value: "x".repeat(8193), Tier: "Advanced" }))).toBe(
      "ValidationException: Advanced tier parameters support a maximum parameter value of 8192 characters.",
    );
    expect(await put({ Name: "/auto", Value: "x".repeat(4097), Tier: "Intelligent-Tiering" })).toMatchObject({
      Tier: "Advanced",
    });
    expect(await put({ Name: "/small", Value: "x", Tier: "Intelligent-Tiering" })).toMatchObject({
      Tier: "Standard",
    });
    expect(await failure(put({ Name: "/big", Overwrite: true, Tier: "Standard" }))).toBe(
      "ValidationException: Parameter /big uses the advanced-parameter tier, which can't be changed back to the standard tier. Delete the parameter and create it again as a standard parameter.",
    );
    expect(await put({ Name: "/big", Overwrite: true })).toMatchObject({ Version: 2, Tier: "Advanced" });
  });

  it("refuses names with other characters, a path without its leading slash, or empty levels", async () => {
    for (const Name of [
      "last deploy",
      "/flexjob/shop/last@deploy",
      "flexjob/shop",
      "/flexjob//shop",
      "/shop/",
      "arn:aws:ssm:us-east-1:123456789012:parameter/x",
    ]) {
      expect([Name, await failure(put({ Name }))]).toEqual([Name, NAME_PATTERN]);
    }
    expect((await put({ Name: "  /trimmed  " })).Version).toBe(1);
    expect((await read("/trimmed")).Name).toBe("/trimmed");
  });

  it("refuses names that start with aws or ssm in any case, at the root or the first level", async () => {
    for (const Name of ["awsTestParameter", "SSM-testparameter", "/aws/testparam1", "/Ssm/x"]) {
      expect([Name, await failure(put({ Name }))]).toEqual([
        Name,
        'ValidationException: Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).',
      ]);
    }
    expect((await put({ Name: "/flexjob/aws" })).Version).toBe(1);
  });

  it("allows fifteen levels and refuses sixteen", async () => {
    const path = (levels: number) => Array.from({ length: levels }, (_, i) => `/L${i + 1}`).join("");
    expect((await put({ Name: path(15) })).Version).toBe(1);
    expect(await failure(put({ Name: path(16) }))).toBe(
      `HierarchyLevelLimitExceededException: A hierarchy can have a maximum of 15 levels; ${path(16)} has 16.`,
    );
  });

  it("refuses a name whose ARN would pass 1011 characters", async () => {
    // arn:aws:ssm:us-east-1:123456789012:parameter/ is 45 characters.
    expect((await put({ Name: `/${"n".repeat(966)}` })).Version).toBe(1);
    expect(await failure(put({ Name: `/${"n".repeat(967)}` }))).toBe(
      "ValidationException: Parameter name too long: with the ARN before it, it has 1012 characters; at most 1011 are allowed.",
    );
  });

  it("refuses what it does not model rather than ignore it: other data types, policies, allowed patterns", async () => {
    expect(await failure(put({ DataType: "aws:ec2:image", Value: "ami-12345abcdeEXAMPLE" }))).toBe(
      "ValidationException: DataType aws:ec2:image: fake-aws models only the text data type.",
    );
    expect(await failure(put({ Policies: "[]" }))).toBe(
      "ValidationException: Policies: fake-aws does not model parameter policies.",
    );
    expect(await failure(put({ AllowedPattern: "^v\\d+$" }))).toBe(
      "ValidationException: AllowedPattern: fake-aws does not model allowed patterns.",
    );
    expect((await put({ DataType: "text", Description: "the last deploy" })).Version).toBe(1);
  });

  it("refuses Tags with Overwrite, and a KeyId for anything but a SecureString", async () => {
    const Tags = [{ Key: "flexjob:managed", Value: "true" }];
    expect(await failure(put({ Overwrite: true, Tags }))).toBe(
      "ValidationException: Invalid request: Tags and Overwrite can't be used together. Create the parameter with its tags, or change an existing parameter's tags with AddTagsToResource or RemoveTagsFromResource.",
    );
    expect((await put({ Tags })).Version).toBe(1);
    expect(await failure(put({ Name: "/keyed", KeyId: "k-1" }))).toBe(
      `ValidationException: KeyId is only for a SecureString parameter; /keyed is a String.`,
    );
    await put({ Name: "/keyed", KeyId: "k-1", Type: "SecureString" });
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/keyed", WithDecryption: true }));
    expect([Parameter?.Type, Parameter?.Value]).toEqual(["SecureString", "v1"]);
  });
});

describe("DeleteParameter", () => {
  it("deletes a parameter, after which GetParameter and a second delete answer ParameterNotFound", async () => {
    await put({});
    const deleted = await ssm.send(new DeleteParameterCommand({ Name: RECORD }));
    expect({ ...deleted, $metadata: undefined }).toEqual({ $metadata: undefined });
    expect(await failure(read())).toBe(`ParameterNotFound: Parameter ${RECORD} not found.`);
    expect(await failure(ssm.send(new DeleteParameterCommand({ Name: RECORD })))).toBe(
      `ParameterNotFound: Parameter ${RECORD} not found.`,
    );
    expect((await put({})).Version).toBe(1);
  });

  it("takes the name, not the ARN", async () => {
    await put({});
    const arn = "arn:aws:ssm:us-east-1:123456789012:parameter/flexjob/shop/last-deploy";
    expect(await failure(ssm.send(new DeleteParameterCommand({ Name: arn })))).toBe(
      `ParameterNotFound: Parameter ${arn} not found.`,
    );
  });

  it("records PutParameter and DeleteParameter as mutating calls, GetParameter not", async () => {
    await put({});
    await read();
    await ssm.send(new DeleteParameterCommand({ Name: RECORD }));
    expect(aws.mutatingCalls("ssm").map((call) => call.operation)).toEqual([
      "PutParameter",
      "DeleteParameter",
    ]);
  });
});
