import { createHash } from "node:crypto";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import {
  CreatePipeCommand,
  type CreatePipeCommandInput,
  DeletePipeCommand,
  DescribePipeCommand,
  ListPipesCommand,
  ListTagsForResourceCommand,
  PipesClient,
  StartPipeCommand,
  StopPipeCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePipeCommand,
} from "@aws-sdk/client-pipes";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { recordEvents, recordedEvents, TRUST_PIPES } from "../../test-support.js";

const ACCOUNT = "123456789012";
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:app-flexjob-missed`;
const BUS = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app-flexjob-pipes`;
const PIPE = `arn:aws:pipes:us-east-1:${ACCOUNT}:pipe/app-flexjob-missed`;
const START = new Date("2030-01-01T00:00:00Z");
let aws: FakeAws;
let pipes: PipesClient;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: START.getTime() } });
  pipes = new PipesClient({ ...aws.clientConfig(), maxAttempts: 1 });
  sqs = new SQSClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  pipes.destroy();
  sqs.destroy();
  await aws.close();
});
beforeEach(async () => {
  aws.reset();
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "app-flexjob-missed" }))).QueueUrl ?? "";
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { name: string; message: string }) => `${error.name}: ${error.message}`,
  );

const PIPE_ACTIONS = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "events:PutEvents",
];

async function role(actions = PIPE_ACTIONS, trust = TRUST_PIPES): Promise<void> {
  const iam = new IAMClient(aws.clientConfig());
  await iam.send(new CreateRoleCommand({ RoleName: "app-flexjob-pipes", AssumeRolePolicyDocument: trust }));
  const statement = [{ Effect: "Allow", Action: actions, Resource: "*" }];
  const document = JSON.stringify({ Version: "2012-10-17", Statement: statement });
  await iam.send(
    new PutRolePolicyCommand({ RoleName: "app-flexjob-pipes", PolicyName: "p", PolicyDocument: document }),
  );
  iam.destroy();
}

const missedPipe = (overrides: Partial<CreatePipeCommandInput> = {}): CreatePipeCommandInput => ({
  Name: "app-flexjob-missed",
  RoleArn: ROLE,
  Source: QUEUE,
  Target: BUS,
  TargetParameters: {
    EventBridgeEventBusParameters: { Source: "flexjob", DetailType: "flexjob Run Missed" },
  },
  Tags: { "flexjob:managed": "true" },
  ...overrides,
});

describe("the Pipes API", () => {
  it("creates, describes (SQS defaults filled), lists, updates, stops, starts and deletes a pipe", async () => {
    const created = await pipes.send(new CreatePipeCommand(missedPipe({ Description: "missed runs" })));
    expect(created).toMatchObject({ Arn: PIPE, CurrentState: "CREATING", DesiredState: "RUNNING" });
    expect(created.CreationTime).toEqual(START);
    const described = await pipes.send(new DescribePipeCommand({ Name: "app-flexjob-missed" }));
    expect(described).toMatchObject({
      Arn: PIPE,
      Name: "app-flexjob-missed",
      Description: "missed runs",
      CurrentState: "RUNNING",
      DesiredState: "RUNNING",
      Source: QUEUE,
      SourceParameters: { SqsQueueParameters: { BatchSize: 10, MaximumBatchingWindowInSeconds: 0 } },
      Target: BUS,
      TargetParameters: {
        EventBridgeEventBusParameters: { Source: "flexjob", DetailType: "flexjob Run Missed" },
      },
      RoleArn: ROLE,
      Tags: { "flexjob:managed": "true" },
    });
    aws.clock.advance(60_000);
    const updated = await pipes.send(
      new UpdatePipeCommand({
        Name: "app-flexjob-missed",
        RoleArn: ROLE,
        TargetParameters: { InputTemplate: '{"body": <$.body>}' },
      }),
    );
    expect([updated.CurrentState, updated.LastModifiedTime]).toEqual([
      "UPDATING",
      new Date(START.getTime() + 60_000),
    ]);
    const after = await pipes.send(new DescribePipeCommand({ Name: "app-flexjob-missed" }));
    expect([after.Description, after.TargetParameters]).toEqual([
      "missed runs",
      {
        InputTemplate: '{"body": <$.body>}',
        EventBridgeEventBusParameters: { Source: "flexjob", DetailType: "flexjob Run Missed" },
      },
    ]);
    expect((await pipes.send(new StopPipeCommand({ Name: "app-flexjob-missed" }))).CurrentState).toBe(
      "STOPPING",
    );
    const listed = await pipes.send(new ListPipesCommand({ DesiredState: "STOPPED" }));
    expect(listed.Pipes?.map((p) => [p.Name, p.CurrentState, p.Source, p.Target])).toEqual([
      ["app-flexjob-missed", "STOPPED", QUEUE, BUS],
    ]);
    expect((await pipes.send(new ListPipesCommand({ NamePrefix: "other" }))).Pipes).toEqual([]);
    expect((await pipes.send(new StartPipeCommand({ Name: "app-flexjob-missed" }))).CurrentState).toBe(
      "STARTING",
    );
    expect((await pipes.send(new DeletePipeCommand({ Name: "app-flexjob-missed" }))).CurrentState).toBe(
      "DELETING",
    );
    expect(await failure(pipes.send(new DescribePipeCommand({ Name: "app-flexjob-missed" })))).toBe(
      "NotFoundException: Pipe app-flexjob-missed does not exist.",
    );
  });

  it("tags and untags a pipe by ARN", async () => {
    await pipes.send(new CreatePipeCommand(missedPipe()));
    await pipes.send(
      new TagResourceCommand({ resourceArn: PIPE, tags: { "flexjob:app": "app", drop: "x" } }),
    );
    await pipes.send(new UntagResourceCommand({ resourceArn: PIPE, tagKeys: ["drop"] }));
    expect((await pipes.send(new ListTagsForResourceCommand({ resourceArn: PIPE }))).tags).toEqual({
      "flexjob:managed": "true",
      "flexjob:app": "app",
    });
    expect(await failure(pipes.send(new ListTagsForResourceCommand({ resourceArn: `${PIPE}-x` })))).toBe(
      "NotFoundException: Pipe app-flexjob-missed-x does not exist.",
    );
  });

  it("lists pipes a page at a time, filtered by the states the API knows", async () => {
    for (const name of ["b", "a", "c"]) await pipes.send(new CreatePipeCommand(missedPipe({ Name: name })));
    const first = await pipes.send(new ListPipesCommand({ Limit: 2 }));
    const rest = await pipes.send(new ListPipesCommand({ Limit: 2, NextToken: first.NextToken }));
    expect([first.Pipes?.map((p) => p.Name), rest.Pipes?.map((p) => p.Name), rest.NextToken]).toEqual([
      ["a", "b"],
      ["c"],
      undefined,
    ]);
    expect(await failure(pipes.send(new ListPipesCommand({ CurrentState: "BROKEN" as never })))).toMatch(
      /^ValidationException: 1 validation error detected: Value 'BROKEN' at 'currentState' failed to satisfy constraint: Member must satisfy enum value set/,
    );
  });

  it("refuses a second pipe of the same name", async () => {
    await pipes.send(new CreatePipeCommand(missedPipe()));
    expect(await failure(pipes.send(new CreatePipeCommand(missedPipe())))).toBe(
      "ConflictException: Pipe app-flexjob-missed already exists.",
    );
  });

  it("validates members as the API reference constrains them", async () => {
    const create = (overrides: Record<string, unknown>) =>
      failure(pipes.send(new CreatePipeCommand(missedPipe(overrides as Partial<CreatePipeCommandInput>))));
    const bus = (parameters: Record<string, unknown>) => ({
      TargetParameters: { EventBridgeEventBusParameters: parameters },
    });
    expect(await create({ Name: "no spaces" })).toMatch(
      /^ValidationException: 1 validation error detected: Value 'no spaces' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    expect(await create({ Name: "x".repeat(65) })).toMatch(
      /Member must have length less than or equal to 64$/,
    );
    expect(await create({ RoleArn: "app-flexjob-pipes" })).toMatch(
      /at 'roleArn' failed to satisfy constraint/,
    );
    expect(await create({ Source: "queue" })).toMatch(/at 'source' failed to satisfy constraint/);
    expect(await create({ DesiredState: "PAUSED" })).toMatch(
      /at 'desiredState' failed to satisfy constraint: Member must satisfy enum value set: \[RUNNING, STOPPED\]$/,
    );
    expect(await create({ SourceParameters: { SqsQueueParameters: { BatchSize: 10001 } } })).toMatch(
      /at 'sourceParameters.sqsQueueParameters.batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000$/,
    );
    expect(
      await create({ SourceParameters: { SqsQueueParameters: { MaximumBatchingWindowInSeconds: 301 } } }),
    ).toMatch(/Member must have value less than or equal to 300$/);
    expect(await create(bus({ Source: "aws.scheduler", DetailType: "x" }))).toMatch(
      /at 'targetParameters.eventBridgeEventBusParameters.source' failed to satisfy constraint/,
    );
    expect(await create(bus({ Source: "flexjob", DetailType: "d".repeat(129) }))).toMatch(
      /Member must have length less than or equal to 128$/,
    );
    expect(await create({ TargetParameters: { InputTemplate: "x".repeat(8193) } })).toMatch(
      /at 'targetParameters.inputTemplate' failed to satisfy constraint: Member must have length less than or equal to 8192$/,
    );
    expect(await create({ Source: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s` })).toBe(
      `ValidationException: fake-aws does not run the source arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s: it runs an SQS queue source and an event bus target only`,
    );
    expect(await create({ Target: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/custom` })).toMatch(
      /^ValidationException: fake-aws does not run a target other than this region's default event bus/,
    );
    expect(await create({ Enrichment: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f` })).toMatch(
      /^ValidationException: fake-aws does not run enrichment/,
    );
    expect((await pipes.send(new ListPipesCommand({}))).Pipes).toEqual([]);
  });
});

async function send(body: string): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: { ERROR_CODE: { DataType: "String", StringValue: "AccessDeniedException" } },
    }),
  );
}

const GROUP = "/flexjob/app/runs";
const MISSED = { source: ["flexjob"], "detail-type": ["flexjob Run Missed"] };
const md5 = (text: string) => createHash("md5").update(text).digest("hex");

describe("delivery", () => {
  beforeEach(() => recordEvents(aws, MISSED, GROUP));

  it("a RUNNING pipe puts one event per message on the bus, the SQS record as its detail, and empties the queue", async () => {
    await role();
    await pipes.send(new CreatePipeCommand(missedPipe()));
    await send('{"containerOverrides":[]}');
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual([]);
    expect(await recordedEvents(aws, GROUP)).toEqual([
      {
        version: "0",
        id: expect.any(String),
        "detail-type": "flexjob Run Missed",
        source: "flexjob",
        account: ACCOUNT,
        time: "2030-01-01T00:00:00Z",
        region: "us-east-1",
        resources: [],
        detail: {
          messageId: expect.any(String),
          receiptHandle: expect.any(String),
          body: '{"containerOverrides":[]}',
          attributes: {
            ApproximateReceiveCount: "1",
            SentTimestamp: String(START.getTime()),
            SenderId: ACCOUNT,
            ApproximateFirstReceiveTimestamp: String(START.getTime()),
          },
          messageAttributes: {
            ERROR_CODE: {
              stringValue: "AccessDeniedException",
              stringListValues: [],
              binaryListValues: [],
              dataType: "String",
            },
          },
          md5OfBody: md5('{"containerOverrides":[]}'),
          md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
          eventSource: "aws:sqs",
          eventSourceARN: QUEUE,
          awsRegion: "us-east-1",
        },
      },
    ]);
    expect(aws.pipes.failures()).toEqual([]);
  });

  it("without bus parameters the event is Pipes' own (source `Pipe <name>`), and an InputTemplate shapes the detail", async () => {
    await role();
    await recordEvents(aws, { source: ["Pipe app-flexjob-missed"] }, "/other");
    await pipes.send(
      new CreatePipeCommand(
        missedPipe({
          TargetParameters: {
            InputTemplate:
              '{"code": "<$.messageAttributes.ERROR_CODE.stringValue>", "run": <$.body.run>, "pipe": "<aws.pipes.pipe-name>"}',
          },
        }),
      ),
    );
    await send('{"run": 7}');
    const [event] = await recordedEvents(aws, "/other");
    expect([event?.["detail-type"], event?.detail]).toEqual([
      "Event from aws:sqs",
      { code: "AccessDeniedException", run: 7, pipe: "app-flexjob-missed" },
    ]);
  });

  it("messages already waiting are delivered when the pipe starts; a STOPPED pipe leaves them", async () => {
    await role();
    await send("early");
    await pipes.send(new CreatePipeCommand(missedPipe({ DesiredState: "STOPPED" })));
    await send("while stopped");
    aws.pipes.drain();
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual(["early", "while stopped"]);
    expect(await recordedEvents(aws, GROUP)).toEqual([]);
    await pipes.send(new StartPipeCommand({ Name: "app-flexjob-missed" }));
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual([]);
    expect((await recordedEvents(aws, GROUP)).map((e) => (e.detail as { body: string }).body)).toEqual([
      "early",
      "while stopped",
    ]);
  });

  it("the event's time is read from the record where EventBridgeEventBusParameters.Time points", async () => {
    await role();
    const Time = "$.body.scheduledTime";
    await pipes.send(
      new CreatePipeCommand(
        missedPipe({
          TargetParameters: {
            EventBridgeEventBusParameters: { Source: "flexjob", DetailType: "flexjob Run Missed", Time },
          },
        }),
      ),
    );
    await send('{"scheduledTime": "2029-12-31T03:00:00Z"}');
    expect((await recordedEvents(aws, GROUP)).map((e) => e.time)).toEqual(["2029-12-31T03:00:00Z"]);
  });

  it("a role refused a queue or bus action leaves the message queued and records why, once", async () => {
    await role(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]);
    await pipes.send(new CreatePipeCommand(missedPipe()));
    await send("kept");
    await send("kept too");
    aws.pipes.drain();
    const reason = `role ${ROLE} is not allowed events:PutEvents on ${BUS}`;
    expect(aws.pipes.failures()).toEqual([
      { pipe: "app-flexjob-missed", reason, at: "2030-01-01T00:00:00.000Z" },
    ]);
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual(["kept", "kept too"]);
    expect((await pipes.send(new DescribePipeCommand({ Name: "app-flexjob-missed" }))).StateReason).toBe(
      reason,
    );
  });

  it("a role that does not trust pipes.amazonaws.com for this pipe delivers nothing", async () => {
    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pipes.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { ArnEquals: { "aws:SourceArn": `${PIPE}-other` } },
        },
      ],
    });
    await role(PIPE_ACTIONS, trust);
    await pipes.send(new CreatePipeCommand(missedPipe()));
    await send("kept");
    expect(aws.pipes.failures().map((f) => f.reason)).toEqual([
      `role ${ROLE} does not trust pipes.amazonaws.com for ${PIPE}`,
    ]);
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual(["kept"]);
  });
});
