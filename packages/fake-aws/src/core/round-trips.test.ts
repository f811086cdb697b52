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

  it("rejects a negative quietMs", () => {
    expect(() => aws.setLatency({ quietMs: -1 })).toThrow(RangeError);
  });
});
