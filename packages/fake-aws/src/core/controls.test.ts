import {
  DescribeClustersCommand,
  ECSClient,
  ECSServiceException,
  ServerException,
} from "@aws-sdk/client-ecs";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  CreateScheduleGroupCommand,
  ListScheduleGroupsCommand,
  SchedulerClient,
  ThrottlingException,
} from "@aws-sdk/client-scheduler";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../index.js";

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws({ seed: 7 });
});
afterAll(() => aws.close());
beforeEach(() => aws.reset());

/** The SDK's standard retry mode, as flexjob's clients use it (default backoff: ~0.1–1 s per retry). */
const standardRetry = { retryMode: "standard", maxAttempts: 3 } as const;

describe("faults and the SDK's own retries", () => {
  it("standard retry mode recovers from one injected throttle", async () => {
    const ecs = new ECSClient({ ...aws.clientConfig(), ...standardRetry });
    const fault = aws.fault({ service: "ecs", operation: "DescribeClusters", kind: "throttle", nth: 1 });
    const out = await ecs.send(new DescribeClustersCommand({ clusters: ["default"] }));
    ecs.destroy();
    expect(out.$metadata.attempts).toBe(2);
    expect(fault.triggered).toBe(1);
    expect(aws.callsTo("ecs", "DescribeClusters").map((c) => c.outcome)).toEqual([
      "ThrottlingException",
      "ok",
    ]);
  });

  it("a dropped connection is retried", async () => {
    const sts = new STSClient({ ...aws.clientConfig(), ...standardRetry });
    aws.fault({ service: "sts", operation: "GetCallerIdentity", kind: "drop", nth: 1 });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(out.$metadata.attempts).toBe(2);
    expect(aws.calls.map((c) => c.outcome)).toEqual(["drop", "ok"]);
  });

  it("a 500 is retried", async () => {
    const ecs = new ECSClient({ ...aws.clientConfig(), ...standardRetry });
    aws.fault({ service: "ecs", operation: "*", kind: "500", times: 2 });
    const out = await ecs.send(new DescribeClustersCommand({}));
    ecs.destroy();
    expect(out.$metadata.attempts).toBe(3);
    expect(aws.calls.map((c) => c.outcome)).toEqual(["ServerException", "ServerException", "ok"]);
  });

  it("with maxAttempts 1 the error surfaces as the service's exception class", async () => {
    const ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
    aws.fault({ service: "ecs", operation: "DescribeClusters", kind: "throttle" });
    // ECS does not model its throttling error, so the SDK builds its base exception named after the code.
    const throttled = await ecs.send(new DescribeClustersCommand({})).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ECSServiceException);
    expect([(throttled as Error).name, (throttled as ECSServiceException).$metadata.httpStatusCode]).toEqual([
      "ThrottlingException",
      400,
    ]);
    aws.clearFaults();
    aws.fault({ service: "ecs", operation: "DescribeClusters", kind: "500" });
    const error = await ecs.send(new DescribeClustersCommand({})).catch((e: unknown) => e);
    ecs.destroy();
    expect(error).toBeInstanceOf(ServerException);
    expect((error as ServerException).$metadata.httpStatusCode).toBe(500);
  });

  it("each service throttles with its own code: IAM says Throttling, Scheduler ThrottlingException (429)", async () => {
    aws.fault({ service: "iam", operation: "*", kind: "throttle" });
    aws.fault({ service: "scheduler", operation: "*", kind: "throttle" });
    const iam = new IAMClient({ ...aws.clientConfig(), maxAttempts: 1 });
    const scheduler = new SchedulerClient({ ...aws.clientConfig(), maxAttempts: 1 });
    const iamError = (await iam
      .send(new GetRoleCommand({ RoleName: "x" }))
      .catch((e: unknown) => e)) as Error;
    const schedulerError = (await scheduler
      .send(new ListScheduleGroupsCommand({}))
      .catch((e: unknown) => e)) as Error & {
      $metadata: { httpStatusCode?: number };
    };
    iam.destroy();
    scheduler.destroy();
    expect(iamError.name).toBe("Throttling");
    expect(schedulerError).toBeInstanceOf(ThrottlingException);
    expect(schedulerError.$metadata.httpStatusCode).toBe(429);
  });

  it("drop-after applies the call, then loses the response: the retry sees the state already changed", async () => {
    const scheduler = new SchedulerClient({ ...aws.clientConfig(), ...standardRetry });
    aws.fault({ service: "scheduler", operation: "CreateScheduleGroup", kind: "drop-after", nth: 1 });
    const error = (await scheduler
      .send(new CreateScheduleGroupCommand({ Name: "g" }))
      .catch((e: unknown) => e)) as Error;
    scheduler.destroy();
    expect(error.name).toBe("ConflictException");
    expect(aws.callsTo("scheduler").map((c) => [c.outcome, c.responseDropped ?? false])).toEqual([
      ["ok", true],
      ["ConflictException", false],
    ]);
  });

  it("fraction faults follow the seed: the same seed fails the same calls", async () => {
    const pattern = async () => {
      aws.reset();
      aws.fault({ service: "sts", operation: "*", kind: "500", fraction: 0.5 });
      const sts = new STSClient({ ...aws.clientConfig(), maxAttempts: 1 });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i++) {
        outcomes.push(
          await sts.send(new GetCallerIdentityCommand({})).then(
            () => "ok",
            (e: Error) => e.name,
          ),
        );
      }
      sts.destroy();
      return outcomes;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    expect(first).toContain("ok");
    expect(first).toContain("InternalFailure");
  });
});

describe("throttling", () => {
  it("a token bucket lets the burst through, then answers ThrottlingException until it refills", async () => {
    const ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
    aws.throttle("ecs", "DescribeClusters", { ratePerSecond: 20, burst: 3 });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        ecs.send(new DescribeClustersCommand({})).then(
          () => "ok",
          (e: Error) => e.name,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "ThrottlingException")).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 120));
    await expect(ecs.send(new DescribeClustersCommand({}))).resolves.toBeDefined();
    ecs.destroy();
  });

  it("the SDK's standard retry rides out a throttle at a set rate", async () => {
    // Plenty of attempts: backoff is random, and two callers compete for the refilled tokens.
    const sts = new STSClient({ ...aws.clientConfig(), retryMode: "standard", maxAttempts: 10 });
    aws.throttle("sts", "*", { ratePerSecond: 10, burst: 1 });
    await Promise.all(Array.from({ length: 3 }, () => sts.send(new GetCallerIdentityCommand({}))));
    sts.destroy();
    expect(aws.calls.filter((c) => c.outcome === "ok")).toHaveLength(3);
    expect(aws.calls.some((c) => c.outcome === "Throttling")).toBe(true);
  });
});

describe("latency and the call log", () => {
  it("fixed latency delays every answer", async () => {
    aws.setLatency({ fixedMs: 50 });
    const sts = new STSClient(aws.clientConfig());
    const started = performance.now();
    await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("records service, operation, input, outcome, mutating and the fake time", async () => {
    aws.clock.set("2030-01-01T00:00:00Z");
    const scheduler = new SchedulerClient({ ...aws.clientConfig(), maxAttempts: 1 });
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "g" }));
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "g" })).catch(() => undefined);
    await scheduler.send(new ListScheduleGroupsCommand({ MaxResults: 5 }));
    scheduler.destroy();
    expect(
      aws.calls.map(({ service, operation, outcome, mutating, at }) => ({
        service,
        operation,
        outcome,
        mutating,
        at,
      })),
    ).toEqual([
      {
        service: "scheduler",
        operation: "CreateScheduleGroup",
        outcome: "ok",
        mutating: true,
        at: new Date("2030-01-01T00:00:00Z"),
      },
      {
        service: "scheduler",
        operation: "CreateScheduleGroup",
        outcome: "ConflictException",
        mutating: true,
        at: new Date("2030-01-01T00:00:00Z"),
      },
      {
        service: "scheduler",
        operation: "ListScheduleGroups",
        outcome: "ok",
        mutating: false,
        at: new Date("2030-01-01T00:00:00Z"),
      },
    ]);
    expect(aws.calls[2]?.input).toEqual({ MaxResults: "5" });
    expect(aws.mutatingCalls().map((c) => c.outcome)).toEqual(["ok", "ConflictException"]);
    aws.clearCalls();
    expect(aws.calls).toEqual([]);
  });
});
