import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DescribeConnectionCommand,
  EventBridgeClient,
  ListApiDestinationsCommand,
  UpdateConnectionCommand,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

let aws: FakeAws;
let events: EventBridgeClient;

beforeAll(async () => {
  aws = await startFakeAws();
  events = new EventBridgeClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  events.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

async function connection(name: string): Promise<string> {
  const { ConnectionArn = "" } = await events.send(
    new CreateConnectionCommand({
      Name: name,
      AuthorizationType: "API_KEY",
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-flexjob-alert", ApiKeyValue: "1" } },
    }),
  );
  return ConnectionArn;
}

async function destination(name: string, connectionArn: string): Promise<void> {
  await events.send(
    new CreateApiDestinationCommand({
      Name: name,
      ConnectionArn: connectionArn,
      InvocationEndpoint: `https://hooks.example.com/${name}`,
      HttpMethod: "POST",
      InvocationRateLimitPerSecond: 5,
    }),
  );
}

describe("ListApiDestinations", () => {
  it("lists by name prefix and connection, in name order, a page at a time", async () => {
    const shop = await connection("flexjob-shop-alerts");
    const other = await connection("flexjob-shop-eu-alerts");
    await destination("flexjob-shop-report-alerts", shop);
    await destination("flexjob-shop-alerts", shop);
    await destination("flexjob-shop-eu-alerts", other);
    await destination("unrelated", shop);
    const names = async (input: { NamePrefix?: string; ConnectionArn?: string }) =>
      ((await events.send(new ListApiDestinationsCommand(input))).ApiDestinations ?? []).map((d) => d.Name);
    expect(await names({ NamePrefix: "flexjob-shop-" })).toEqual([
      "flexjob-shop-alerts",
      "flexjob-shop-eu-alerts",
      "flexjob-shop-report-alerts",
    ]);
    expect(await names({ NamePrefix: "flexjob-shop-", ConnectionArn: shop })).toEqual([
      "flexjob-shop-alerts",
      "flexjob-shop-report-alerts",
    ]);
    const first = await events.send(new ListApiDestinationsCommand({ ConnectionArn: shop, Limit: 2 }));
    expect(first.ApiDestinations?.map((d) => [d.Name, d.HttpMethod, d.InvocationRateLimitPerSecond])).toEqual(
      [
        ["flexjob-shop-alerts", "POST", 5],
        ["flexjob-shop-report-alerts", "POST", 5],
      ],
    );
    const second = await events.send(
      new ListApiDestinationsCommand({ ConnectionArn: shop, Limit: 2, NextToken: first.NextToken }),
    );
    expect([second.ApiDestinations?.map((d) => d.Name), second.NextToken]).toEqual([
      ["unrelated"],
      undefined,
    ]);
  });
});

describe("UpdateConnection", () => {
  it("keeps an API key field the update leaves out, as UpdateConnection's parameters are optional", async () => {
    await connection("c");
    await events.send(
      new UpdateConnectionCommand({
        Name: "c",
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-other" } },
      }),
    );
    const described = await events.send(new DescribeConnectionCommand({ Name: "c" }));
    expect([described.AuthorizationType, described.AuthParameters]).toEqual([
      "API_KEY",
      { ApiKeyAuthParameters: { ApiKeyName: "x-other" } },
    ]);
  });

  it("refuses an API key name with a colon, and a new auth type without its parameters", async () => {
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => "resolved",
        (error: { name: string }) => error.name,
      );
    expect(
      await failure(
        events.send(
          new CreateConnectionCommand({
            Name: "bad",
            AuthorizationType: "API_KEY",
            AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x:y", ApiKeyValue: "1" } },
          }),
        ),
      ),
    ).toBe("ValidationException");
    await connection("c");
    expect(
      await failure(
        events.send(
          new UpdateConnectionCommand({ Name: "c", AuthorizationType: "BASIC", AuthParameters: {} }),
        ),
      ),
    ).toBe("ValidationException");
  });
});
