import {
  CloudWatchLogsClient,
  DeleteResourcePolicyCommand,
  DescribeLogGroupsCommand,
  DescribeResourcePoliciesCommand,
  LimitExceededException,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import type { FlexjobConfig } from "../config/schema.js";
import { FlexjobError } from "../errors.js";
import { type AwsClients, createClients } from "./clients.js";
import {
  applyLogsResourcePolicy,
  logsResourcePolicies,
  observeLogsResourcePolicy,
  planLogsResourcePolicy,
  runsPolicyDocument,
} from "./logs-resource-policy.js";

const logs = mockClient(CloudWatchLogsClient);
const NAME = "flexjob-events-to-logs";
const document = runsPolicyDocument("123456789012", "eu-west-1");
// Fresh per test, with nothing loaded: each function must load the logs SDK itself.
let clients: AwsClients;

beforeEach(() => {
  logs.reset();
  clients = createClients({ region: "eu-west-1" });
});

describe("observeLogsResourcePolicy", () => {
  it("finds the policy on a later page and parses its document", async () => {
    logs
      .on(DescribeResourcePoliciesCommand, { nextToken: undefined })
      .resolves({ resourcePolicies: [{ policyName: "someone-else", policyDocument: "{}" }], nextToken: "p2" })
      .on(DescribeResourcePoliciesCommand, { nextToken: "p2" })
      .resolves({ resourcePolicies: [{ policyName: NAME, policyDocument: JSON.stringify(document) }] });
    expect(await observeLogsResourcePolicy(clients, NAME)).toEqual({ name: NAME, document });
  });
});

describe("applyLogsResourcePolicy", () => {
  it("puts the document as JSON on create", async () => {
    logs.on(PutResourcePolicyCommand).resolves({});
    await applyLogsResourcePolicy(clients, planLogsResourcePolicy({ name: NAME, document }, undefined));
    expect(logs.commandCalls(PutResourcePolicyCommand).map((call) => call.args[0].input)).toEqual([
      { policyName: NAME, policyDocument: JSON.stringify(document) },
    ]);
  });

  it("names the quota and what to remove when the account has 10 policies already", async () => {
    logs
      .on(PutResourcePolicyCommand)
      .rejects(new LimitExceededException({ message: "limit", $metadata: {} }));
    const step = planLogsResourcePolicy({ name: NAME, document }, undefined);
    const error = await applyLogsResourcePolicy(clients, step).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlexjobError);
    expect((error as FlexjobError).message).toContain("already has 10 resource policies in this Region");
    expect((error as FlexjobError).remedy).toContain("aws logs describe-resource-policies");
  });

  it("deletes the policy", async () => {
    logs.on(DeleteResourcePolicyCommand).resolves({});
    await applyLogsResourcePolicy(clients, {
      kind: "logs-policy",
      id: NAME,
      action: "delete",
      changes: [],
      live: { name: NAME, document },
    });
    expect(logs.commandCalls(DeleteResourcePolicyCommand).map((call) => call.args[0].input)).toEqual([
      { policyName: NAME },
    ]);
  });
});

describe("logsResourcePolicies.owned", () => {
  const config = { app: "shop" } as FlexjobConfig;
  const policies = { resourcePolicies: [{ policyName: NAME, policyDocument: JSON.stringify(document) }] };

  it("keeps the shared policy while another app still records runs", async () => {
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({
        logGroups: [{ logGroupName: "/flexjob/shop/runs" }, { logGroupName: "/flexjob/billing/runs" }],
      })
      .on(DescribeResourcePoliciesCommand)
      .resolves(policies);
    expect(await logsResourcePolicies.owned({ clients, config, job: undefined })).toEqual([]);
    expect(logs.commandCalls(DescribeResourcePoliciesCommand)).toHaveLength(0);
  });

  it("removes it with the last app that records runs", async () => {
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({
        logGroups: [{ logGroupName: "/flexjob/shop/runs" }, { logGroupName: "/flexjob/shop/job" }],
      })
      .on(DescribeResourcePoliciesCommand)
      .resolves(policies);
    expect(await logsResourcePolicies.owned({ clients, config, job: undefined })).toEqual([
      { id: NAME, live: { name: NAME, document } },
    ]);
  });
});
