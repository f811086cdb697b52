import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UpdateConnectionCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

const START = Date.parse("2030-01-01T00:00:00Z");
const ACCOUNT = "123456789012";
let aws: FakeAws;
let events: EventBridgeClient;
let logs: CloudWatchLogsClient;
let sns: SNSClient;
let sqs: SQSClient;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: START } });
  events = new EventBridgeClient({ ...aws.clientConfig(), maxAttempts: 1 });
  logs = new CloudWatchLogsClient({ ...aws.clientConfig(), maxAttempts: 1 });
  sns = new SNSClient({ ...aws.clientConfig(), maxAttempts: 1 });
  sqs = new SQSClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  for (const client of [events, logs, sns, sqs]) client.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { name: string; message: string }) => `${error.name}: ${error.message}`,
  );

const STOPPED_TASKS = JSON.stringify({ source: ["aws.ecs"], detail: { lastStatus: ["STOPPED"] } });

function taskStopped(exitCode: number) {
  return {
    source: "aws.ecs",
    detailType: "ECS Task State Change",
    detail: { lastStatus: "STOPPED", group: "family:report", containers: [{ name: "job", exitCode }] },
    resources: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/jobs/abc`],
    region: "us-east-1",
  };
}

describe("rules", () => {
  it("creates, describes, lists by prefix and updates a rule on the default bus", async () => {
    const { RuleArn } = await events.send(
      new PutRuleCommand({
        Name: "app-runs",
        EventPattern: STOPPED_TASKS,
        Tags: [{ Key: "flexjob:managed", Value: "true" }],
      }),
    );
    expect(RuleArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/app-runs`);
    await events.send(new PutRuleCommand({ Name: "other", EventPattern: STOPPED_TASKS }));
    await events.send(
      new PutRuleCommand({ Name: "app-runs", EventPattern: STOPPED_TASKS, State: "DISABLED" }),
    );
    const rule = await events.send(new DescribeRuleCommand({ Name: "app-runs" }));
    expect([rule.Arn, rule.EventPattern, rule.State, rule.EventBusName]).toEqual([
      RuleArn,
      STOPPED_TASKS,
      "DISABLED",
      "default",
    ]);
    const listed = await events.send(new ListRulesCommand({ NamePrefix: "app-" }));
    expect(listed.Rules?.map((r) => r.Name)).toEqual(["app-runs"]);
    const tags = await events.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }));
    expect(tags.Tags).toEqual([{ Key: "flexjob:managed", Value: "true" }]);
  });

  it("refuses a bad name, a bad pattern, a rule with neither pattern nor schedule, and another bus", async () => {
    expect(
      await failure(events.send(new PutRuleCommand({ Name: "bad name", EventPattern: STOPPED_TASKS }))),
    ).toMatch(/^ValidationException: .*'name'.*\[\\.\\-_A-Za-z0-9\]\+/);
    expect(
      await failure(events.send(new PutRuleCommand({ Name: "r", EventPattern: '{"source":"aws.ecs"}' }))),
    ).toBe(
      'InvalidEventPatternException: Event pattern is not valid. Reason: Match value for "source" must be a non-empty array',
    );
    expect(await failure(events.send(new PutRuleCommand({ Name: "r" })))).toBe(
      "ValidationException: Parameter(s) EventPattern or ScheduleExpression must be specified.",
    );
    expect(
      await failure(
        events.send(new PutRuleCommand({ Name: "r", EventPattern: STOPPED_TASKS, EventBusName: "custom" })),
      ),
    ).toBe("ResourceNotFoundException: Event bus custom does not exist.");
  });

  it("refuses to delete a rule while it has targets, as AWS does", async () => {
    await events.send(new PutRuleCommand({ Name: "r", EventPattern: STOPPED_TASKS }));
    await events.send(
      new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "q", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q` }] }),
    );
    expect(await failure(events.send(new DeleteRuleCommand({ Name: "r" })))).toBe(
      "ValidationException: Rule can't be deleted since it has targets.",
    );
    await events.send(new RemoveTargetsCommand({ Rule: "r", Ids: ["q"] }));
    await events.send(new DeleteRuleCommand({ Name: "r" }));
    expect(await failure(events.send(new DescribeRuleCommand({ Name: "r" })))).toBe(
      "ResourceNotFoundException: Rule r does not exist on EventBus default.",
    );
  });

  it("lists by name the rules that target an ARN, a page at a time, and none for an ARN no rule targets", async () => {
    const queue = `arn:aws:sqs:us-east-1:${ACCOUNT}:q`;
    for (const name of ["c", "a", "b"]) {
      await events.send(new PutRuleCommand({ Name: name, ScheduleExpression: "rate(1 hour)" }));
      await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "q", Arn: queue }] }));
    }
    await events.send(new PutRuleCommand({ Name: "other", ScheduleExpression: "rate(1 hour)" }));
    await events.send(
      new PutTargetsCommand({ Rule: "other", Targets: [{ Id: "q", Arn: `${queue}-other` }] }),
    );
    const first = await events.send(new ListRuleNamesByTargetCommand({ TargetArn: queue, Limit: 2 }));
    expect(first.RuleNames).toEqual(["a", "b"]);
    const second = await events.send(
      new ListRuleNamesByTargetCommand({ TargetArn: queue, Limit: 2, NextToken: first.NextToken }),
    );
    expect([second.RuleNames, second.NextToken]).toEqual([["c"], undefined]);
    const none = await events.send(new ListRuleNamesByTargetCommand({ TargetArn: `${queue}-none` }));
    expect([none.RuleNames, none.NextToken]).toEqual([[], undefined]);
    expect(
      await failure(events.send(new ListRuleNamesByTargetCommand({ TargetArn: queue, Limit: 101 }))),
    ).toMatch(/^ValidationException: /);
  });

  it("keeps at most 5 targets per rule", async () => {
    await events.send(new PutRuleCommand({ Name: "r", EventPattern: STOPPED_TASKS }));
    const target = (i: number) => ({ Id: `t${i}`, Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q${i}` });
    await events.send(new PutTargetsCommand({ Rule: "r", Targets: [1, 2, 3, 4, 5].map(target) }));
    expect(await failure(events.send(new PutTargetsCommand({ Rule: "r", Targets: [target(6)] })))).toMatch(
      /^LimitExceededException: .*at most 5 targets/,
    );
    await events.send(
      new PutTargetsCommand({
        Rule: "r",
        Targets: [{ ...target(5), Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:new` }],
      }),
    );
    const listed = await events.send(new ListTargetsByRuleCommand({ Rule: "r" }));
    expect(listed.Targets?.map((t) => t.Arn?.split(":").pop())).toEqual(["q1", "q2", "q3", "q4", "new"]);
  });

  it("reads targets back with their input transformer, role and dead-letter queue", async () => {
    await events.send(new PutRuleCommand({ Name: "r", EventPattern: STOPPED_TASKS }));
    const target = {
      Id: "hook",
      Arn: `arn:aws:events:us-east-1:${ACCOUNT}:api-destination/hook/x`,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/invoke`,
      InputTransformer: {
        InputPathsMap: { code: "$.detail.containers[0].exitCode" },
        InputTemplate: '{"code": <code>}',
      },
      DeadLetterConfig: { Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq` },
    };
    await events.send(new PutTargetsCommand({ Rule: "r", Targets: [target] }));
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: "r" }))).Targets).toEqual([target]);
  });

  it("refuses Input together with an InputTransformer, a path map key AWS does not allow, and a non-SQS dead-letter queue", async () => {
    await events.send(new PutRuleCommand({ Name: "r", EventPattern: STOPPED_TASKS }));
    const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:q`;
    const put = (target: object) =>
      failure(events.send(new PutTargetsCommand({ Rule: "r", Targets: [{ Id: "t", Arn: arn, ...target }] })));
    expect(await put({ Input: "{}", InputTransformer: { InputTemplate: "{}" } })).toBe(
      "ValidationException: Target t: only one of Input, InputPath and InputTransformer may be given.",
    );
    expect(
      await put({ InputTransformer: { InputPathsMap: { "a b": "$.x" }, InputTemplate: "<a b>" } }),
    ).toMatch(/^ValidationException: InputPathsMap entry a b/);
    expect(await put({ DeadLetterConfig: { Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t` } })).toMatch(
      /^ValidationException: Target t: DeadLetterConfig Arn .* is not an SQS queue ARN\.$/,
    );
  });

  it("tags a rule", async () => {
    const { RuleArn } = await events.send(new PutRuleCommand({ Name: "r", EventPattern: STOPPED_TASKS }));
    await events.send(new TagResourceCommand({ ResourceARN: RuleArn, Tags: [{ Key: "a", Value: "1" }] }));
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags).toEqual([
      { Key: "a", Value: "1" },
    ]);
  });
});

describe("connections and API destinations", () => {
  it("keeps the API key in the connection's secret: Describe shows its name, never its value", async () => {
    const created = await events.send(
      new CreateConnectionCommand({
        Name: "slack",
        AuthorizationType: "API_KEY",
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "X-Hook-Key", ApiKeyValue: "s3cr3t" } },
      }),
    );
    expect(created.ConnectionState).toBe("AUTHORIZED");
    expect(created.ConnectionArn).toMatch(
      new RegExp(`^arn:aws:events:us-east-1:${ACCOUNT}:connection/slack/`),
    );
    const described = await events.send(new DescribeConnectionCommand({ Name: "slack" }));
    expect(described.AuthParameters).toEqual({ ApiKeyAuthParameters: { ApiKeyName: "X-Hook-Key" } });
    expect(described.SecretArn).toMatch(
      new RegExp(`^arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:events!connection/slack/`),
    );
    expect(JSON.stringify(described)).not.toContain("s3cr3t");
    await events.send(
      new UpdateConnectionCommand({
        Name: "slack",
        AuthorizationType: "BASIC",
        AuthParameters: { BasicAuthParameters: { Username: "u", Password: "p" } },
      }),
    );
    expect((await events.send(new DescribeConnectionCommand({ Name: "slack" }))).AuthParameters).toEqual({
      BasicAuthParameters: { Username: "u" },
    });
  });

  it("refuses an API destination on a missing connection or a plain-HTTP public endpoint", async () => {
    expect(
      await failure(
        events.send(
          new CreateApiDestinationCommand({
            Name: "hook",
            ConnectionArn: `arn:aws:events:us-east-1:${ACCOUNT}:connection/none/x`,
            InvocationEndpoint: "https://hooks.example.com/x",
            HttpMethod: "POST",
          }),
        ),
      ),
    ).toBe(
      "ResourceNotFoundException: Failed to describe the connection(s). Connection 'none' does not exist.",
    );
    const { ConnectionArn } = await events.send(
      new CreateConnectionCommand({
        Name: "c",
        AuthorizationType: "BASIC",
        AuthParameters: { BasicAuthParameters: { Username: "u", Password: "p" } },
      }),
    );
    expect(
      await failure(
        events.send(
          new CreateApiDestinationCommand({
            Name: "hook",
            ConnectionArn,
            InvocationEndpoint: "http://hooks.example.com/x",
            HttpMethod: "POST",
          }),
        ),
      ),
    ).toBe(
      "ValidationException: InvocationEndpoint http://hooks.example.com/x is not valid: it must be an HTTPS URL.",
    );
    await events.send(
      new CreateApiDestinationCommand({
        Name: "hook",
        ConnectionArn,
        InvocationEndpoint: "https://hooks.example.com/x",
        HttpMethod: "POST",
      }),
    );
    const described = await events.send(new DescribeApiDestinationCommand({ Name: "hook" }));
    expect([described.ConnectionArn, described.InvocationEndpoint, described.ApiDestinationState]).toEqual([
      ConnectionArn,
      "https://hooks.example.com/x",
      "ACTIVE",
    ]);
  });
});

const LOGS_POLICY = (resource: string, actions = ["logs:CreateLogStream", "logs:PutLogEvents"]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: actions,
        Resource: resource,
      },
    ],
  });

async function ruleTo(target: {
  Id: string;
  Arn: string;
  RoleArn?: string;
  InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
}) {
  await events.send(new PutRuleCommand({ Name: "runs", EventPattern: STOPPED_TASKS }));
  await events.send(new PutTargetsCommand({ Rule: "runs", Targets: [target] }));
}

describe("delivery", () => {
  const group = "/flexjob/app/runs";
  const groupArn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}`;

  async function logMessages(): Promise<string[]> {
    const streams =
      (await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
    const out: string[] = [];
    for (const s of streams) {
      const got = await logs.send(
        new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName }),
      );
      out.push(...(got.events ?? []).map((e) => e.message ?? ""));
    }
    return out;
  }

  it("writes the full event into a log group its resource policy opens to EventBridge", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(
      new PutResourcePolicyCommand({
        policyName: "flexjob-events",
        policyDocument: LOGS_POLICY(`${groupArn}:*`),
      }),
    );
    await ruleTo({ Id: "log", Arn: groupArn });
    aws.world.publishEvent?.(taskStopped(3));
    aws.world.publishEvent?.({ ...taskStopped(0), source: "aws.states" });
    const messages = (await logMessages()).map((m) => JSON.parse(m) as Record<string, unknown>);
    expect(messages).toEqual([
      {
        version: "0",
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        "detail-type": "ECS Task State Change",
        source: "aws.ecs",
        account: ACCOUNT,
        time: "2030-01-01T00:00:00Z",
        region: "us-east-1",
        resources: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/jobs/abc`],
        detail: taskStopped(3).detail,
      },
    ]);
    expect(aws.events.failures()).toEqual([]);
  });

  it("holds a policy's conditions on the rule: aws:SourceArn and aws:SourceAccount", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const policy = (ruleName: string) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/flexjob/*:*`,
            Condition: {
              StringEquals: { "aws:SourceAccount": ACCOUNT },
              ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT}:rule/${ruleName}` },
            },
          },
        ],
      });
    await logs.send(
      new PutResourcePolicyCommand({ policyName: "flexjob", policyDocument: policy("other-*") }),
    );
    await ruleTo({ Id: "log", Arn: groupArn });
    aws.world.publishEvent?.(taskStopped(1));
    expect(await logMessages()).toEqual([]);
    await logs.send(new PutResourcePolicyCommand({ policyName: "flexjob", policyDocument: policy("run*") }));
    aws.world.publishEvent?.(taskStopped(2));
    expect((await logMessages()).map((m) => JSON.parse(m).detail.containers[0].exitCode)).toEqual([2]);
  });

  it("records a failure when no resource policy allows both CreateLogStream and PutLogEvents", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(
      new PutResourcePolicyCommand({
        policyName: "half",
        policyDocument: LOGS_POLICY(`${groupArn}:*`, ["logs:PutLogEvents"]),
      }),
    );
    await ruleTo({ Id: "log", Arn: groupArn });
    aws.world.publishEvent?.(taskStopped(3));
    expect(await logMessages()).toEqual([]);
    expect(aws.events.failures()).toEqual([
      {
        rule: "runs",
        targetId: "log",
        targetArn: groupArn,
        eventId: expect.any(String),
        reason: `no resource policy allows events.amazonaws.com logs:CreateLogStream on ${groupArn}`,
      },
    ]);
  });

  it("publishes to an SNS topic only when the topic policy lets EventBridge publish", async () => {
    const { TopicArn = "" } = await sns.send(new CreateTopicCommand({ Name: "app-flexjob-alerts" }));
    await ruleTo({ Id: "alerts", Arn: TopicArn });
    aws.world.publishEvent?.(taskStopped(1));
    expect(aws.sns.published()).toEqual([]);
    expect(aws.events.failures().map((f) => f.reason)).toEqual([
      `the policy of topic ${TopicArn} does not allow events.amazonaws.com sns:Publish`,
    ]);
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sns:Publish",
          Resource: TopicArn,
        },
      ],
    };
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn,
        AttributeName: "Policy",
        AttributeValue: JSON.stringify(policy),
      }),
    );
    aws.world.publishEvent?.(taskStopped(1));
    expect(
      aws.sns.published().map((m) => [m.topicArn, m.publishedBy, JSON.parse(m.message).detail.containers]),
    ).toEqual([[TopicArn, "events.amazonaws.com", [{ name: "job", exitCode: 1 }]]]);
  });

  it("sends to an SQS queue whose policy allows it, with the input transformer applied", async () => {
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:runs`;
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queueArn,
          Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT}:rule/runs` } },
        },
      ],
    };
    await sqs.send(
      new CreateQueueCommand({ QueueName: "runs", Attributes: { Policy: JSON.stringify(policy) } }),
    );
    await ruleTo({
      Id: "q",
      Arn: queueArn,
      InputTransformer: {
        InputPathsMap: {
          code: "$.detail.containers[0].exitCode",
          group: "$.detail.group",
          missing: "$.detail.nothing",
        },
        InputTemplate:
          '{"text": "<group> exited <code>", "code": <code>, "rule": "<aws.events.rule-name>", "m": <missing>}',
      },
    });
    aws.world.publishEvent?.(taskStopped(3));
    expect(aws.sqs.messages("runs").map((m) => JSON.parse(m))).toEqual([
      { text: "family:report exited 3", code: 3, rule: "runs", m: null },
    ]);
  });

  it("a failed delivery goes to the target's dead-letter queue", async () => {
    const dlqArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`;
    const policy = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: dlqArn,
        },
      ],
    };
    await sqs.send(
      new CreateQueueCommand({ QueueName: "dlq", Attributes: { Policy: JSON.stringify(policy) } }),
    );
    await events.send(new PutRuleCommand({ Name: "runs", EventPattern: STOPPED_TASKS }));
    await events.send(
      new PutTargetsCommand({
        Rule: "runs",
        Targets: [
          { Id: "gone", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:gone`, DeadLetterConfig: { Arn: dlqArn } },
        ],
      }),
    );
    aws.world.publishEvent?.(taskStopped(2));
    expect(aws.sqs.messages("dlq").map((m) => JSON.parse(m).detail.containers[0].exitCode)).toEqual([2]);
  });
});

describe("API destination delivery", () => {
  let receiver: Server;
  let received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
  let status = 200;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => {
        received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  beforeEach(() => {
    received = [];
    status = 200;
  });

  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/invoke-hook`;

  /** The role EventBridge invokes the destination as, allowed to invoke `allowed`. */
  async function invokeRole(allowed: string) {
    const iam = new IAMClient({ ...aws.clientConfig(), maxAttempts: 1 });
    const trust = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    };
    await iam.send(
      new CreateRoleCommand({ RoleName: "invoke-hook", AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "events:InvokeApiDestination", Resource: allowed }],
    };
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "invoke-hook",
        PolicyName: "invoke",
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    iam.destroy();
  }

  /** `role`: a role allowed to invoke this destination, one allowed another, or none at all. */
  async function webhook(auth: "API_KEY" | "BASIC", role: "allowed" | "other" | "none" = "allowed") {
    const destination = role === "other" ? "other" : "hook";
    await invokeRole(`arn:aws:events:us-east-1:${ACCOUNT}:api-destination/${destination}/*`);
    const { ConnectionArn } = await events.send(
      new CreateConnectionCommand({
        Name: "hook",
        AuthorizationType: auth,
        AuthParameters:
          auth === "API_KEY"
            ? { ApiKeyAuthParameters: { ApiKeyName: "X-Api-Key", ApiKeyValue: "k3y" } }
            : { BasicAuthParameters: { Username: "ops", Password: "pw" } },
      }),
    );
    const port = (receiver.address() as AddressInfo).port;
    const { ApiDestinationArn = "" } = await events.send(
      new CreateApiDestinationCommand({
        Name: "hook",
        ConnectionArn,
        InvocationEndpoint: `http://127.0.0.1:${port}/slack`,
        HttpMethod: "POST",
      }),
    );
    await ruleTo({
      Id: "hook",
      Arn: ApiDestinationArn,
      ...(role !== "none" && { RoleArn: ROLE_ARN }),
      InputTransformer: {
        InputPathsMap: { code: "$.detail.containers[0].exitCode" },
        InputTemplate: '{"text": "report failed: exit <code>"}',
      },
    });
    return ApiDestinationArn;
  }

  it("POSTs the transformed input with the connection's API key header to a loopback receiver", async () => {
    await webhook("API_KEY");
    aws.world.publishEvent?.(taskStopped(3));
    await aws.events.settle();
    expect(
      received.map((r) => [r.method, r.url, r.headers["x-api-key"], r.headers["content-type"], r.body]),
    ).toEqual([
      ["POST", "/slack", "k3y", "application/json; charset=utf-8", '{"text": "report failed: exit 3"}'],
    ]);
    expect(aws.events.failures()).toEqual([]);
  });

  it("sends basic auth, and records an endpoint's error answer as a failed delivery", async () => {
    await webhook("BASIC");
    status = 500;
    aws.world.publishEvent?.(taskStopped(3));
    await aws.events.settle();
    expect(received.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from("ops:pw").toString("base64")}`,
    ]);
    const port = (receiver.address() as AddressInfo).port;
    expect(aws.events.failures().map((f) => f.reason)).toEqual([
      `http://127.0.0.1:${port}/slack answered HTTP 500`,
    ]);
  });

  it("invokes only as a role that trusts EventBridge and may InvokeApiDestination", async () => {
    await webhook("API_KEY", "none");
    aws.world.publishEvent?.(taskStopped(3));
    await aws.events.settle();
    expect(received).toEqual([]);
    expect(aws.events.failures().map((f) => f.reason)).toEqual([
      "target hook has no RoleArn: API destinations are invoked with a role",
    ]);
  });

  it("records a failure when the role may not invoke that destination", async () => {
    const destinationArn = await webhook("API_KEY", "other");
    aws.world.publishEvent?.(taskStopped(3));
    await aws.events.settle();
    expect(received).toEqual([]);
    expect(aws.events.failures().map((f) => f.reason)).toEqual([
      `role ${ROLE_ARN} is not allowed events:InvokeApiDestination on ${destinationArn}`,
    ]);
  });
});

describe("state machine targets", () => {
  const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:run-metrics`;
  const START_ROLE = `arn:aws:iam::${ACCOUNT}:role/start-metrics`;
  const RULE_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:rule/runs`;

  /** The machine's own role, and the one EventBridge starts it as: trusted only for the rule `runs` of this or another account. */
  async function roles(startTrust: "events" | "other-account", allowed: string) {
    const iam = new IAMClient({ ...aws.clientConfig(), maxAttempts: 1 });
    const trust = (service: string, condition?: Record<string, unknown>) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            ...(condition !== undefined && { Condition: condition }),
          },
        ],
      });
    await iam.send(
      new CreateRoleCommand({ RoleName: "metrics", AssumeRolePolicyDocument: trust("states.amazonaws.com") }),
    );
    const account = startTrust === "events" ? ACCOUNT : "210987654321";
    await iam.send(
      new CreateRoleCommand({
        RoleName: "start-metrics",
        AssumeRolePolicyDocument: trust("events.amazonaws.com", {
          StringEquals: { "aws:SourceAccount": account },
          ArnEquals: { "aws:SourceArn": RULE_ARN.replace(ACCOUNT, account) },
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "start-metrics",
        PolicyName: "start",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "states:StartExecution", Resource: allowed }],
        }),
      }),
    );
    iam.destroy();
  }

  /** An EXPRESS JSONata machine that reads the run off the event EventBridge starts it with. */
  async function metricsMachine() {
    const sfn = new SFNClient({ ...aws.clientConfig(), maxAttempts: 1 });
    await sfn.send(
      new CreateStateMachineCommand({
        name: "run-metrics",
        type: "EXPRESS",
        roleArn: `arn:aws:iam::${ACCOUNT}:role/metrics`,
        definition: JSON.stringify({
          QueryLanguage: "JSONata",
          StartAt: "Read",
          States: {
            Read: {
              Type: "Pass",
              Output:
                "{% {'rule': $states.input.resources[0], 'exitCode': $states.input.detail.containers[0].exitCode, 'eventTime': $states.input.time} %}",
              End: true,
            },
          },
        }),
      }),
    );
    sfn.destroy();
  }

  function executions(): Record<string, unknown>[] {
    return (aws.snapshot().services.states as { executions: Record<string, unknown>[] }).executions;
  }

  it("starts the state machine as the target's role with the event as the execution's input", async () => {
    await roles("events", MACHINE);
    await metricsMachine();
    await ruleTo({ Id: "metrics", Arn: MACHINE, RoleArn: START_ROLE });
    aws.world.publishEvent?.(taskStopped(3));
    expect(aws.events.failures()).toEqual([]);
    const [execution, ...others] = executions();
    expect(others).toEqual([]);
    const input = JSON.parse(String(execution?.input));
    expect(input).toEqual({
      version: "0",
      id: input.id,
      "detail-type": "ECS Task State Change",
      source: "aws.ecs",
      account: ACCOUNT,
      time: "2030-01-01T00:00:00Z",
      region: "us-east-1",
      resources: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/jobs/abc`],
      detail: { lastStatus: "STOPPED", group: "family:report", containers: [{ name: "job", exitCode: 3 }] },
    });
    expect(execution).toMatchObject({
      arn: expect.stringMatching(/^arn:aws:states:us-east-1:123456789012:express:run-metrics:/),
      status: "SUCCEEDED",
      output: JSON.stringify({
        rule: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/jobs/abc`,
        exitCode: 3,
        eventTime: "2030-01-01T00:00:00Z",
      }),
    });
  });

  it("PutTargets requires a RoleArn for a state machine target", async () => {
    await events.send(new PutRuleCommand({ Name: "runs", EventPattern: STOPPED_TASKS }));
    expect(
      await failure(
        events.send(new PutTargetsCommand({ Rule: "runs", Targets: [{ Id: "metrics", Arn: MACHINE }] })),
      ),
    ).toBe(`ValidationException: RoleArn is required for target ${MACHINE}.`);
  });

  it("records a failure, and starts nothing, when the role may not StartExecution on the machine", async () => {
    await roles("events", `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:other`);
    await metricsMachine();
    await ruleTo({ Id: "metrics", Arn: MACHINE, RoleArn: START_ROLE });
    aws.world.publishEvent?.(taskStopped(3));
    expect(executions()).toEqual([]);
    expect(aws.events.failures()).toEqual([
      {
        rule: "runs",
        targetId: "metrics",
        targetArn: MACHINE,
        eventId: expect.any(String),
        reason: `role ${START_ROLE} is not allowed states:StartExecution on ${MACHINE}`,
      },
    ]);
  });

  it("records a failure when the role trusts EventBridge only for another account's rules", async () => {
    await roles("other-account", MACHINE);
    await metricsMachine();
    await ruleTo({ Id: "metrics", Arn: MACHINE, RoleArn: START_ROLE });
    aws.world.publishEvent?.(taskStopped(3));
    expect(executions()).toEqual([]);
    expect(aws.events.failures().map((f) => f.reason)).toEqual([
      `role ${START_ROLE} does not trust events.amazonaws.com`,
    ]);
  });

  it("records Step Functions' refusal when the machine does not exist", async () => {
    await roles("events", MACHINE);
    await ruleTo({ Id: "metrics", Arn: MACHINE, RoleArn: START_ROLE });
    aws.world.publishEvent?.(taskStopped(3));
    expect(aws.events.failures().map((f) => f.reason)).toEqual([
      `Step Functions refused StartExecution: StateMachineDoesNotExist: State Machine Does Not Exist: '${MACHINE}'`,
    ]);
  });
});
