import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createClients } from "./clients.js";
import { applyLogGroup, type LogGroupSpec, observeLogGroup, planLogGroup } from "./log-group.js";

const logs = mockClient(CloudWatchLogsClient);
const clients = createClients({ region: "eu-west-1" });
const spec: LogGroupSpec = {
  name: "/flexjob/app/job",
  retentionDays: 30,
  tags: { "flexjob:managed": "true" },
};

beforeEach(() => logs.reset());

describe("planLogGroup", () => {
  it("creates a missing log group", () => {
    expect(planLogGroup(spec, undefined, "job")).toEqual({
      kind: "log-group",
      id: "/flexjob/app/job",
      job: "job",
      action: "create",
      changes: [{ path: "retentionDays", after: 30 }],
      desired: spec,
    });
  });

  it("updates only the retention when it differs", () => {
    const live = { name: spec.name, retentionDays: 7 };
    expect(planLogGroup(spec, live, "job")).toMatchObject({
      action: "update",
      changes: [{ path: "retentionDays", before: 7, after: 30 }],
    });
  });

  it("leaves a matching log group alone", () => {
    expect(planLogGroup(spec, { name: spec.name, retentionDays: 30 }, "job")).toMatchObject({
      action: "noop",
      changes: [],
    });
  });
});

describe("observeLogGroup", () => {
  it("finds the exact name among prefix matches", async () => {
    logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        { logGroupName: "/flexjob/app/job-two", retentionInDays: 1 },
        { logGroupName: "/flexjob/app/job", retentionInDays: 14 },
      ],
    });
    expect(await observeLogGroup(clients, "/flexjob/app/job")).toEqual({
      name: "/flexjob/app/job",
      retentionDays: 14,
    });
  });

  it("reports a missing log group as undefined", async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    expect(await observeLogGroup(clients, "/flexjob/app/job")).toBeUndefined();
  });
});

describe("applyLogGroup", () => {
  it("creates with tags, then sets the retention", async () => {
    logs.on(CreateLogGroupCommand).resolves({}).on(PutRetentionPolicyCommand).resolves({});
    await applyLogGroup(clients, planLogGroup(spec, undefined, "job"));
    expect(logs.commandCalls(CreateLogGroupCommand)[0]?.args[0].input).toEqual({
      logGroupName: "/flexjob/app/job",
      tags: { "flexjob:managed": "true" },
    });
    expect(logs.commandCalls(PutRetentionPolicyCommand)[0]?.args[0].input).toEqual({
      logGroupName: "/flexjob/app/job",
      retentionInDays: 30,
    });
  });

  it("converges when another deploy created the group first", async () => {
    logs
      .on(CreateLogGroupCommand)
      .rejects(new ResourceAlreadyExistsException({ message: "exists", $metadata: {} }))
      .on(PutRetentionPolicyCommand)
      .resolves({});
    await applyLogGroup(clients, planLogGroup(spec, undefined, "job"));
    expect(logs.commandCalls(PutRetentionPolicyCommand)).toHaveLength(1);
  });

  it("sends nothing for a no-op step", async () => {
    await applyLogGroup(clients, planLogGroup(spec, { name: spec.name, retentionDays: 30 }, "job"));
    expect(logs.calls()).toHaveLength(0);
  });
});
