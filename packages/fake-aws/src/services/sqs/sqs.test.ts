import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

const ACCOUNT = "123456789012";
const URL = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/app-flexjob-missed`;
let aws: FakeAws;
let sqs: SQSClient;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: Date.parse("2030-01-01T00:00:00Z") } });
  sqs = new SQSClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  sqs.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { name: string; message: string }) => `${error.name}: ${error.message}`,
  );

const create = (Attributes?: Record<string, string>) =>
  sqs.send(new CreateQueueCommand({ QueueName: "app-flexjob-missed", ...(Attributes && { Attributes }) }));

describe("queues", () => {
  it("creates an encrypted 14-day queue idempotently, and reads its attributes", async () => {
    const attributes = { MessageRetentionPeriod: "1209600", SqsManagedSseEnabled: "true" };
    expect((await create(attributes)).QueueUrl).toBe(URL);
    expect((await create(attributes)).QueueUrl).toBe(URL);
    expect(await failure(create({ MessageRetentionPeriod: "60" }))).toMatch(/^QueueNameExists: /);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: "app-flexjob-missed" }))).QueueUrl).toBe(URL);
    const got = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: URL, AttributeNames: ["All"] }));
    expect(got.Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:app-flexjob-missed`,
      MessageRetentionPeriod: "1209600",
      SqsManagedSseEnabled: "true",
      VisibilityTimeout: "30",
      ApproximateNumberOfMessages: "0",
    });
  });

  it("refuses a retention over 14 days, both encryptions at once, and an unknown attribute", async () => {
    expect(await failure(create({ MessageRetentionPeriod: "1209601" }))).toBe(
      "InvalidAttributeValue: Invalid value for the parameter MessageRetentionPeriod: 1209601 is not an integer from 60 to 1209600.",
    );
    expect(await failure(create({ SqsManagedSseEnabled: "true", KmsMasterKeyId: "alias/aws/sqs" }))).toMatch(
      /^InvalidAttributeValue: You can use one type of server-side encryption/,
    );
    expect(await failure(create({ Colour: "blue" }))).toBe("InvalidAttributeName: Unknown Attribute Colour.");
  });

  it("sets attributes (a Policy must be JSON), tags, and deletes", async () => {
    await create();
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: URL, Attributes: { Policy: '{"Statement":[]}' } }),
    );
    expect(
      await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: URL, Attributes: { Policy: "{" } }))),
    ).toBe("InvalidAttributeValue: Invalid value for the parameter Policy: it is not valid JSON.");
    const got = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: URL, AttributeNames: ["Policy"] }));
    expect(got.Attributes).toEqual({ Policy: '{"Statement":[]}' });
    await sqs.send(new TagQueueCommand({ QueueUrl: URL, Tags: { "flexjob:managed": "true", drop: "x" } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: URL, TagKeys: ["drop"] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: URL }))).Tags).toEqual({
      "flexjob:managed": "true",
    });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: URL }));
    expect(await failure(sqs.send(new GetQueueUrlCommand({ QueueName: "app-flexjob-missed" })))).toBe(
      "QueueDoesNotExist: The specified queue does not exist.",
    );
  });
});

describe("messages", () => {
  it("sends, receives (the SDK checks each body's MD5), hides for the visibility timeout, and deletes", async () => {
    await create({ VisibilityTimeout: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: "missed run 1" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: "missed run 2" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: URL, MaxNumberOfMessages: 10 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(["missed run 1", "missed run 2"]);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: URL }))).Messages).toEqual([]);
    aws.clock.advance(60_000);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: URL, MaxNumberOfMessages: 1 }));
    expect(again.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ["missed run 1", "2"],
    ]);
    expect(
      await failure(
        sqs.send(
          new DeleteMessageCommand({ QueueUrl: URL, ReceiptHandle: first.Messages?.[0]?.ReceiptHandle }),
        ),
      ),
    ).toMatch(/^ReceiptHandleIsInvalid: /);
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: URL, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle }),
    );
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual(["missed run 2"]);
  });

  it("drops messages older than the retention period", async () => {
    await create({ MessageRetentionPeriod: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: "old" }));
    aws.clock.advance(30_000);
    await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: "new" }));
    aws.clock.advance(30_000);
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual(["new"]);
  });
});

describe("messages from other services", () => {
  it("a service acting on its role (Scheduler's dead-letter queue) sends without a queue policy", async () => {
    await create();
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:app-flexjob-missed`;
    expect(aws.world.sendToQueue?.({ queueArn, body: "missed" })).toBeUndefined();
    expect(aws.world.sendToQueue?.({ queueArn: `${queueArn}-x`, body: "lost" })).toBe(
      `queue ${queueArn}-x does not exist`,
    );
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual(["missed"]);
  });

  it("a service principal needs the queue policy to allow it sqs:SendMessage from its source", async () => {
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:app-flexjob-missed`;
    const ruleArn = `arn:aws:events:us-east-1:${ACCOUNT}:rule/runs`;
    const policy = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queueArn,
          Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
        },
      ],
    };
    await create({ Policy: JSON.stringify(policy) });
    const send = (sourceArn: string) =>
      aws.world.sendToQueue?.({ queueArn, body: sourceArn, principal: "events.amazonaws.com", sourceArn });
    expect(send(ruleArn)).toBeUndefined();
    expect(send(`${ruleArn}-other`)).toBe(
      `the policy of queue ${queueArn} does not allow events.amazonaws.com sqs:SendMessage`,
    );
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual([ruleArn]);
  });
});
