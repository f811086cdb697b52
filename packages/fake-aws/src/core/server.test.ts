import { request } from "node:http";
import { DescribeClustersCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../index.js";

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(() => aws.close());
beforeEach(() => aws.reset());

const SIGNATURE = "a".repeat(64);
const authFor = (service: string, region = "us-east-1") =>
  `AWS4-HMAC-SHA256 Credential=AKID/20240101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}`;

function raw(options: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: aws.port,
        method: options.method ?? "POST",
        path: options.path ?? "/",
        headers: options.headers,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body ?? "");
  });
}

const discover = (host: string, service = "servicediscovery") =>
  raw({
    headers: {
      host,
      authorization: authFor(service),
      "x-amz-target": "Route53AutoNaming_v20170314.DiscoverInstances",
      "content-type": "application/x-amz-json-1.1",
    },
    body: JSON.stringify({ NamespaceName: "ns", ServiceName: "svc" }),
  });

describe("routing", () => {
  it("serves on 127.0.0.1 at a random port", () => {
    expect(aws.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(aws.port).toBeGreaterThan(0);
  });

  it("requires a SigV4-shaped Authorization header but accepts any credentials", async () => {
    const unsigned = await raw({
      headers: { "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters" },
    });
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.body).__type).toBe("MissingAuthenticationTokenException");
    const signed = await raw({
      headers: {
        authorization: authFor("ecs", "ap-south-1"),
        "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters",
        "content-type": "application/x-amz-json-1.1",
      },
      body: "{}",
    });
    expect([signed.status, JSON.parse(signed.body)]).toEqual([200, { clusterArns: [] }]);
    expect(aws.calls[0]?.region).toBe("ap-south-1");
  });

  it("is reached through AWS_ENDPOINT_URL, as the CLI and the Action will reach it", async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = aws.url;
    try {
      const sts = new STSClient({
        region: "us-east-1",
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      });
      const out = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      expect(out.Account).toBe("123456789012");
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it("routes by the credential scope's service, and rejects services it does not serve", async () => {
    const unknown = await raw({ headers: { authorization: authFor("dynamodb") }, body: "{}" });
    expect([unknown.status, JSON.parse(unknown.body).__type]).toEqual([400, "UnrecognizedClientException"]);
  });

  it("answers UnknownOperationException for an operation a service does not implement", async () => {
    const out = await raw({
      headers: {
        authorization: authFor("ecs"),
        "x-amz-target": "AmazonEC2ContainerServiceV20141113.CreateService",
      },
      body: "{}",
    });
    expect([out.status, JSON.parse(out.body).__type]).toEqual([400, "UnknownOperationException"]);
    expect(aws.calls[0]?.outcome).toBe("UnknownOperationException");
  });

  it("answers SerializationException for a body that is not JSON", async () => {
    const out = await raw({
      headers: {
        authorization: authFor("ecs"),
        "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters",
      },
      body: "{",
    });
    expect(JSON.parse(out.body).__type).toBe("SerializationException");
  });

  it("routes a data- prefixed host only to Cloud Map's DiscoverInstances, never elsewhere", async () => {
    const prefixed = await discover(`data-localhost:${aws.port}`);
    expect(aws.calls[0]).toMatchObject({ service: "servicediscovery", operation: "DiscoverInstances" });
    expect(prefixed.body).not.toContain("is not served on a data- host");
    const elsewhere = await raw({
      headers: {
        host: `data-localhost:${aws.port}`,
        authorization: authFor("ecs"),
        "x-amz-target": "AmazonEC2ContainerServiceV20141113.ListClusters",
      },
      body: "{}",
    });
    expect([elsewhere.status, JSON.parse(elsewhere.body).__type]).toEqual([404, "UnknownOperationException"]);
  });

  it("answers awsQuery errors in the ErrorResponse envelope", async () => {
    const out = await raw({
      headers: { authorization: authFor("iam"), "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetRole&Version=2010-05-08&RoleName=nope",
    });
    expect(out.status).toBe(404);
    expect(out.body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>.*<\/Message><\/Error><RequestId>[0-9a-f-]+<\/RequestId><\/ErrorResponse>$/,
    );
  });

  it("answers restJson errors with x-amzn-ErrorType", async () => {
    const out = await raw({
      method: "GET",
      path: "/schedule-groups/nope",
      headers: { authorization: authFor("scheduler") },
    });
    expect([out.status, out.headers["x-amzn-errortype"]]).toEqual([404, "ResourceNotFoundException"]);
  });
});

describe("HTTP controls", () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const out = await raw({ method, path, body: body === undefined ? "" : JSON.stringify(body) });
    return { status: out.status, json: JSON.parse(out.body) as Record<string, unknown> };
  };

  it("moves the clock, sets ECS exit codes, injects faults and lists calls", async () => {
    const set = await control("POST", "/_fake/clock", { set: "2030-01-01T00:00:00.000Z" });
    expect(set.json).toEqual({ now: "2030-01-01T00:00:00.000Z" });
    expect((await control("POST", "/_fake/clock", { advanceMs: 1000 })).json).toEqual({
      now: "2030-01-01T00:00:01.000Z",
    });
    expect((await control("POST", "/_fake/ecs/exit-code", { target: "nightly", exitCode: 3 })).status).toBe(
      200,
    );
    expect(
      (await control("POST", "/_fake/fault", { service: "ecs", operation: "*", kind: "500" })).status,
    ).toBe(200);
    const ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
    await ecs.send(new DescribeClustersCommand({})).catch(() => undefined);
    ecs.destroy();
    const calls = await control("GET", "/_fake/calls?service=ecs");
    expect(calls.json.calls).toMatchObject([
      { service: "ecs", operation: "DescribeClusters", outcome: "ServerException" },
    ]);
    expect((await control("DELETE", "/_fake/fault")).status).toBe(200);
    expect((await control("POST", "/_fake/reset")).status).toBe(200);
    expect((await control("GET", "/_fake/calls")).json.calls).toEqual([]);
  });

  it("rejects a malformed control request and unknown routes", async () => {
    expect(
      (await control("POST", "/_fake/fault", { service: "ecs", operation: "*", kind: "explode" })).status,
    ).toBe(400);
    expect((await control("GET", "/_fake/nothing")).status).toBe(404);
  });

  it("rejects bad values on the scripted-task, scheduler and SNS routes, naming the member", async () => {
    const rejected = async (path: string, body: unknown, member: string) => {
      const out = await control("POST", path, body);
      expect(out.status).toBe(400);
      expect(out.json.message).toContain(member);
    };
    await rejected("/_fake/ecs/hang", {}, "family");
    await rejected("/_fake/ecs/spot-interruption", { family: "nightly", afterMs: -1 }, "afterMs");
    await rejected("/_fake/ecs/exit-codes", { family: "nightly" }, "exitCodes");
    await rejected("/_fake/ecs/exit-codes", { family: "nightly", exitCodes: [true] }, "exitCodes.1");
    await rejected("/_fake/ecs/exit-codes", { family: "nightly", exitCodes: [0, "1"] }, "exitCodes.2");
    await rejected("/_fake/ecs/exit-codes", { family: "nightly", exitCodes: [256] }, "exit code");
    await rejected("/_fake/ecs/stop-task", {}, "task");
    await rejected("/_fake/ecs/stop-task", { task: "no-such-task" }, "no-such-task");
    await rejected("/_fake/scheduler/fire", {}, "name");
    await rejected("/_fake/scheduler/fire", { name: "nightly", at: "soon" }, "'at'");
    await rejected("/_fake/scheduler/fire", { name: "no-such-schedule" }, "no-such-schedule");
    await rejected("/_fake/sns/confirm", { topicArn: "arn:aws:sns:us-east-1:123456789012:t" }, "endpoint");
  });
});
