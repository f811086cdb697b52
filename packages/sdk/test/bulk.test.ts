import {
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-scheduler";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BulkSchedule,
  deleteBulkSchedules,
  listBulkSchedules,
  syncBulkSchedules,
} from "../src/bulk/index.js";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import { type Deps, realSleep } from "../src/deps.js";
import { FlexjobError } from "../src/errors.js";
import { loadedClients, REGION, shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;
let logs: string[];

beforeEach(async () => {
  ({ aws, deps, logs } = await startWorld());
});
afterEach(() => aws.close());

const GROUP = "flexjob-shop.report";

/** The FlexjobError a call rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<FlexjobError> {
  const outcome = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(outcome instanceof FlexjobError)) throw new Error(`expected a FlexjobError, got ${String(outcome)}`);
  return outcome;
}

/** One schedule per customer: the kind of list a bulk sync is for. */
function customers(count: number, from = 0): BulkSchedule[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `cust-${String(from + index).padStart(5, "0")}`;
    return {
      key: id,
      expression: `cron(${index % 60} ${index % 24} * * ? *)`,
      env: { CUSTOMER_ID: id },
    };
  });
}

const counts = (operation?: string) =>
  aws.calls.filter(
    (call) => call.service === "scheduler" && (operation === undefined || call.operation === operation),
  ).length;

async function deployed(): Promise<void> {
  await deploy(shopConfig(), {}, deps);
  aws.clearCalls();
}

describe("syncBulkSchedules", () => {
  it("creates 500 schedules with the job's target and each entry's env, in the job's own tagged group", async () => {
    await deployed();
    const result = await syncBulkSchedules(shopConfig(), "report", customers(500), {}, deps);
    expect(result).toMatchObject({
      group: GROUP,
      created: 500,
      deleted: 0,
      unchanged: 0,
      kept: 0,
      calls: { writes: 501 },
      dryRun: false,
    });
    expect(counts("CreateSchedule")).toBe(500);
    expect(counts("CreateScheduleGroup")).toBe(1);

    const group = await deps.clients.scheduler.send(new GetScheduleGroupCommand({ Name: GROUP }));
    const { Tags } = await deps.clients.scheduler.send(
      new ListTagsForResourceCommand({ ResourceArn: group.Arn }),
    );
    expect(Object.fromEntries((Tags ?? []).map((tag) => [tag.Key, tag.Value]))).toEqual({
      "flexjob:managed": "true",
      "flexjob:app": "shop",
      "flexjob:job": "report",
    });

    const listing = await listBulkSchedules(shopConfig(), "report", deps);
    expect(listing.schedules).toHaveLength(500);
    const shard0 = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
    );
    for (const index of [0, 137, 499]) {
      const key = `cust-${String(index).padStart(5, "0")}`;
      const name = listing.schedules.find((schedule) => schedule.key === key)?.name ?? "";
      expect(name).toMatch(new RegExp(`^${key}\\.[0-9a-f]{10}$`));
      const schedule = await deps.clients.scheduler.send(
        new GetScheduleCommand({ GroupName: GROUP, Name: name }),
      );
      expect(schedule).toMatchObject({
        ScheduleExpression: `cron(${index % 60} ${index % 24} * * ? *)`,
        // The job's timezone, as the entry gives none.
        ScheduleExpressionTimezone: "Europe/Berlin",
        State: "ENABLED",
        Target: {
          Arn: shard0.Target?.Arn,
          RoleArn: shard0.Target?.RoleArn,
          RetryPolicy: shard0.Target?.RetryPolicy,
          EcsParameters: {
            TaskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:1",
            LaunchType: "FARGATE",
            NetworkConfiguration: shard0.Target?.EcsParameters?.NetworkConfiguration,
            Tags: shard0.Target?.EcsParameters?.Tags,
          },
        },
      });
      expect(JSON.parse(schedule.Target?.Input ?? "{}")).toEqual({
        containerOverrides: [
          {
            name: "report",
            environment: [
              { name: "CUSTOMER_ID", value: key },
              { name: "FLEXJOB_ATTEMPT", value: "<aws.scheduler.attempt-number>" },
              { name: "FLEXJOB_RUN_ID", value: "<aws.scheduler.execution-id>" },
              { name: "FLEXJOB_SCHEDULED_TIME", value: "<aws.scheduler.scheduled-time>" },
              { name: "FLEXJOB_SCHEDULE_KEY", value: key },
              { name: "FLEXJOB_TASK_COUNT", value: "1" },
              { name: "FLEXJOB_TASK_INDEX", value: "0" },
            ],
          },
        ],
      });
    }
    expect(logs).toContain("report: 500/500 bulk schedule writes (500 created, 0 deleted) at 1000/s");
  });

  it("an immediate second sync of 500 sends no mutating call and reads only 5 ListSchedules pages", async () => {
    await deployed();
    await syncBulkSchedules(shopConfig(), "report", customers(500), {}, deps);
    aws.clearCalls();
    const result = await syncBulkSchedules(shopConfig(), "report", customers(500), {}, deps);
    expect(result).toMatchObject({ created: 0, deleted: 0, unchanged: 500, kept: 0 });
    expect(aws.mutatingCalls()).toEqual([]);
    expect(counts("ListSchedules")).toBe(5);
    expect(counts("GetSchedule")).toBe(1); // the job's shard-0 schedule, for the target
    expect(counts()).toBe(8); // + GetScheduleGroup and ListTagsForResource
    expect(result.calls).toEqual({ reads: 8, writes: 0 });
  });

  it("changing 5 entries creates exactly 5 and deletes exactly their 5 older versions", async () => {
    await deployed();
    const list = customers(500);
    await syncBulkSchedules(shopConfig(), "report", list, {}, deps);
    aws.clearCalls();
    const changed = list.map((entry, index) =>
      index % 100 === 7 ? { ...entry, env: { ...entry.env, PLAN: "gold" } } : entry,
    );
    const result = await syncBulkSchedules(shopConfig(), "report", changed, {}, deps);
    expect(result).toMatchObject({ created: 5, deleted: 5, unchanged: 495 });
    expect(counts("CreateSchedule")).toBe(5);
    expect(counts("DeleteSchedule")).toBe(5);
    expect(aws.mutatingCalls()).toHaveLength(10);
    // Each replacement is created before its older version goes.
    const order = aws
      .mutatingCalls()
      .map((call) => `${call.operation} ${String(call.input.Name).split(".")[0]}`);
    for (const key of ["cust-00007", "cust-00107"]) {
      expect(order.indexOf(`CreateSchedule ${key}`)).toBeLessThan(order.indexOf(`DeleteSchedule ${key}`));
    }
    const listing = await listBulkSchedules(shopConfig(), "report", deps);
    expect(listing.schedules).toHaveLength(500);
  });

  it("removing 10 entries keeps them without prune, and deletes exactly those 10 with prune", async () => {
    await deployed();
    const list = customers(100);
    await syncBulkSchedules(shopConfig(), "report", list, {}, deps);
    aws.clearCalls();
    const fewer = list.slice(10);
    const kept = await syncBulkSchedules(shopConfig(), "report", fewer, {}, deps);
    expect(kept).toMatchObject({ created: 0, deleted: 0, unchanged: 90, kept: 10 });
    expect(aws.mutatingCalls()).toEqual([]);

    const pruned = await syncBulkSchedules(shopConfig(), "report", fewer, { prune: true }, deps);
    expect(pruned).toMatchObject({ created: 0, deleted: 10, unchanged: 90, kept: 0 });
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual(Array(10).fill("DeleteSchedule"));
    const listing = await listBulkSchedules(shopConfig(), "report", deps);
    expect(listing.schedules.map((schedule) => schedule.key)).toEqual(fewer.map((entry) => entry.key));
  });

  it("a dry run reports the counts and sends no mutating call", async () => {
    await deployed();
    const first = await syncBulkSchedules(shopConfig(), "report", customers(120), { dryRun: true }, deps);
    expect(first).toMatchObject({ created: 120, deleted: 0, unchanged: 0, kept: 0, dryRun: true });
    expect(aws.mutatingCalls()).toEqual([]);

    await syncBulkSchedules(shopConfig(), "report", customers(120), {}, deps);
    aws.clearCalls();
    const changed = customers(120)
      .slice(10)
      .map((entry, index) => (index === 0 ? { ...entry, enabled: false } : entry));
    const second = await syncBulkSchedules(
      shopConfig(),
      "report",
      changed,
      { dryRun: true, prune: true },
      deps,
    );
    expect(second).toMatchObject({ created: 1, deleted: 11, unchanged: 109, kept: 0, dryRun: true });
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("under a throttle of 20 CreateSchedule/s, 200 schedules are all created: it slows down and fails nothing", async () => {
    await deployed();
    aws.throttle("scheduler", "CreateSchedule", { ratePerSecond: 20, burst: 5 });
    // fake-aws refills its throttle in wall-clock time, so the sync must pace in wall-clock time too.
    const realTime: Deps = { ...deps, sleep: realSleep, now: () => new Date() };
    const result = await syncBulkSchedules(shopConfig(), "report", customers(200), {}, realTime);
    expect(result).toMatchObject({ created: 200, deleted: 0 });
    const creates = aws.calls.filter((call) => call.operation === "CreateSchedule");
    expect(creates.filter((call) => call.outcome === "ThrottlingException").length).toBeGreaterThan(0);
    expect(new Set(creates.filter((call) => call.outcome === "ok").map((call) => call.input.Name)).size).toBe(
      200,
    );
    expect(result.throttles).toBeGreaterThan(0);
    expect(result.ratePerSecond.lowest).toBeLessThan(result.ratePerSecond.start);
    expect(logs.some((line) => line.startsWith("warn: EventBridge Scheduler is throttling"))).toBe(true);
    expect((await listBulkSchedules(shopConfig(), "report", deps)).schedules).toHaveLength(200);
  }, 120_000);

  it("a sync that fails part-way says how far it got, and rerunning it converges", async () => {
    await deployed();
    aws.fault({ service: "scheduler", operation: "CreateSchedule", kind: "500", nth: 41, times: 100_000 });
    const error = await syncBulkSchedules(
      shopConfig(),
      "report",
      customers(100),
      { concurrency: 4 },
      deps,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlexjobError);
    expect((error as FlexjobError).message).toMatch(
      /^bulk sync of job report stopped after 40 of 100 creates and 0 of 0 deletes: creating bulk schedule cust-\d{5}\.[0-9a-f]{10} \(key "cust-\d{5}"\): /,
    );
    expect((error as FlexjobError).remedy).toContain("rerun the sync: it converges from where it stopped");
    aws.clearFaults();
    aws.clearCalls();
    const rerun = await syncBulkSchedules(shopConfig(), "report", customers(100), {}, deps);
    expect(rerun).toMatchObject({ created: 60, deleted: 0, unchanged: 40 });
    expect(counts("CreateSchedule")).toBe(60);
  });

  it("bad entries fail before any AWS call, naming the entry, its key and the bad value", async () => {
    const sync = (entries: unknown[]) =>
      failure(syncBulkSchedules(shopConfig(), "report", entries as BulkSchedule[], {}, deps));
    const badExpression = await sync([
      { key: "a", expression: "every day at 06:00" },
      { key: "b", expression: "every day at 25:00" },
    ]);
    expect(badExpression.message).toMatch(/^schedules\[1\] \(key "b"\): expression "every day at 25:00": /);
    const duplicate = await sync([
      { key: "a", expression: "rate(1 hour)" },
      { key: "a", expression: "rate(2 hours)" },
    ]);
    expect(duplicate.message).toBe('schedules[1] (key "a"): duplicate key "a", first used by schedules[0]');
    const badEnv = await sync([{ key: "acme", expression: "rate(1 hour)", env: { "CUSTOMER-ID": "x" } }]);
    expect(badEnv.message).toBe(
      'schedules[0] (key "acme"): env name "CUSTOMER-ID" is not a valid environment variable name',
    );
    expect(badEnv.issues.map((issue) => issue.path)).toEqual(["schedules[0].env.CUSTOMER-ID"]);
    expect(aws.calls).toEqual([]);
  });

  it("refuses a job that is not deployed, with the remedy to deploy first", async () => {
    const error = await failure(syncBulkSchedules(shopConfig(), "report", customers(2), {}, deps));
    expect(error.message).toBe(
      "job report is not deployed (no schedule shop-report), so its bulk schedules have no target",
    );
    expect(error.remedy).toContain("run flexjob deploy first");
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("a redeploy of the app leaves the bulk group alone", async () => {
    await deployed();
    await syncBulkSchedules(shopConfig(), "report", customers(150), {}, deps);
    aws.clearCalls();
    await deploy(shopConfig(), {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(aws.calls.filter((call) => JSON.stringify(call.input).includes(GROUP))).toEqual([]);
  });

  it("a new task definition revision makes every schedule stale: the next sync replaces them all", async () => {
    await deployed();
    await syncBulkSchedules(shopConfig(), "report", customers(30), {}, deps);
    await deploy(shopConfig({ report: { cpu: 0.5, memory: 1 } }), {}, deps);
    aws.clearCalls();
    const result = await syncBulkSchedules(
      shopConfig({ report: { cpu: 0.5, memory: 1 } }),
      "report",
      customers(30),
      {},
      deps,
    );
    expect(result).toMatchObject({ created: 30, deleted: 30, unchanged: 0 });
    const name = (await listBulkSchedules(shopConfig(), "report", deps)).schedules[0]?.name ?? "";
    const schedule = await deps.clients.scheduler.send(
      new GetScheduleCommand({ GroupName: GROUP, Name: name }),
    );
    expect(schedule.Target?.EcsParameters?.TaskDefinitionArn).toMatch(/shop-report:2$/);
  });

  it("keeps keys of any text recoverable from the listing, and hashes long ones", async () => {
    await deployed();
    const long = `tenant/${"x".repeat(80)}`;
    const entries = [
      { key: "acme.io/42", expression: "rate(1 hour)" },
      { key: "Zoë & co", expression: "rate(1 hour)", timezone: "Asia/Tokyo" },
      { key: long, expression: "rate(1 hour)" },
    ];
    await syncBulkSchedules(shopConfig(), "report", entries, {}, deps);
    const listing = await listBulkSchedules(shopConfig(), "report", deps);
    expect(listing.schedules.map((schedule) => schedule.key).sort()).toEqual(
      ["Zoë & co", "acme.io/42", undefined].sort(),
    );
    for (const schedule of listing.schedules) expect(schedule.name.length).toBeLessThanOrEqual(64);
    aws.clearCalls();
    expect(await syncBulkSchedules(shopConfig(), "report", entries, {}, deps)).toMatchObject({
      unchanged: 3,
    });
    expect(aws.mutatingCalls()).toEqual([]);
  });
});

describe("deleteBulkSchedules", () => {
  it("removes the whole group in one call, and then finds nothing to remove", async () => {
    await deployed();
    await syncBulkSchedules(shopConfig(), "report", customers(250), {}, deps);
    aws.clearCalls();
    expect(await deleteBulkSchedules(shopConfig(), "report", deps)).toEqual({ group: GROUP, deleted: true });
    expect(aws.mutatingCalls().map((call) => call.operation)).toEqual(["DeleteScheduleGroup"]);
    expect(await deleteBulkSchedules(shopConfig(), "report", deps)).toEqual({ group: GROUP, deleted: false });
    // The app's own schedules are untouched.
    const shard0 = await (await loadedClients({ region: REGION, endpoint: aws.url })).scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name: "shop-report" }),
    );
    expect(shard0.Name).toBe("shop-report");
  });
});

describe("destroy with bulk schedules", () => {
  let world: Awaited<ReturnType<typeof startWorld>>;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(() => world.aws.close());

  it("removes a job's bulk schedules with the job, in one call, and nothing of another job", async () => {
    const { deps } = world;
    await deploy(shopConfig(), {}, deps);
    const entries = [{ key: "a", expression: "@daily" }];
    await syncBulkSchedules(shopConfig(), "report", entries, {}, deps);
    await syncBulkSchedules(shopConfig(), "cleanup", entries, {}, deps);
    const result = await destroy(shopConfig(), { job: "report" }, deps);
    expect(result.plan.steps.filter((step) => step.kind === "schedule-group").map((step) => step.id)).toEqual(
      ["flexjob-shop.report"],
    );
    expect((await listBulkSchedules(shopConfig(), "report", deps)).exists).toBe(false);
    expect((await listBulkSchedules(shopConfig(), "cleanup", deps)).schedules).toHaveLength(1);
  });
});
