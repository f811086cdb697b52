/**
 * The deploy record: written as a standard String parameter, read back as it was written, cleared
 * by every apply and destroy before their first change, and never failing a deploy it cannot clear.
 */
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AwsClients } from "../src/aws/clients.js";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import {
  clearDeployRecord,
  type DeployRecord,
  decodeDeployRecord,
  deployRecordName,
  deployRecordOf,
  encodeDeployRecord,
  readDeployRecord,
  writeDeployRecord,
} from "../src/deploy/deploy-record.js";
import { destroy } from "../src/deploy/destroy.js";
import { recordableConfig } from "../src/deploy/recordable.js";
import type { Deps } from "../src/deps.js";
import { shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;
let logs: string[];

beforeEach(async () => {
  ({ aws, deps, logs } = await startWorld());
});
afterEach(() => aws.close());

function record(overrides: Partial<DeployRecord> = {}): DeployRecord {
  return {
    key: "k1",
    at: "2026-12-01T10:00:00Z",
    app: "shop",
    region: "eu-west-1",
    accountId: "123456789012",
    jobs: [
      {
        name: "report",
        image: "public.ecr.aws/docker/library/busybox:1.37",
        taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:1",
        scheduleArns: ["arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report"],
        timing: { expression: "cron(30 3 * * ? *)", timezone: "Europe/Berlin" },
      },
    ],
    ...overrides,
  };
}

async function parameter(app: string) {
  const { Parameter } = await deps.clients.ssm.send(new GetParameterCommand({ Name: deployRecordName(app) }));
  return Parameter;
}

describe("the deploy record's storage", () => {
  it("is a String parameter under the app's path, read back as written", async () => {
    expect(await readDeployRecord(deps.clients, "shop")).toBeUndefined();
    expect(await writeDeployRecord(deps.clients, "shop", record())).toBe(true);
    expect(await parameter("shop")).toMatchObject({
      Name: "/flexjob/shop/last-deploy",
      Type: "String",
      Version: 1,
    });
    expect(await readDeployRecord(deps.clients, "shop")).toEqual(record());
    await writeDeployRecord(deps.clients, "shop", record({ key: "k2" }));
    expect((await parameter("shop"))?.Version).toBe(2);
    expect((await readDeployRecord(deps.clients, "shop"))?.key).toBe("k2");
  });

  it("gzips a record too large for 4 KB of JSON, and refuses one that does not fit even so", async () => {
    const jobs = Array.from({ length: 40 }, (_, index) => ({ ...record().jobs[0], name: `job-${index}` }));
    const large = record({ jobs: jobs as DeployRecord["jobs"] });
    const value = encodeDeployRecord(large) ?? "";
    expect(JSON.stringify(large).length).toBeGreaterThan(4096);
    expect(value.startsWith("gzip:")).toBe(true);
    expect(value.length).toBeLessThanOrEqual(4096);
    expect(decodeDeployRecord(value)).toEqual(large);

    // Random image names do not compress: no record, and the older one is gone.
    await writeDeployRecord(deps.clients, "shop", record());
    const noise = (index: number) => `${index}${Math.random().toString(36).repeat(3)}`.slice(0, 60);
    const huge = record({
      jobs: Array.from({ length: 200 }, (_, index) => ({
        ...record().jobs[0],
        name: noise(index),
        image: noise(index),
      })) as DeployRecord["jobs"],
    });
    expect(encodeDeployRecord(huge)).toBeUndefined();
    expect(await writeDeployRecord(deps.clients, "shop", huge)).toBe(false);
    expect(await readDeployRecord(deps.clients, "shop")).toBeUndefined();
  });

  it("reads anything but its own format as no record", async () => {
    for (const value of [
      "not json",
      "{}",
      '{"format":2,"key":"k"}',
      "gzip:!!!",
      JSON.stringify({ ...record(), format: 1, jobs: [{}] }),
    ]) {
      expect(decodeDeployRecord(value), value).toBeUndefined();
    }
    await deps.clients.ssm.send(
      new PutParameterCommand({ Name: deployRecordName("shop"), Value: "edited by hand", Type: "String" }),
    );
    expect(await readDeployRecord(deps.clients, "shop")).toBeUndefined();
  });
});

describe("what clears it", () => {
  it("a deploy that changes something, before its first change; an unchanged deploy leaves it", async () => {
    await deploy(shopConfig(), {}, deps);
    await writeDeployRecord(deps.clients, "shop", record());
    const unchanged = await deploy(shopConfig(), {}, deps);
    expect(unchanged.changed).toBe(false);
    expect((await readDeployRecord(deps.clients, "shop"))?.key).toBe("k1");

    aws.clearCalls();
    await deploy(shopConfig({ report: { tasks: 2 } }), {}, deps);
    const mutating = aws.mutatingCalls().map((call) => call.operation);
    expect(mutating[0]).toBe("DeleteParameter");
    expect(mutating.length).toBeGreaterThan(1);
    expect(await readDeployRecord(deps.clients, "shop")).toBeUndefined();

    // With no record to clear, a change writes nothing for it: the record is read first.
    aws.clearCalls();
    await deploy(shopConfig({ report: { tasks: 1 } }), {}, deps);
    expect(aws.mutatingCalls().map((call) => call.operation)).not.toContain("DeleteParameter");
    expect(aws.calls.map((call) => call.operation)).toContain("GetParameter");
  });

  it("destroying the app, even when nothing else is left to remove", async () => {
    await writeDeployRecord(deps.clients, "shop", record());
    const result = await destroy(shopConfig(), {}, deps);
    expect(result.plan.steps).toEqual([]);
    expect(await readDeployRecord(deps.clients, "shop")).toBeUndefined();

    await deploy(shopConfig(), {}, deps);
    await writeDeployRecord(deps.clients, "shop", record());
    await destroy(shopConfig(), { dryRun: true }, deps);
    expect((await readDeployRecord(deps.clients, "shop"))?.key).toBe("k1");
    await destroy(shopConfig(), {}, deps);
    expect(await readDeployRecord(deps.clients, "shop")).toBeUndefined();
  });

  it("a change goes on when the record cannot be cleared, and the log says what that risks", async () => {
    const ssm = new SSMClient({ region: "eu-west-1", endpoint: aws.url, maxAttempts: 1 });
    ssm.send = (async () => {
      throw Object.assign(new Error("not authorized to perform: ssm:DeleteParameter"), {
        name: "AccessDeniedException",
        $metadata: { httpStatusCode: 400 },
      });
    }) as typeof ssm.send;
    const denied = { region: "eu-west-1", ssm } as unknown as AwsClients;
    const warnings: string[] = [];
    await clearDeployRecord(denied, "shop", { info: () => {}, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([
      "could not clear the deploy record /flexjob/shop/last-deploy (AccessDeniedException): the Action may skip its next unchanged run without seeing this change; grant ssm:DeleteParameter on it, or run the Action with verify: true",
    ]);
    await expect(clearDeployRecord(denied, "shop")).rejects.toThrow("ssm:DeleteParameter");
    expect(logs.filter((line) => line.startsWith("warn:"))).toEqual([]);
  });
});

describe("deployRecordOf", () => {
  it("keeps each job's images, ARNs and the timing its next runs come from", async () => {
    const result = await deploy(shopConfig(), {}, deps);
    const made = deployRecordOf(result, {
      key: "k",
      at: new Date("2026-12-01T10:00:00.123Z"),
      source: "commit abc",
    });
    expect(made.at).toBe("2026-12-01T10:00:00Z");
    expect(made.source).toBe("commit abc");
    expect(made.app).toBe("shop");
    expect(
      made.jobs.map((job) => [
        job.name,
        job.taskDefinitionArn,
        job.scheduleArns.length,
        job.timing?.expression,
      ]),
    ).toEqual([
      ["report", "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:1", 3, "cron(30 3 * * ? *)"],
      ["cleanup", "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-cleanup:1", 1, "rate(1 hour)"],
    ]);
    // The next week of runs, with the wall time each happens at in the job's zone.
    expect(made.jobs[0]?.nextRuns?.length).toBe(7);
    expect(made.jobs[0]?.nextRuns?.slice(0, 2)).toEqual([
      { at: "2026-12-02T02:30:00Z", local: "2026-12-02 03:30" },
      { at: "2026-12-03T02:30:00Z", local: "2026-12-03 03:30" },
    ]);
    // A rate counts from its schedule's creation: once the schedule exists, the record keeps it.
    expect(made.jobs[1]?.timing?.createdAt).toBeUndefined();
    const again = deployRecordOf(await deploy(shopConfig(), {}, deps), { key: "k", at: new Date() });
    expect(again.jobs[1]?.timing?.createdAt).toBe("2026-12-01T10:00:00.000Z");
  });
});

describe("recordableConfig", () => {
  const secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf";
  const config = (app: Record<string, unknown> = {}, job: Record<string, unknown> = { image: "alpine:3" }) =>
    parseConfig({
      app: "shop",
      region: "eu-west-1",
      jobs: { report: { schedule: "rate(1 hour)", ...job } },
      ...app,
    });

  it("is a config whose deploy reads nothing outside it: no build from source, no webhook held in a secret", () => {
    expect(recordableConfig(config())).toBe(true);
    expect(recordableConfig(config({ alerts: { webhook: "https://hooks.example.com/x" } }))).toBe(true);
    expect(recordableConfig(config({ alerts: { webhook: secret } }))).toBe(false);
    expect(recordableConfig(config({}, { image: "alpine:3", alerts: { webhook: secret } }))).toBe(false);
    expect(recordableConfig(config({}, { source: { rootDir: "." } }))).toBe(false);
  });
});
