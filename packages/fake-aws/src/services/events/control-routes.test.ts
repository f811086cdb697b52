import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

/** The EventBridge, SNS and SQS controls over HTTP, for a fake-aws running as its own process. */

let aws: FakeAws;

beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(() => aws.close());

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${aws.url}/_fake/${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return response.json();
}

describe("HTTP controls", () => {
  it("read what SNS published and SQS holds, confirm a subscription, and list failed deliveries", async () => {
    const sns = new SNSClient({ ...aws.clientConfig(), maxAttempts: 1 });
    const sqs = new SQSClient({ ...aws.clientConfig(), maxAttempts: 1 });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "alerts" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "ops@example.com" }));
    await sns.send(new PublishCommand({ TopicArn, Message: "run failed" }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "missed" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "missed run" }));
    sns.destroy();
    sqs.destroy();

    expect(await control("GET", "sns/published")).toEqual({
      published: [
        {
          topicArn: TopicArn,
          messageId: expect.any(String),
          message: "run failed",
          publishedBy: aws.accountId,
        },
      ],
    });
    expect(await control("POST", "sns/confirm", { topicArn: TopicArn, endpoint: "ops@example.com" })).toEqual(
      { ok: true },
    );
    expect(await control("GET", "sqs/messages?queue=missed")).toEqual({ messages: ["missed run"] });
    expect(await control("GET", "events/failures")).toEqual({ failures: [] });
    expect(await control("POST", "events/settle")).toEqual({ ok: true });
  });
});
