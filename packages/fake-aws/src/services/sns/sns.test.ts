import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-sns";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

const ACCOUNT = "123456789012";
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:app-flexjob-alerts`;
let aws: FakeAws;
let sns: SNSClient;

beforeAll(async () => {
  aws = await startFakeAws();
  sns = new SNSClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  sns.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { name: string; message: string }) => `${error.name}: ${error.message}`,
  );

describe("topics", () => {
  it("ListTopics lists the region's topics by ARN", async () => {
    await sns.send(new CreateTopicCommand({ Name: "app-flexjob-alerts" }));
    await sns.send(new CreateTopicCommand({ Name: "other" }));
    const elsewhere = new SNSClient({ ...aws.clientConfig(), region: "eu-west-1", maxAttempts: 1 });
    await elsewhere.send(new CreateTopicCommand({ Name: "far" }));
    elsewhere.destroy();
    const { Topics = [] } = await sns.send(new ListTopicsCommand({}));
    expect(Topics.map((topic) => topic.TopicArn).sort()).toEqual([
      TOPIC_ARN,
      `arn:aws:sns:us-east-1:${ACCOUNT}:other`,
    ]);
  });

  it("CreateTopic is idempotent for the same attributes and refuses different ones", async () => {
    const create = (Attributes?: Record<string, string>) =>
      sns.send(new CreateTopicCommand({ Name: "app-flexjob-alerts", ...(Attributes && { Attributes }) }));
    expect((await create({ KmsMasterKeyId: "alias/aws/sns" })).TopicArn).toBe(TOPIC_ARN);
    expect((await create({ KmsMasterKeyId: "alias/aws/sns" })).TopicArn).toBe(TOPIC_ARN);
    expect(await failure(create())).toBe(
      "InvalidParameterException: Invalid parameter: Attributes Reason: Topic already exists with different attributes",
    );
    expect(await failure(sns.send(new CreateTopicCommand({ Name: "bad.name" })))).toMatch(
      /^InvalidParameterException: Invalid parameter: Topic Name bad\.name/,
    );
  });

  it("reads and sets attributes: a default policy, Policy and KmsMasterKeyId", async () => {
    await sns.send(new CreateTopicCommand({ Name: "app-flexjob-alerts" }));
    const before = (await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }))).Attributes ?? {};
    expect([before.TopicArn, before.Owner, JSON.parse(before.Policy ?? "{}").Statement[0].Condition]).toEqual(
      [TOPIC_ARN, ACCOUNT, { StringEquals: { "AWS:SourceOwner": ACCOUNT } }],
    );
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: TOPIC_ARN,
        AttributeName: "Policy",
        AttributeValue: '{"Statement":[]}',
      }),
    );
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: TOPIC_ARN,
        AttributeName: "KmsMasterKeyId",
        AttributeValue: "alias/aws/sns",
      }),
    );
    const after = (await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }))).Attributes ?? {};
    expect([after.Policy, after.KmsMasterKeyId]).toEqual(['{"Statement":[]}', "alias/aws/sns"]);
    expect(
      await failure(
        sns.send(
          new SetTopicAttributesCommand({
            TopicArn: TOPIC_ARN,
            AttributeName: "Policy",
            AttributeValue: "{",
          }),
        ),
      ),
    ).toBe(
      "InvalidParameterException: Invalid parameter: Policy Error: the policy document is not valid JSON",
    );
    expect(
      await failure(
        sns.send(
          new SetTopicAttributesCommand({ TopicArn: TOPIC_ARN, AttributeName: "Owner", AttributeValue: "x" }),
        ),
      ),
    ).toBe("InvalidParameterException: Invalid parameter: AttributeName Owner is not a settable attribute");
    await sns.send(new DeleteTopicCommand({ TopicArn: TOPIC_ARN }));
    expect(await failure(sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN })))).toBe(
      "NotFoundException: Topic does not exist",
    );
  });

  it("tags a topic", async () => {
    await sns.send(
      new CreateTopicCommand({
        Name: "app-flexjob-alerts",
        Tags: [{ Key: "flexjob:managed", Value: "true" }],
      }),
    );
    await sns.send(
      new TagResourceCommand({ ResourceArn: TOPIC_ARN, Tags: [{ Key: "flexjob:app", Value: "app" }] }),
    );
    await sns.send(new UntagResourceCommand({ ResourceArn: TOPIC_ARN, TagKeys: ["flexjob:managed"] }));
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TOPIC_ARN }))).Tags).toEqual([
      { Key: "flexjob:app", Value: "app" },
    ]);
  });
});

describe("subscriptions and publishing", () => {
  it("an email subscription waits for confirmation; the control confirms it", async () => {
    await sns.send(new CreateTopicCommand({ Name: "app-flexjob-alerts" }));
    const subscribed = await sns.send(
      new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol: "email", Endpoint: "ops@example.com" }),
    );
    expect(subscribed.SubscriptionArn).toBe("pending confirmation");
    const list = async () =>
      (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN }))).Subscriptions ?? [];
    expect((await list()).map((s) => [s.SubscriptionArn, s.Protocol, s.Endpoint])).toEqual([
      ["PendingConfirmation", "email", "ops@example.com"],
    ]);
    const attributes = async () =>
      (await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }))).Attributes ?? {};
    expect([(await attributes()).SubscriptionsPending, (await attributes()).SubscriptionsConfirmed]).toEqual([
      "1",
      "0",
    ]);
    aws.sns.confirmSubscription(TOPIC_ARN, "ops@example.com");
    const [confirmed] = await list();
    expect(confirmed?.SubscriptionArn).toMatch(new RegExp(`^${TOPIC_ARN}:[0-9a-f-]{36}$`));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: confirmed?.SubscriptionArn }));
    expect(await list()).toEqual([]);
  });

  it("refuses an email endpoint that is not an address, and an unknown protocol", async () => {
    await sns.send(new CreateTopicCommand({ Name: "app-flexjob-alerts" }));
    expect(
      await failure(
        sns.send(new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol: "email", Endpoint: "ops" })),
      ),
    ).toBe("InvalidParameterException: Invalid parameter: Email address ops is not valid");
    expect(
      await failure(
        sns.send(new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol: "pigeon", Endpoint: "x" })),
      ),
    ).toBe("InvalidParameterException: Invalid parameter: Protocol pigeon is not a valid protocol type");
  });

  it("records what is published, for tests to read", async () => {
    await sns.send(new CreateTopicCommand({ Name: "app-flexjob-alerts" }));
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Subject: "report failed", Message: "exit 1" }),
    );
    expect(aws.sns.published()).toEqual([
      {
        topicArn: TOPIC_ARN,
        messageId: MessageId,
        message: "exit 1",
        subject: "report failed",
        publishedBy: ACCOUNT,
      },
    ]);
    expect(await failure(sns.send(new PublishCommand({ TopicArn: `${TOPIC_ARN}-x`, Message: "m" })))).toBe(
      "NotFoundException: Topic does not exist",
    );
  });
});
