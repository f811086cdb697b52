import {
  ListNamespacesCommand,
  ListTagsForResourceCommand,
  ServiceDiscoveryClient,
} from "@aws-sdk/client-servicediscovery";
import { mockClient } from "aws-sdk-client-mock";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DiscoveryDeps } from "../discovery/deps.js";
import { ensureNamespace } from "../discovery/ensure.js";
import { FlexjobError } from "../errors.js";
import {
  applyNamespace,
  type NamespaceLive,
  type NamespaceSpec,
  namespaceRequestId,
  observeNamespace,
  planNamespace,
} from "./namespace.js";

const REGION = "eu-west-1";
const tags = { "flexjob:managed": "true", "flexjob:app": "shop" };
const spec: NamespaceSpec = { name: "shop.internal", vpcId: "vpc-1", tags };
const live = (overrides: Partial<NamespaceLive> = {}): NamespaceLive => ({
  id: "ns-1",
  arn: "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1",
  name: "shop.internal",
  httpName: "shop.internal",
  vpcId: "vpc-1",
  tags: { ...tags, "flexjob:vpc": "vpc-1" },
  ...overrides,
});

describe("planNamespace", () => {
  it("creates a missing namespace in the jobs' VPC", () => {
    expect(planNamespace(spec, undefined)).toEqual({
      kind: "namespace",
      id: "shop.internal",
      action: "create",
      changes: [
        { path: "vpcId", after: "vpc-1" },
        { path: "tags.flexjob:app", after: "shop" },
        { path: "tags.flexjob:managed", after: "true" },
      ],
      desired: spec,
    });
  });

  it("leaves a matching namespace alone", () => {
    expect(planNamespace(spec, live())).toEqual({
      kind: "namespace",
      id: "shop.internal",
      action: "noop",
      changes: [],
      desired: spec,
      live: live(),
    });
  });

  it("updates only flexjob's tags when they differ", () => {
    const stale = live({
      tags: { "flexjob:managed": "true", "flexjob:app": "old", "flexjob:vpc": "vpc-1", team: "x" },
    });
    expect(planNamespace(spec, stale)).toMatchObject({
      action: "update",
      changes: [{ path: "tags.flexjob:app", before: "old", after: "shop" }],
    });
  });

  it("uses a namespace flexjob did not create as is", () => {
    expect(planNamespace(spec, live({ vpcId: undefined, tags: {} }))).toMatchObject({
      action: "noop",
      changes: [],
      reason: "not created by flexjob: used as is, never changed",
    });
  });

  it("refuses a namespace in another VPC, naming both VPCs", () => {
    const other = live({ vpcId: "vpc-2", tags: { ...tags, "flexjob:vpc": "vpc-2" } });
    expect(() => planNamespace(spec, other)).toThrow(FlexjobError);
    try {
      planNamespace(spec, other);
    } catch (error) {
      const flexjob = error as FlexjobError;
      expect(flexjob.message).toBe(
        'Cloud Map namespace "shop.internal" (ns-1) serves VPC vpc-2, but the jobs run in VPC vpc-1',
      );
      expect(flexjob.fault).toBe("user");
      expect(flexjob.remedy).toContain("vpc-2");
    }
  });
});

describe("observeNamespace", () => {
  it("follows NextToken past empty filtered pages", async () => {
    const sd = new ServiceDiscoveryClient({ region: REGION });
    const mock = mockClient(sd);
    mock
      .on(ListNamespacesCommand, { NextToken: undefined })
      .resolves({ Namespaces: [], NextToken: "t1" })
      .on(ListNamespacesCommand, { NextToken: "t1" })
      .resolves({ Namespaces: [], NextToken: "t2" })
      .on(ListNamespacesCommand, { NextToken: "t2" })
      .resolves({
        Namespaces: [
          {
            Id: "ns-9",
            Arn: "arn:ns-9",
            Name: "shop.internal",
            Type: "DNS_PRIVATE",
            Properties: { HttpProperties: { HttpName: "shop.internal" } },
          },
        ],
      })
      .on(ListTagsForResourceCommand)
      .resolves({ Tags: [{ Key: "flexjob:vpc", Value: "vpc-1" }] });
    expect(await observeNamespace({ servicediscovery: sd }, "shop.internal")).toEqual({
      id: "ns-9",
      arn: "arn:ns-9",
      name: "shop.internal",
      httpName: "shop.internal",
      vpcId: "vpc-1",
      tags: { "flexjob:vpc": "vpc-1" },
    });
    expect(mock.commandCalls(ListNamespacesCommand)).toHaveLength(3);
    expect(mock.commandCalls(ListNamespacesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: "NAME", Values: ["shop.internal"], Condition: "EQ" },
      { Name: "TYPE", Values: ["DNS_PRIVATE"], Condition: "EQ" },
    ]);
  });
});

describe("namespaces against fake-aws", () => {
  let aws: FakeAws;
  let sd: ServiceDiscoveryClient;
  let vpc: string;
  let sleeps: number[];
  let deps: DiscoveryDeps;

  beforeAll(async () => {
    aws = await startFakeAws({ region: REGION, clock: { start: "2026-12-05T00:00:00Z" } });
    sd = new ServiceDiscoveryClient({ ...aws.clientConfig(), maxAttempts: 1, disableHostPrefix: true });
  });
  afterAll(async () => {
    sd.destroy();
    await aws.close();
  });
  beforeEach(() => {
    aws.reset();
    vpc = aws.ec2.defaultVpc(REGION).vpcId;
    sleeps = [];
    deps = {
      clients: { servicediscovery: sd },
      sleep: async (ms) => {
        sleeps.push(ms);
        aws.clock.advance(ms);
      },
      now: () => aws.clock.now(),
    };
  });

  it("creates the namespace, following its operation with backoff, and a second ensure sends no mutating call", async () => {
    const first = await ensureNamespace({ app: "shop", vpcId: vpc }, deps);
    expect(first).toMatchObject({ name: "shop.internal", changed: true, vpcId: vpc });
    expect(first.id).toMatch(/^ns-/);
    // Default fake timing: SUBMITTED, PENDING, SUCCESS.
    expect(sleeps).toEqual([1000, 2000]);
    const create = aws.callsTo("servicediscovery", "CreatePrivateDnsNamespace")[0]?.input;
    expect(create).toMatchObject({
      Name: "shop.internal",
      Vpc: vpc,
      CreatorRequestId: namespaceRequestId("shop.internal", vpc),
      Tags: [
        { Key: "flexjob:app", Value: "shop" },
        { Key: "flexjob:managed", Value: "true" },
        { Key: "flexjob:vpc", Value: vpc },
      ],
    });

    aws.clearCalls();
    const second = await ensureNamespace({ app: "shop", vpcId: vpc }, deps);
    expect(second).toEqual({ ...first, changed: false });
    expect(aws.mutatingCalls("servicediscovery")).toEqual([]);
  });

  it("gives up after about five minutes of injected time, naming the operation, namespace and status", async () => {
    aws.cloudmap.setOperationTiming({ kind: "polls", polls: 1000 });
    const error = await ensureNamespace({ app: "shop", vpcId: vpc }, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlexjobError);
    const flexjob = error as FlexjobError;
    const operationId = aws.callsTo("servicediscovery", "GetOperation")[0]?.input.OperationId as string;
    expect(flexjob.message).toContain(`creating Cloud Map namespace shop.internal in ${vpc}`);
    expect(flexjob.message).toContain(`Cloud Map operation ${operationId} is still PENDING after 300 s`);
    expect(flexjob.remedy).toContain(`get-operation --operation-id ${operationId}`);
    expect(sleeps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 10000]);
    expect(Math.max(...sleeps)).toBe(10000);
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(300_000);
  });

  it("reports Cloud Map's error message when the operation fails", async () => {
    aws.cloudmap.failOperations("CREATE_NAMESPACE", {
      code: "CANNOT_CREATE_HOSTED_ZONE",
      message: "The hosted zone limit was reached",
    });
    await expect(ensureNamespace({ app: "shop", vpcId: vpc }, deps)).rejects.toThrow(
      /failed: CANNOT_CREATE_HOSTED_ZONE: The hosted zone limit was reached/,
    );
  });

  it("refuses the app's namespace when it serves another VPC", async () => {
    const other = aws.ec2.addVpc({ region: REGION }).vpcId;
    await ensureNamespace({ app: "shop", vpcId: other }, deps);
    await expect(ensureNamespace({ app: "shop", vpcId: vpc }, deps)).rejects.toThrow(
      `serves VPC ${other}, but the jobs run in VPC ${vpc}`,
    );
  });

  it("deletes only a flexjob namespace, and re-creates it after a delete", async () => {
    const created = await ensureNamespace({ app: "shop", vpcId: vpc }, deps);
    const found = await observeNamespace(deps.clients, "shop.internal", vpc);
    await applyNamespace(
      deps.clients,
      {
        kind: "namespace",
        id: "shop.internal",
        action: "delete",
        changes: [],
        ...(found && { live: found }),
      },
      deps,
    );
    expect(await observeNamespace(deps.clients, "shop.internal", vpc)).toBeUndefined();

    const again = await ensureNamespace({ app: "shop", vpcId: vpc }, deps);
    expect(again.changed).toBe(true);
    expect(again.id).not.toBe(created.id);
    expect((await observeNamespace(deps.clients, "shop.internal", vpc))?.id).toBe(again.id);

    const foreign = { ...(found as NamespaceLive), id: again.id, tags: {} };
    await expect(
      applyNamespace(
        deps.clients,
        { kind: "namespace", id: "shop.internal", action: "delete", changes: [], live: foreign },
        deps,
      ),
    ).rejects.toThrow("refusing to delete Cloud Map namespace shop.internal");
  });

  it("converges when a concurrent run is creating the same namespace", async () => {
    aws.cloudmap.setOperationTiming({ kind: "polls", polls: 3 });
    const step = planNamespace({ name: "shop.internal", vpcId: vpc, tags }, undefined);
    const [a, b] = await Promise.all([
      applyNamespace(deps.clients, step, deps),
      applyNamespace(deps.clients, step, deps),
    ]);
    expect(a).toBe(b);
    expect(aws.snapshot().services.servicediscovery).toMatchObject({
      namespaces: [{ Name: "shop.internal" }],
    });
  });
});
