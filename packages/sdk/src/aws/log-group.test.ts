import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { type AwsClients, createClients } from "./clients.js";
import {
  applyLogGroup,
  type LogGroupSpec,
  type LogGroupStep,
  listOwnedLogGroups,
  observeLogGroup,
  planLogGroup,
} from "./log-group.js";

const logs = mockClient(CloudWatchLogsClient);
// Fresh per test, with nothing loaded: each function must load the logs SDK itself.
let clients: AwsClients;
const spec: LogGroupSpec = {
  name: "/flexjob/app/job",
  retentionDays: 30,
  tags: { "flexjob:managed": "true" },
};

beforeEach(() => {
  logs.reset();
  clients = createClients({ region: "eu-west-1" });
});

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

  it("deletes the group, and a group already gone is fine", async () => {
    logs
      .on(DeleteLogGroupCommand)
      .resolvesOnce({})
      .rejects(new ResourceNotFoundException({ message: "gone", $metadata: {} }));
    const step: LogGroupStep = {
      kind: "log-group",
      id: spec.name,
      action: "delete",
      changes: [],
      live: { name: spec.name, retentionDays: 30 },
    };
    await applyLogGroup(clients, step);
    await applyLogGroup(clients, step);
    expect(logs.commandCalls(DeleteLogGroupCommand).map((call) => call.args[0].input)).toEqual([
      { logGroupName: spec.name },
      { logGroupName: spec.name },
    ]);
  });

  it("sends nothing for a no-op step", async () => {
    await applyLogGroup(clients, planLogGroup(spec, { name: spec.name, retentionDays: 30 }, "job"));
    expect(logs.calls()).toHaveLength(0);
  });
});

describe("listOwnedLogGroups", () => {
  it("lists every page and keeps only the groups tagged for the app", async () => {
    const group = (name: string) => ({
      logGroupName: name,
      logGroupArn: `arn:aws:logs:eu-west-1:1:log-group:${name}`,
    });
    logs
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: "/flexjob/app/", nextToken: undefined })
      .resolves({
        logGroups: [group("/flexjob/app/job"), group("/flexjob/app/handmade")],
        nextToken: "page-2",
      })
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: "/flexjob/app/", nextToken: "page-2" })
      .resolves({ logGroups: [group("/flexjob/app/runs")] })
      .on(ListTagsForResourceCommand)
      .callsFake(({ resourceArn }: { resourceArn: string }) => ({
        tags: resourceArn.endsWith("handmade") ? {} : { "flexjob:managed": "true", "flexjob:app": "app" },
      }));
    expect(await listOwnedLogGroups(clients, "/flexjob/app/", "app")).toEqual([
      "/flexjob/app/job",
      "/flexjob/app/runs",
    ]);
    expect(logs.commandCalls(ListTagsForResourceCommand)).toHaveLength(3);
  });
});
