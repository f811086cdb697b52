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

describe("message attributes", () => {
  const attributes = {
    ERROR_CODE: { DataType: "String", StringValue: "AccessDeniedException" },
    "retry.attempts": { DataType: "Number", StringValue: "185" },
    "retry.raw": { DataType: "Binary.gz", BinaryValue: Uint8Array.from([0, 255, 7]) },
  };

  it("come back from ReceiveMessage as asked: All, a name, a prefix, or none (the SDK checks each MD5)", async () => {
    await create();
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: URL, MessageBody: "missed", MessageAttributes: attributes }),
    );
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const receive = async (names?: string[]) => {
      const got = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: URL,
          VisibilityTimeout: 0,
          ...(names && { MessageAttributeNames: names }),
        }),
      );
      return got.Messages?.[0]?.MessageAttributes;
    };
    expect(await receive(["All"])).toEqual(attributes);
    expect(await receive([".*"])).toEqual(attributes);
    expect(await receive(["ERROR_CODE", "MISSING"])).toEqual({ ERROR_CODE: attributes.ERROR_CODE });
    expect(Object.keys((await receive(["retry.*"])) ?? {})).toEqual(["retry.attempts", "retry.raw"]);
    expect(await receive()).toBeUndefined();
  });

  it("are digested as SQS digests them (the vector moto pins as AWS's answer)", async () => {
    await create();
    const MessageAttributes = { timestamp: { DataType: "Number", StringValue: "1493147359900" } };
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl: URL, MessageBody: "derp", MessageAttributes }),
    );
    expect([sent.MD5OfMessageBody, sent.MD5OfMessageAttributes]).toEqual([
      "58fd9edd83341c29f1aebba81c31e257",
      "235c5c510d26fb653d073faed50ae77c",
    ]);
  });

  it("are checked as SendMessage documents: names, types, values, at most 10, and their size", async () => {
    await create({ MaximumMessageSize: "1024" });
    const send = (MessageAttributes: Record<string, unknown>, MessageBody = "x") =>
      failure(sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody, MessageAttributes } as never)));
    const text = (StringValue: string) => ({ DataType: "String", StringValue });
    expect(await send({ "AWS.trace": text("a") })).toBe(
      "InvalidParameterValue: Message (user) attribute name 'AWS.trace' is reserved for use by SQS.",
    );
    expect(await send({ "a..b": text("a") })).toMatch(
      /^InvalidParameterValue: Message \(user\) attribute name 'a\.\.b' is invalid/,
    );
    expect(await send({ a: { DataType: "Text", StringValue: "a" } })).toBe(
      "InvalidParameterValue: The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.",
    );
    expect(await send({ a: text("") })).toBe(
      "InvalidParameterValue: Message (user) attribute 'a' must contain a non-empty value of type 'String'.",
    );
    expect(await send({ l: { DataType: "String", StringListValues: ["a", "b"] } })).toBe(
      "InvalidParameterValue: Message (user) attribute 'l': StringListValues and BinaryListValues are not implemented by SQS.",
    );
    expect(await send({ n: { DataType: "Number", StringValue: "twelve" } })).toBe(
      "InvalidParameterValue: Can't cast the value of message (user) attribute 'n' to a number.",
    );
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, text("v")]));
    expect(await send(eleven)).toBe(
      "InvalidParameterValue: Number of message attributes [11] exceeds the allowed maximum [10].",
    );
    expect(await send({ big: text("v".repeat(1000)) }, "y".repeat(20))).toBe(
      "InvalidParameterValue: One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
    );
    expect(aws.sqs.messages("app-flexjob-missed")).toEqual([]);
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
