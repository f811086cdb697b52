import { connect, type Socket } from "node:net";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../index.js";
import type { CallRecord } from "./controls.js";
import { roundTrips } from "./round-trips.js";

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(() => aws.close());
beforeEach(() => aws.reset());

/** GetCallerIdentity as raw HTTP/1.1, so a test controls exactly when it is written. */
const CALLER_IDENTITY = [
  "POST / HTTP/1.1",
  "host: 127.0.0.1",
  "content-type: application/x-www-form-urlencoded",
  `authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=${"a".repeat(64)}`,
  "content-length: 43",
  "",
  "Action=GetCallerIdentity&Version=2011-06-15",
].join("\r\n");

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(aws.port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

/** Resolves once the socket has received a whole answer. */
function answerOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (text.includes("</GetCallerIdentityResponse>")) resolve();
    });
  });
}

/** A call that arrived and was answered at those places on the server's count. */
function call(arrived: number, answered?: number): CallRecord {
  return {
    service: "sts",
    operation: "GetCallerIdentity",
    region: "us-east-1",
    input: {},
    outcome: "ok",
    mutating: false,
    at: new Date(0),
    requestId: String(arrived),
    arrived,
    ...(answered === undefined ? {} : { answered }),
  };
}

describe("roundTrips", () => {
  it("counts calls in flight together as one round trip", () => {
    expect(roundTrips([call(1, 4), call(2, 5), call(3, 6)])).toBe(1);
  });

  it("counts a call that arrived after another's answer as the next round trip", () => {
    // 1 → 3 → 5 in sequence; 6 started before 5 was answered, so it rides with it.
    expect(roundTrips([call(1, 2), call(3, 4), call(5, 7), call(6, 8)])).toBe(3);
  });

  it("takes the longest chain, and a dropped call ends none", () => {
    expect(roundTrips([call(1, 2), call(3, 6), call(4, 5), call(7, 8)])).toBe(3);
    expect(roundTrips([call(1), call(2, 3)])).toBe(1);
    expect(roundTrips([])).toBe(0);
  });
});

describe("the call log's order of arrivals and answers", () => {
  it("records calls sent together as overlapping and a call sent after an answer as following it", async () => {
    aws.setLatency({ quietMs: 30 });
    const sts = new STSClient(aws.clientConfig());
    const iam = new IAMClient({ ...aws.clientConfig(), maxAttempts: 1 });
    await Promise.all([
      sts.send(new GetCallerIdentityCommand({})),
      iam.send(new GetRoleCommand({ RoleName: "missing" })).catch(() => undefined),
    ]);
    await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    iam.destroy();
    const [first, second, third] = aws.calls;
    expect(first?.arrived).toBeLessThan(second?.answered ?? 0);
    expect(second?.arrived).toBeLessThan(first?.answered ?? 0);
    expect(third?.arrived).toBeGreaterThan(Math.max(first?.answered ?? 0, second?.answered ?? 0));
    expect(roundTrips(aws.calls)).toBe(2);
  });

  it("holds answers under quietMs until calls stop arriving, then answers them all", async () => {
    aws.setLatency({ quietMs: 40 });
    const sts = new STSClient(aws.clientConfig());
    const first = sts.send(new GetCallerIdentityCommand({}));
    // Sent 20 ms later, within the quiet window: both are answered together, after it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = sts.send(new GetCallerIdentityCommand({}));
    await Promise.all([first, second]);
    sts.destroy();
    const answers = aws.calls.map((each) => each.answered ?? 0);
    expect(Math.min(...answers)).toBeGreaterThan(Math.max(...aws.calls.map((each) => each.arrived)));
  });

  it("under quietMs, a request sent before a stall still rides with the answers the stall held", async () => {
    aws.setLatency({ quietMs: 20 });
    const [first, second] = await Promise.all([open(), open()]);
    const answers = [answerOf(first), answerOf(second)];
    first.write(CALLER_IDENTITY);
    while (aws.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    second.write(CALLER_IDENTITY);
    // The process stalls past the quiet window with the second request already sent, as a loaded
    // machine may: its timer fires before the request is read, yet both count as one round trip.
    const until = performance.now() + 60;
    while (performance.now() < until) {}
    await Promise.all(answers);
    first.destroy();
    second.destroy();
    expect(aws.calls).toHaveLength(2);
    expect(roundTrips(aws.calls)).toBe(1);
  });

  it("rejects a negative quietMs", () => {
    expect(() => aws.setLatency({ quietMs: -1 })).toThrow(RangeError);
  });
});
