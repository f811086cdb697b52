import {
  CloudWatchLogsClient,
  DeleteResourcePolicyCommand,
  DescribeResourcePoliciesCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

const START = Date.parse("2030-01-01T00:00:00Z");
let aws: FakeAws;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: START } });
  logs = new CloudWatchLogsClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  logs.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { name: string; message: string }) => `${error.name}: ${error.message}`,
  );

const DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: "arn:aws:logs:us-east-1:123456789012:log-group:/flexjob/*",
    },
  ],
});

describe("resource policies", () => {
  it("puts (create or replace), describes and deletes account policies per Region", async () => {
    await logs.send(new PutResourcePolicyCommand({ policyName: "flexjob", policyDocument: "{}" }));
    const put = await logs.send(
      new PutResourcePolicyCommand({ policyName: "flexjob", policyDocument: DOCUMENT }),
    );
    expect(put.resourcePolicy).toEqual({
      policyName: "flexjob",
      policyDocument: DOCUMENT,
      lastUpdatedTime: START,
    });
    const other = new CloudWatchLogsClient({ ...aws.clientConfig("eu-west-1"), maxAttempts: 1 });
    expect((await other.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies).toEqual([]);
    other.destroy();
    expect((await logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies).toEqual([
      put.resourcePolicy,
    ]);
    await logs.send(new DeleteResourcePolicyCommand({ policyName: "flexjob" }));
    expect((await logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies).toEqual([]);
    expect(await failure(logs.send(new DeleteResourcePolicyCommand({ policyName: "flexjob" })))).toBe(
      "ResourceNotFoundException: Policy with name [flexjob] does not exist",
    );
  });

  it("allows 10 policies per account and Region: the 11th is refused, replacing one is not", async () => {
    for (let i = 1; i <= 10; i += 1) {
      await logs.send(new PutResourcePolicyCommand({ policyName: `p${i}`, policyDocument: DOCUMENT }));
    }
    expect(
      await failure(logs.send(new PutResourcePolicyCommand({ policyName: "p11", policyDocument: DOCUMENT }))),
    ).toBe(
      "LimitExceededException: Resource limit exceeded: an account can have at most 10 resource policies per Region.",
    );
    await logs.send(new PutResourcePolicyCommand({ policyName: "p10", policyDocument: "{}" }));
    expect((await logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies).toHaveLength(10);
  });

  it("refuses a document over 5,120 characters or not JSON", async () => {
    const long = JSON.stringify({ Statement: [], pad: "x".repeat(5120) });
    expect(
      await failure(logs.send(new PutResourcePolicyCommand({ policyName: "p", policyDocument: long }))),
    ).toMatch(
      /^InvalidParameterException: 1 validation error detected: Value '.*' at 'policyDocument' failed to satisfy constraint: Member must have length less than or equal to 5120$/,
    );
    expect(
      await failure(logs.send(new PutResourcePolicyCommand({ policyName: "p", policyDocument: "{" }))),
    ).toBe("InvalidParameterException: Policy document of policy 'p' is not valid JSON.");
  });
});
