import {
  CreateServiceCommand,
  GetOperationCommand,
  ServiceAlreadyExists,
  ServiceDiscoveryClient,
  TagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-servicediscovery";
import { mockClient } from "aws-sdk-client-mock";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DiscoveryDeps } from "../discovery/deps.js";
import { deregisterInstance, ensureNamespace, ensureService, registerInstance } from "../discovery/ensure.js";
import type { FlexjobError } from "../errors.js";
import { createClients } from "./clients.js";
import {
  applyService,
  discoveryPolicyStatement,
  listServices,
  observeService,
  planService,
  type ServiceLive,
  type ServiceSpec,
  type ServiceStep,
  serviceRequestId,
} from "./discovery-service.js";
import {
  applyNamespace,
  type NamespaceLive,
  type NamespaceStep,
  observeNamespace,
  planNamespace,
} from "./namespace.js";

const REGION = "eu-west-1";
const tags = { "flexjob:managed": "true", "flexjob:app": "shop" };
const spec: ServiceSpec = {
  name: "api",
  namespaceId: "ns-1",
  dnsRecords: [{ Type: "A", TTL: 10 }],
  routingPolicy: "MULTIVALUE",
  healthCheckCustom: true,
  tags,
};
const live = (overrides: Partial<ServiceLive> = {}): ServiceLive => ({
  id: "srv-1",
  arn: "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-1",
  name: "api",
  namespaceId: "ns-1",
  dnsRecords: [{ Type: "A", TTL: 10 }],
  routingPolicy: "MULTIVALUE",
  healthCheckCustom: true,
  tags,
  ...overrides,
});
const context = { sleep: async () => {}, now: () => new Date("2026-12-05T00:00:00Z") };

describe("planService", () => {
  it("creates a missing service", () => {
    expect(planService(spec, undefined)).toEqual({
      kind: "discovery-service",
      id: "ns-1/api",
      action: "create",
      changes: [
        { path: "dnsRecords", after: [{ Type: "A", TTL: 10 }] },
        { path: "healthCheckCustom", after: true },
        { path: "tags.flexjob:app", after: "shop" },
        { path: "tags.flexjob:managed", after: "true" },
      ],
      desired: spec,
    });
  });

  it("leaves a matching service alone", () => {
    expect(planService(spec, live())).toEqual({
      kind: "discovery-service",
      id: "ns-1/api",
      action: "noop",
      changes: [],
      desired: spec,
      live: live(),
    });
  });

  it("updates a TTL in place", () => {
    expect(planService(spec, live({ dnsRecords: [{ Type: "A", TTL: 60 }] }))).toMatchObject({
      action: "update",
      changes: [{ path: "dnsRecords.A.TTL", before: 60, after: 10 }],
    });
    expect(planService(spec, live({ dnsRecords: [{ Type: "A", TTL: 60 }] })).reason).toBeUndefined();
  });

  it("says a record type or health check change needs a replacement", () => {
    const step = planService(
      spec,
      live({ dnsRecords: [{ Type: "SRV", TTL: 10 }], healthCheckCustom: false }),
    );
    expect(step).toMatchObject({
      action: "update",
      changes: [
        { path: "dnsRecords.types", before: "SRV", after: "A" },
        { path: "healthCheckCustom", before: false, after: true },
      ],
      reason: "replace needed: Cloud Map cannot change dnsRecords.types, healthCheckCustom in place",
    });
  });

  it("uses a matching service flexjob did not create as is, and refuses a differing one", () => {
    expect(planService(spec, live({ tags: {} }))).toMatchObject({
      action: "noop",
      reason: expect.any(String),
    });
    expect(() => planService(spec, live({ tags: {}, dnsRecords: [{ Type: "A", TTL: 60 }] }))).toThrow(
      "Cloud Map service api (srv-1) exists, was not created by flexjob, and differs: dnsRecords.A.TTL 60 → 10",
    );
  });
});

describe("applyService with a mocked client", () => {
  const sd = new ServiceDiscoveryClient({ region: REGION });
  const mock = mockClient(sd);
  beforeEach(() => mock.reset());

  it("updates a TTL with the complete record list and follows the operation", async () => {
    mock
      .on(UpdateServiceCommand)
      .resolves({ OperationId: "op-1" })
      .on(GetOperationCommand)
      .resolvesOnce({ Operation: { Id: "op-1", Status: "PENDING" } })
      .resolves({ Operation: { Id: "op-1", Status: "SUCCESS" } });
    const step = planService(
      {
        ...spec,
        dnsRecords: [
          { Type: "A", TTL: 10 },
          { Type: "SRV", TTL: 10 },
        ],
      },
      live({
        dnsRecords: [
          { Type: "SRV", TTL: 10 },
          { Type: "A", TTL: 60 },
        ],
      }),
    );
    expect(await applyService({ servicediscovery: sd }, step, context)).toEqual({
      id: "srv-1",
      arn: live().arn,
    });
    expect(mock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
      Id: "srv-1",
      Service: {
        DnsConfig: {
          DnsRecords: [
            { Type: "A", TTL: 10 },
            { Type: "SRV", TTL: 10 },
          ],
        },
      },
    });
    expect(mock.commandCalls(GetOperationCommand)).toHaveLength(2);
    expect(mock.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  it("refuses a replacement with the steps to take, sending nothing", async () => {
    const step = planService(spec, live({ healthCheckCustom: false }));
    const error = (await applyService({ servicediscovery: sd }, step, context).catch(
      (e: unknown) => e,
    )) as FlexjobError;
    expect(error.message).toContain("must be replaced to change healthCheckCustom false → true");
    expect(error.remedy).toContain("aws servicediscovery delete-service --id srv-1");
    expect(mock.calls()).toHaveLength(0);
  });

  it("adopts a service another run created between plan and apply", async () => {
    mock.on(CreateServiceCommand).rejects(
      new ServiceAlreadyExists({
        message: "exists",
        $metadata: {},
        ServiceId: "srv-7",
        ServiceArn: "arn:srv-7",
      }),
    );
    expect(await applyService({ servicediscovery: sd }, planService(spec, undefined), context)).toEqual({
      id: "srv-7",
      arn: "arn:srv-7",
    });
    expect(mock.commandCalls(CreateServiceCommand)[0]?.args[0].input).toMatchObject({
      CreatorRequestId: serviceRequestId("ns-1", "api"),
      HealthCheckCustomConfig: {},
      DnsConfig: { RoutingPolicy: "MULTIVALUE", DnsRecords: [{ Type: "A", TTL: 10 }] },
    });
  });
});

describe("discoveryPolicyStatement", () => {
  it("allows discovery in the app's namespace only", () => {
    expect(discoveryPolicyStatement("shop.internal")).toEqual({
      Sid: "DiscoverServices",
      Effect: "Allow",
      Action: ["servicediscovery:DiscoverInstances", "servicediscovery:DiscoverInstancesRevision"],
      Resource: "*",
      Condition: { StringEquals: { "servicediscovery:NamespaceName": "shop.internal" } },
    });
  });
});

describe("services and instances against fake-aws", () => {
  let aws: FakeAws;
  let sd: ServiceDiscoveryClient;
  let deps: DiscoveryDeps;
  let namespaceId: string;

  beforeAll(async () => {
    aws = await startFakeAws({ region: REGION, clock: { start: "2026-12-05T00:00:00Z" } });
    sd = new ServiceDiscoveryClient({ ...aws.clientConfig(), maxAttempts: 1, disableHostPrefix: true });
  });
  afterAll(async () => {
    sd.destroy();
    await aws.close();
  });
  beforeEach(async () => {
    aws.reset();
    deps = {
      clients: { servicediscovery: sd },
      sleep: async (ms) => {
        aws.clock.advance(ms);
      },
      now: () => aws.clock.now(),
    };
    namespaceId = (await ensureNamespace({ app: "shop", vpcId: aws.ec2.defaultVpc(REGION).vpcId }, deps)).id;
    aws.clearCalls();
  });

  it("creates a service once; a second ensure sends no mutating call", async () => {
    const first = await ensureService({ app: "shop", namespaceId, name: "api" }, deps);
    expect(first).toMatchObject({ name: "api", changed: true });
    expect(first.id).toMatch(/^srv-/);
    aws.clearCalls();
    const second = await ensureService({ app: "shop", namespaceId, name: "api" }, deps);
    expect(second).toEqual({ ...first, changed: false });
    expect(aws.mutatingCalls("servicediscovery")).toEqual([]);
  });

  it("adopts the service when two runs create it at once", async () => {
    const [a, b] = await Promise.all([
      ensureService({ app: "shop", namespaceId, name: "api" }, deps),
      ensureService({ app: "shop", namespaceId, name: "api" }, deps),
    ]);
    expect(a.id).toBe(b.id);
  });

  it("registers an instance once, updates it when its attributes change, and deregisters idempotently", async () => {
    const api = await ensureService({ app: "shop", namespaceId, name: "api" }, deps);
    const instance = {
      serviceId: api.id,
      id: "vm-1",
      ipv4: "10.0.1.23",
      port: 8080,
      attributes: { weight: "3" },
    };
    expect(await registerInstance(instance, deps)).toEqual({ changed: true });
    aws.clearCalls();
    expect(await registerInstance(instance, deps)).toEqual({ changed: false });
    expect(aws.mutatingCalls("servicediscovery")).toEqual([]);

    expect(await registerInstance({ ...instance, attributes: { weight: "1" } }, deps)).toEqual({
      changed: true,
    });
    expect(aws.callsTo("servicediscovery", "RegisterInstance")[0]?.input).toMatchObject({
      ServiceId: api.id,
      InstanceId: "vm-1",
      Attributes: { weight: "1", AWS_INSTANCE_IPV4: "10.0.1.23", AWS_INSTANCE_PORT: "8080" },
    });

    expect(await deregisterInstance({ serviceId: api.id, id: "vm-1" }, deps)).toEqual({ changed: true });
    expect(await deregisterInstance({ serviceId: api.id, id: "vm-1" }, deps)).toEqual({ changed: false });
  });

  it("each Cloud Map function loads its own SDK module, on clients with nothing loaded yet", async () => {
    // A fresh createClients object per call: a function that read its client before loadSdk would throw.
    const fresh = () => createClients({ region: REGION, endpoint: aws.url, maxAttempts: 1 });
    const freshDeps = (): DiscoveryDeps => ({ ...deps, clients: fresh() });
    const vpcId = aws.ec2.defaultVpc(REGION).vpcId;
    expect((await observeNamespace(fresh(), "shop.internal", vpcId))?.id).toBe(namespaceId);
    const other = planNamespace({ name: "other.internal", vpcId, tags }, undefined);
    const otherId = await applyNamespace(fresh(), other, deps);
    expect(otherId).toMatch(/^ns-/);

    expect(await observeService(fresh(), namespaceId, "api")).toBeUndefined();
    const created = await applyService(fresh(), planService({ ...spec, namespaceId }, undefined), deps);
    expect(created?.id).toMatch(/^srv-/);
    const createdLive = live({ id: created?.id ?? "", arn: created?.arn ?? "", namespaceId });
    const retag = planService({ ...spec, namespaceId, tags: { ...tags, team: "core" } }, createdLive);
    await applyService(fresh(), retag, deps);
    const instance = { serviceId: created?.id ?? "", id: "vm-1", ipv4: "10.0.1.23" };
    expect(await registerInstance(instance, freshDeps())).toEqual({ changed: true });
    expect(await deregisterInstance(instance, freshDeps())).toEqual({ changed: true });

    const services = await listServices(fresh(), namespaceId);
    expect(services.map((service) => [service.name, service.tags.team])).toEqual([["api", "core"]]);
    const remove: ServiceStep = {
      kind: "discovery-service",
      id: `${namespaceId}/api`,
      action: "delete",
      changes: [],
      live: services[0] as ServiceLive,
    };
    await applyService(fresh(), remove, deps);
    const otherLive = await observeNamespace(fresh(), "other.internal", vpcId);
    expect(otherLive?.id).toBe(otherId);
    const drop: NamespaceStep = {
      kind: "namespace",
      id: "other.internal",
      action: "delete",
      changes: [],
      live: otherLive as NamespaceLive,
    };
    await applyNamespace(fresh(), drop, deps);
    expect(aws.snapshot().services.servicediscovery).toMatchObject({ services: [] });
    expect(await observeNamespace(fresh(), "other.internal", vpcId)).toBeUndefined();
  });

  it("deletes a flexjob service, but says to deregister its instances first", async () => {
    const api = await ensureService({ app: "shop", namespaceId, name: "api" }, deps);
    await registerInstance({ serviceId: api.id, id: "vm-1", ipv4: "10.0.1.23" }, deps);
    const step: ServiceStep = {
      kind: "discovery-service",
      id: `${namespaceId}/api`,
      action: "delete",
      changes: [],
      live: live({ id: api.id, arn: api.arn, namespaceId }),
    };
    await expect(applyService(deps.clients, step, deps)).rejects.toThrow("still has registered instances");
    await deregisterInstance({ serviceId: api.id, id: "vm-1" }, deps);
    await applyService(deps.clients, step, deps);
    await applyService(deps.clients, step, deps);
    expect(aws.snapshot().services.servicediscovery).toMatchObject({ services: [] });
  });
});
