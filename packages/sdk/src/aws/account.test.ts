import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { accountIdOf } from "./account.js";
import { createClients } from "./clients.js";

const sts = mockClient(STSClient);
const clients = createClients({ region: "eu-west-1" });

const stsError = (name: string, message: string) =>
  new STSServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 403 }, message });

beforeEach(() => sts.reset());

describe("accountIdOf", () => {
  it("returns the account of the caller", async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: "123456789012",
      Arn: "arn:aws:sts::123456789012:assumed-role/deploy/session",
      UserId: "AROAEXAMPLE:session",
    });
    expect(await accountIdOf(clients)).toBe("123456789012");
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it("says how to configure credentials when there are none", async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
    );
    const failure = accountIdOf(clients);
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "AWS_ERROR",
      fault: "aws",
      message: "could not load AWS credentials: Could not load credentials from any providers",
      remedy: expect.stringContaining("aws-actions/configure-aws-credentials"),
    });
  });

  it("says to refresh credentials that AWS rejects", async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(stsError("ExpiredToken", "The security token included in the request is expired"));
    await expect(accountIdOf(clients)).rejects.toMatchObject({
      fault: "aws",
      message:
        "AWS rejected the credentials (ExpiredToken): The security token included in the request is expired",
      remedy: expect.stringMatching(/^refresh or replace them: .*aws-actions\/configure-aws-credentials/),
    });
  });

  it("wraps any other SDK failure with what it was doing", async () => {
    sts.on(GetCallerIdentityCommand).rejects(stsError("ServiceUnavailable", "try later"));
    await expect(accountIdOf(clients)).rejects.toMatchObject({
      code: "AWS_ERROR",
      message: "reading the AWS account id (sts:GetCallerIdentity): ServiceUnavailable: try later",
    });
  });
});
