import {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  CustomHealthNotFound,
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  DiscoverInstancesCommand,
  DiscoverInstancesRevisionCommand,
  DuplicateRequest,
  GetInstanceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  GetServiceCommand,
  InstanceNotFound,
  InvalidInput,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  NamespaceAlreadyExists,
  NamespaceNotFound,
  OperationNotFound,
  RegisterInstanceCommand,
  ResourceInUse,
  ResourceNotFoundException,
  ServiceAlreadyExists,
  ServiceDiscoveryClient,
  ServiceNotFound,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateInstanceCustomHealthStatusCommand,
} from "@aws-sdk/client-servicediscovery";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CallContext, World } from "../../core/types.js";
import { type FakeAws, startFakeAws } from "../../index.js";
import { AwsErrorWithMembers, type CloudMapService, createCloudMapService } from "./index.js";

let aws: FakeAws;
let sd: ServiceDiscoveryClient;
let vpc: string;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: "2030-01-01T00:00:00Z" } });
  sd = new ServiceDiscoveryClient({ ...aws.clientConfig(), maxAttempts: 1, disableHostPrefix: true });
});
afterAll(async () => {
  sd.destroy();
  await aws.close();
});
beforeEach(() => {
  aws.reset();
  vpc = aws.ec2.defaultVpc().vpcId;
});

async function rejects(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to fail");
}

/** Creates a namespace and polls its operation to the end, as a client would. */
async function namespace(name = "flexjob.local"): Promise<string> {
  const { OperationId } = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: name, Vpc: vpc }));
  for (let i = 0; i < 10; i++) {
    const { Operation } = await sd.send(new GetOperationCommand({ OperationId }));
    if (Operation?.Status === "SUCCESS") return Operation.Targets?.NAMESPACE ?? "";
  }
  throw new Error("namespace never finished");
}

async function service(
  namespaceId: string,
  name = "api",
  extra: Record<string, unknown> = {},
): Promise<string> {
  const { Service } = await sd.send(
    new CreateServiceCommand({
      Name: name,
      NamespaceId: namespaceId,
      DnsConfig: { DnsRecords: [{ Type: "A", TTL: 60 }] },
      HealthCheckCustomConfig: {},
      ...extra,
    }),
  );
  return Service?.Id ?? "";
}

async function register(serviceId: string, instanceId: string, attributes: Record<string, string> = {}) {
  return sd.send(
    new RegisterInstanceCommand({
      ServiceId: serviceId,
      InstanceId: instanceId,
      Attributes: { AWS_INSTANCE_IPV4: "10.0.0.1", AWS_INSTANCE_PORT: "8080", ...attributes },
    }),
  );
}

const discover = (input: Partial<ConstructorParameters<typeof DiscoverInstancesCommand>[0]> = {}) =>
  sd.send(new DiscoverInstancesCommand({ NamespaceName: "flexjob.local", ServiceName: "api", ...input }));

describe("namespaces and operations", () => {
  it("a namespace appears only when its operation, polled, goes SUBMITTED → PENDING → SUCCESS", async () => {
    const { OperationId } = await sd.send(
      new CreatePrivateDnsNamespaceCommand({ Name: "flexjob.local", Vpc: vpc, Description: "jobs" }),
    );
    expect(OperationId).toMatch(/^[a-z0-9]{32}-[a-z0-9]{8}$/);
    expect((await sd.send(new ListNamespacesCommand({}))).Namespaces).toEqual([]);
    const statuses: string[] = [];
    let namespaceId = "";
    for (let i = 0; i < 3; i++) {
      const { Operation } = await sd.send(new GetOperationCommand({ OperationId }));
      statuses.push(Operation?.Status ?? "");
      namespaceId = Operation?.Targets?.NAMESPACE ?? "";
      expect(Operation).toMatchObject({
        Id: OperationId,
        Type: "CREATE_NAMESPACE",
        OwnerAccount: "123456789012",
      });
    }
    expect(statuses).toEqual(["SUBMITTED", "PENDING", "SUCCESS"]);
    const { Namespace } = await sd.send(new GetNamespaceCommand({ Id: namespaceId }));
    expect(Namespace).toMatchObject({
      Id: namespaceId,
      Arn: `arn:aws:servicediscovery:us-east-1:123456789012:namespace/${namespaceId}`,
      Name: "flexjob.local",
      Type: "DNS_PRIVATE",
      Description: "jobs",
      ServiceCount: 0,
      Properties: {
        DnsProperties: { HostedZoneId: expect.stringMatching(/^Z[A-Z0-9]+$/), SOA: { TTL: 15 } },
        HttpProperties: { HttpName: "flexjob.local" },
      },
      CreateDate: new Date("2030-01-01T00:00:00Z"),
    });
    expect(namespaceId).toMatch(/^ns-[a-z0-9]{16}$/);
    expect(aws.world.exists("cloudmap-namespace", namespaceId, "us-east-1")).toBe(true);
    expect(aws.world.exists("cloudmap-namespace", Namespace?.Arn ?? "", "us-east-1")).toBe(true);
  });

  it("the same CreatorRequestId returns the same operation", async () => {
    const input = { Name: "flexjob.local", Vpc: vpc, CreatorRequestId: "deploy-1" };
    const a = await sd.send(new CreatePrivateDnsNamespaceCommand(input));
    const b = await sd.send(new CreatePrivateDnsNamespaceCommand(input));
    expect(b.OperationId).toBe(a.OperationId);
  });

  it("a second create of a pending namespace is DuplicateRequest; of an existing one NamespaceAlreadyExists", async () => {
    await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: "flexjob.local", Vpc: vpc }));
    const pending = await rejects(
      sd.send(new CreatePrivateDnsNamespaceCommand({ Name: "flexjob.local", Vpc: vpc })),
    );
    expect(pending).toBeInstanceOf(DuplicateRequest);
    aws.reset();
    await namespace();
    const again = await rejects(
      sd.send(new CreatePrivateDnsNamespaceCommand({ Name: "flexjob.local", Vpc: vpc })),
    );
    expect(again).toBeInstanceOf(NamespaceAlreadyExists);
  });

  it("the same name in another VPC gets its own namespace with a distinct HTTP name", async () => {
    const first = await namespace();
    const other = aws.ec2.addVpc().vpcId;
    const { OperationId } = await sd.send(
      new CreatePrivateDnsNamespaceCommand({ Name: "flexjob.local", Vpc: other }),
    );
    let second = "";
    for (let i = 0; i < 3; i++) {
      second = (await sd.send(new GetOperationCommand({ OperationId }))).Operation?.Targets?.NAMESPACE ?? "";
    }
    const { Namespace } = await sd.send(new GetNamespaceCommand({ Id: second }));
    expect(second).not.toBe(first);
    expect(Namespace?.Properties?.HttpProperties?.HttpName).toMatch(/^flexjob\.local-[a-z0-9]{8}$/);
  });

  it("a VPC that does not exist is InvalidInput", async () => {
    const error = await rejects(
      sd.send(new CreatePrivateDnsNamespaceCommand({ Name: "flexjob.local", Vpc: "vpc-0123456789abcdef0" })),
    );
    expect(error).toBeInstanceOf(InvalidInput);
  });

  it.each<[string, Record<string, unknown>]>([
    ["an ARN-like name", { Name: "arn:aws:x" }],
    ["a name over 253 characters", { Name: "a".repeat(254) }],
    ["a name with a space", { Name: "flex job" }],
    ["no Vpc", { Vpc: undefined }],
    ["a Description over 1024 characters", { Description: "d".repeat(1025) }],
    ["a negative SOA TTL", { Properties: { DnsProperties: { SOA: { TTL: -1 } } } }],
    ["a tag without a key", { Tags: [{ Value: "v" }] }],
  ])("CreatePrivateDnsNamespace with %s is InvalidInput", async (_name, override) => {
    const input = { Name: "flexjob.local", Vpc: vpc, ...override };
    const error = await rejects(sd.send(new CreatePrivateDnsNamespaceCommand(input as never)));
    expect(error).toBeInstanceOf(InvalidInput);
  });

  it("an unknown operation is OperationNotFound; an unknown namespace NamespaceNotFound", async () => {
    expect(await rejects(sd.send(new GetOperationCommand({ OperationId: "nope" })))).toBeInstanceOf(
      OperationNotFound,
    );
    expect(await rejects(sd.send(new GetNamespaceCommand({ Id: "ns-aaaaaaaaaaaaaaaa" })))).toBeInstanceOf(
      NamespaceNotFound,
    );
  });

  it("ListNamespaces filters by TYPE, NAME and HTTP_NAME", async () => {
    await namespace("a.local");
    await namespace("b.local");
    const names = async (Filters: never) =>
      ((await sd.send(new ListNamespacesCommand({ Filters }))).Namespaces ?? []).map((n) => n.Name);
    expect(await names([{ Name: "TYPE", Values: ["DNS_PRIVATE"] }] as never)).toEqual(["a.local", "b.local"]);
    expect(await names([{ Name: "TYPE", Values: ["HTTP", "DNS_PUBLIC"], Condition: "IN" }] as never)).toEqual(
      [],
    );
    expect(await names([{ Name: "NAME", Values: ["b."], Condition: "BEGINS_WITH" }] as never)).toEqual([
      "b.local",
    ]);
    expect(await names([{ Name: "HTTP_NAME", Values: ["a.local"], Condition: "EQ" }] as never)).toEqual([
      "a.local",
    ]);
  });

  it.each<[string, unknown]>([
    ["BETWEEN", [{ Name: "NAME", Values: ["a", "b"], Condition: "BETWEEN" }]],
    ["EQ with two values", [{ Name: "NAME", Values: ["a", "b"] }]],
    ["an unknown filter name", [{ Name: "COLOUR", Values: ["blue"] }]],
    ["a bad TYPE value", [{ Name: "TYPE", Values: ["PUBLIC"] }]],
  ])("ListNamespaces with %s is InvalidInput", async (_name, Filters) => {
    expect(await rejects(sd.send(new ListNamespacesCommand({ Filters: Filters as never })))).toBeInstanceOf(
      InvalidInput,
    );
  });

  it("ListNamespaces takes MaxResults 1–100, filters after paging, and rejects a made-up token", async () => {
    for (const name of ["a.local", "b.local", "c.local"]) await namespace(name);
    const first = await sd.send(
      new ListNamespacesCommand({ MaxResults: 2, Filters: [{ Name: "NAME", Values: ["c.local"] }] }),
    );
    // As AWS documents: the first MaxResults namespaces are filtered, so the page can be empty.
    expect(first.Namespaces).toEqual([]);
    expect(first.NextToken).toBeDefined();
    const second = await sd.send(
      new ListNamespacesCommand({
        MaxResults: 2,
        NextToken: first.NextToken,
        Filters: [{ Name: "NAME", Values: ["c.local"] }],
      }),
    );
    expect(second.Namespaces?.map((n) => n.Name)).toEqual(["c.local"]);
    expect(second.NextToken).toBeUndefined();
    for (const MaxResults of [0, 101]) {
      expect(await rejects(sd.send(new ListNamespacesCommand({ MaxResults })))).toBeInstanceOf(InvalidInput);
    }
    expect(await rejects(sd.send(new ListNamespacesCommand({ NextToken: "bogus" })))).toBeInstanceOf(
      InvalidInput,
    );
  });

  it("DeleteNamespace refuses a namespace with services, then removes it through an operation", async () => {
    const ns = await namespace();
    const srv = await service(ns);
    expect(await rejects(sd.send(new DeleteNamespaceCommand({ Id: ns })))).toBeInstanceOf(ResourceInUse);
    await sd.send(new DeleteServiceCommand({ Id: srv }));
    const { OperationId } = await sd.send(new DeleteNamespaceCommand({ Id: ns }));
    expect(await rejects(sd.send(new DeleteNamespaceCommand({ Id: ns })))).toBeInstanceOf(DuplicateRequest);
    for (let i = 0; i < 3; i++) await sd.send(new GetOperationCommand({ OperationId }));
    expect(await rejects(sd.send(new GetNamespaceCommand({ Id: ns })))).toBeInstanceOf(NamespaceNotFound);
  });
});

describe("services", () => {
  it("CreateService returns the service; GetService and ListServices find it", async () => {
    const ns = await namespace();
    const { Service } = await sd.send(
      new CreateServiceCommand({
        Name: "api",
        NamespaceId: ns,
        Description: "the api",
        DnsConfig: {
          RoutingPolicy: "MULTIVALUE",
          DnsRecords: [
            { Type: "A", TTL: 60 },
            { Type: "SRV", TTL: 60 },
          ],
        },
        HealthCheckCustomConfig: { FailureThreshold: 1 },
        CreatorRequestId: "req-1",
      }),
    );
    expect(Service).toMatchObject({
      Name: "api",
      NamespaceId: ns,
      Description: "the api",
      InstanceCount: 0,
      Type: "DNS_HTTP",
      DnsConfig: {
        RoutingPolicy: "MULTIVALUE",
        DnsRecords: [
          { Type: "A", TTL: 60 },
          { Type: "SRV", TTL: 60 },
        ],
      },
      HealthCheckCustomConfig: { FailureThreshold: 1 },
      CreatorRequestId: "req-1",
      CreateDate: new Date("2030-01-01T00:00:00Z"),
    });
    expect(Service?.Id).toMatch(/^srv-[a-z0-9]{16}$/);
    expect(Service?.Arn).toBe(`arn:aws:servicediscovery:us-east-1:123456789012:service/${Service?.Id}`);
    expect((await sd.send(new GetServiceCommand({ Id: Service?.Arn ?? "" }))).Service?.Id).toBe(Service?.Id);
    const listed = await sd.send(
      new ListServicesCommand({ Filters: [{ Name: "NAMESPACE_ID", Values: [ns] }] }),
    );
    expect(listed.Services?.map((s) => s.Name)).toEqual(["api"]);
    expect((await sd.send(new GetNamespaceCommand({ Id: ns }))).Namespace?.ServiceCount).toBe(1);
  });

  it("a service without DnsConfig is an HTTP service", async () => {
    const { Service } = await sd.send(
      new CreateServiceCommand({ Name: "worker", NamespaceId: await namespace() }),
    );
    expect(Service?.Type).toBe("HTTP");
  });

  it("a second service of the same name is ServiceAlreadyExists, unless it is a retry with the same CreatorRequestId", async () => {
    const ns = await namespace();
    const input = { Name: "api", NamespaceId: ns, CreatorRequestId: "r1" };
    const first = await sd.send(new CreateServiceCommand(input));
    const retry = await sd.send(new CreateServiceCommand(input));
    expect(retry.Service?.Id).toBe(first.Service?.Id);
    const clash = await rejects(
      sd.send(new CreateServiceCommand({ Name: "API", NamespaceId: ns, CreatorRequestId: "r2" })),
    );
    expect(clash).toBeInstanceOf(ServiceAlreadyExists);
    // The error's modeled members reach the SDK's exception, as AWS sends them.
    expect(clash).toMatchObject({ ServiceId: first.Service?.Id, CreatorRequestId: "r1" });
  });

  it("the handle's registerInstances makes instances discoverable through the real client", async () => {
    aws.cloudmap.registerInstances({ namespace: "shop.internal", service: "api" }, [
      { id: "i-1", attributes: { AWS_INSTANCE_IPV4: "10.0.0.7", AWS_INSTANCE_PORT: "8080" } },
    ]);
    const found = await sd.send(
      new DiscoverInstancesCommand({
        NamespaceName: "shop.internal",
        ServiceName: "api",
        HealthStatus: "ALL",
      }),
    );
    expect(found.Instances?.map((instance) => instance.Attributes?.AWS_INSTANCE_IPV4)).toEqual(["10.0.0.7"]);
  });

  it("a namespace that does not exist (or is still being created) is NamespaceNotFound", async () => {
    const error = await rejects(
      sd.send(new CreateServiceCommand({ Name: "api", NamespaceId: "ns-aaaaaaaaaaaaaaaa" })),
    );
    expect(error).toBeInstanceOf(NamespaceNotFound);
    const { OperationId } = await sd.send(
      new CreatePrivateDnsNamespaceCommand({ Name: "x.local", Vpc: vpc }),
    );
    const { Operation } = await sd.send(new GetOperationCommand({ OperationId }));
    const early = await rejects(
      sd.send(new CreateServiceCommand({ Name: "api", NamespaceId: Operation?.Targets?.NAMESPACE ?? "" })),
    );
    expect(early).toBeInstanceOf(NamespaceNotFound);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a name starting with a dash", { Name: "-api" }],
    ["a name label over 63 characters", { Name: "a".repeat(64) }],
    ["no NamespaceId", { NamespaceId: undefined }],
    ["a negative TTL", { DnsConfig: { DnsRecords: [{ Type: "A", TTL: -1 }] } }],
    ["an unknown record type", { DnsConfig: { DnsRecords: [{ Type: "MX", TTL: 60 }] } }],
    [
      "a repeated record type",
      {
        DnsConfig: {
          DnsRecords: [
            { Type: "A", TTL: 60 },
            { Type: "A", TTL: 30 },
          ],
        },
      },
    ],
    ["no records", { DnsConfig: { DnsRecords: [] } }],
    ["CNAME without WEIGHTED", { DnsConfig: { DnsRecords: [{ Type: "CNAME", TTL: 60 }] } }],
    [
      "CNAME with A",
      {
        DnsConfig: {
          RoutingPolicy: "WEIGHTED",
          DnsRecords: [
            { Type: "CNAME", TTL: 60 },
            { Type: "A", TTL: 60 },
          ],
        },
      },
    ],
    ["HealthCheckConfig in a private namespace", { HealthCheckConfig: { Type: "HTTP", ResourcePath: "/" } }],
    ["both health check kinds", { HealthCheckConfig: { Type: "HTTP" }, HealthCheckCustomConfig: {} }],
    ["FailureThreshold 11", { HealthCheckCustomConfig: { FailureThreshold: 11 } }],
    ["Type HTTP with DnsConfig", { Type: "HTTP", DnsConfig: { DnsRecords: [{ Type: "A", TTL: 60 }] } }],
  ])("CreateService with %s is InvalidInput", async (_name, override) => {
    const ns = await namespace();
    const error = await rejects(
      sd.send(new CreateServiceCommand({ Name: "api", NamespaceId: ns, ...override } as never)),
    );
    expect(error).toBeInstanceOf(InvalidInput);
  });

  it("an unknown service is ServiceNotFound; a service with instances can't be deleted", async () => {
    expect(await rejects(sd.send(new GetServiceCommand({ Id: "srv-aaaaaaaaaaaaaaaa" })))).toBeInstanceOf(
      ServiceNotFound,
    );
    const srv = await service(await namespace());
    await register(srv, "task-1");
    expect(await rejects(sd.send(new DeleteServiceCommand({ Id: srv })))).toBeInstanceOf(ResourceInUse);
  });

  it("ListServices pages with MaxResults and NextToken", async () => {
    const ns = await namespace();
    for (const name of ["a", "b", "c"]) await service(ns, name);
    const first = await sd.send(new ListServicesCommand({ MaxResults: 2 }));
    const second = await sd.send(new ListServicesCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect([...(first.Services ?? []), ...(second.Services ?? [])].map((s) => s.Name)).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(second.NextToken).toBeUndefined();
  });
});

describe("instances and discovery", () => {
  it("RegisterInstance registers at once by default; ListInstances, GetInstance and DiscoverInstances see it", async () => {
    const srv = await service(await namespace());
    const { OperationId } = await register(srv, "task-1", { version: "v1" });
    const { Operation } = await sd.send(new GetOperationCommand({ OperationId }));
    expect(Operation).toMatchObject({
      Type: "REGISTER_INSTANCE",
      Status: "SUCCESS",
      Targets: { INSTANCE: "task-1", SERVICE: srv },
    });
    const listed = await sd.send(new ListInstancesCommand({ ServiceId: srv }));
    expect(listed.Instances).toEqual([
      {
        Id: "task-1",
        Attributes: { AWS_INSTANCE_IPV4: "10.0.0.1", AWS_INSTANCE_PORT: "8080", version: "v1" },
        CreatedByAccount: "123456789012",
      },
    ]);
    const got = await sd.send(new GetInstanceCommand({ ServiceId: srv, InstanceId: "task-1" }));
    expect(got.Instance?.Id).toBe("task-1");
    const found = await discover();
    expect(found.Instances).toEqual([
      {
        InstanceId: "task-1",
        NamespaceName: "flexjob.local",
        ServiceName: "api",
        HealthStatus: "HEALTHY",
        Attributes: { AWS_INSTANCE_IPV4: "10.0.0.1", AWS_INSTANCE_PORT: "8080", version: "v1" },
      },
    ]);
    expect(typeof found.InstancesRevision).toBe("number");
  });

  const BASE = { AWS_INSTANCE_IPV4: "10.0.0.1", AWS_INSTANCE_PORT: "8080" };
  it.each<[string, Record<string, string>]>([
    ["no AWS_INSTANCE_IPV4 for an A record", { AWS_INSTANCE_PORT: "8080" }],
    ["an AWS_INSTANCE_IPV4 that is not an address", { ...BASE, AWS_INSTANCE_IPV4: "10.0.0.300" }],
    ["a port out of range", { ...BASE, AWS_INSTANCE_PORT: "70000" }],
    ["an AWS_INIT_HEALTH_STATUS other than HEALTHY/UNHEALTHY", { ...BASE, AWS_INIT_HEALTH_STATUS: "MAYBE" }],
    ["an attribute key with a space", { ...BASE, "my key": "v" }],
    ["an attribute value over 1024 characters", { ...BASE, big: "v".repeat(1025) }],
  ])("RegisterInstance with %s is InvalidInput", async (_name, Attributes) => {
    const srv = await service(await namespace());
    const error = await rejects(
      sd.send(new RegisterInstanceCommand({ ServiceId: srv, InstanceId: "t", Attributes })),
    );
    expect(error).toBeInstanceOf(InvalidInput);
  });

  it("RegisterInstance with more than 30 custom attributes, a bad InstanceId, or no Attributes is InvalidInput", async () => {
    const srv = await service(await namespace());
    const many = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, "v"]));
    expect(await rejects(register(srv, "t", many))).toBeInstanceOf(InvalidInput);
    expect(await rejects(register(srv, "task 1"))).toBeInstanceOf(InvalidInput);
    expect(
      await rejects(sd.send(new RegisterInstanceCommand({ ServiceId: srv, InstanceId: "t" } as never))),
    ).toBeInstanceOf(InvalidInput);
    expect(await rejects(register("srv-aaaaaaaaaaaaaaaa", "t"))).toBeInstanceOf(ServiceNotFound);
  });

  it("HealthStatus filters HEALTHY, UNHEALTHY, ALL and HEALTHY_OR_ELSE_ALL", async () => {
    const srv = await service(await namespace());
    await register(srv, "good");
    await register(srv, "bad", { AWS_INIT_HEALTH_STATUS: "UNHEALTHY" });
    const ids = async (HealthStatus?: "HEALTHY" | "UNHEALTHY" | "ALL" | "HEALTHY_OR_ELSE_ALL") =>
      ((await discover(HealthStatus ? { HealthStatus } : {})).Instances ?? [])
        .map((i) => i.InstanceId)
        .sort();
    expect(await ids()).toEqual(["good"]);
    expect(await ids("HEALTHY")).toEqual(["good"]);
    expect(await ids("UNHEALTHY")).toEqual(["bad"]);
    expect(await ids("ALL")).toEqual(["bad", "good"]);
    expect(await ids("HEALTHY_OR_ELSE_ALL")).toEqual(["good"]);
    await sd.send(
      new UpdateInstanceCustomHealthStatusCommand({
        ServiceId: srv,
        InstanceId: "good",
        Status: "UNHEALTHY",
      }),
    );
    expect(await ids("HEALTHY")).toEqual([]);
    expect(await ids("HEALTHY_OR_ELSE_ALL")).toEqual(["bad", "good"]);
  });

  it("a service without a health check returns every instance with HealthStatus UNKNOWN", async () => {
    const srv = await service(await namespace(), "api", { HealthCheckCustomConfig: undefined });
    await register(srv, "t1");
    const { Instances } = await discover({ HealthStatus: "HEALTHY" });
    expect(Instances?.map((i) => [i.InstanceId, i.HealthStatus])).toEqual([["t1", "UNKNOWN"]]);
    const error = await rejects(
      sd.send(
        new UpdateInstanceCustomHealthStatusCommand({ ServiceId: srv, InstanceId: "t1", Status: "HEALTHY" }),
      ),
    );
    expect(error).toBeInstanceOf(CustomHealthNotFound);
  });

  it("QueryParameters must all match; OptionalParameters narrow when they can and are dropped when not", async () => {
    const srv = await service(await namespace());
    await register(srv, "blue-1", { colour: "blue", zone: "a" });
    await register(srv, "blue-2", { colour: "blue", zone: "b" });
    await register(srv, "green-1", { colour: "green", zone: "a" });
    const ids = async (input: Record<string, unknown>) =>
      ((await discover(input)).Instances ?? []).map((i) => i.InstanceId).sort();
    expect(await ids({ QueryParameters: { colour: "blue" } })).toEqual(["blue-1", "blue-2"]);
    expect(await ids({ QueryParameters: { colour: "blue", zone: "a" } })).toEqual(["blue-1"]);
    expect(await ids({ QueryParameters: { colour: "blue" }, OptionalParameters: { zone: "b" } })).toEqual([
      "blue-2",
    ]);
    expect(await ids({ QueryParameters: { colour: "blue" }, OptionalParameters: { zone: "c" } })).toEqual([
      "blue-1",
      "blue-2",
    ]);
  });

  it("MaxResults caps DiscoverInstances (1–1000)", async () => {
    const srv = await service(await namespace());
    for (let i = 0; i < 5; i++) await register(srv, `t${i}`);
    expect((await discover({ MaxResults: 2 })).Instances).toHaveLength(2);
    for (const MaxResults of [0, 1001])
      expect(await rejects(discover({ MaxResults }))).toBeInstanceOf(InvalidInput);
    expect(await rejects(discover({ HealthStatus: "SOME" as never }))).toBeInstanceOf(InvalidInput);
  });

  it("an unknown namespace or service name is NamespaceNotFound or ServiceNotFound", async () => {
    await service(await namespace());
    expect(await rejects(discover({ NamespaceName: "nope.local" }))).toBeInstanceOf(NamespaceNotFound);
    expect(await rejects(discover({ ServiceName: "nope" }))).toBeInstanceOf(ServiceNotFound);
    expect(
      await rejects(
        sd.send(
          new DiscoverInstancesRevisionCommand({ NamespaceName: "flexjob.local", ServiceName: "nope" }),
        ),
      ),
    ).toBeInstanceOf(ServiceNotFound);
  });

  it("the revision moves when instances or their health change, and only then", async () => {
    const srv = await service(await namespace());
    const revision = async () =>
      (
        await sd.send(
          new DiscoverInstancesRevisionCommand({ NamespaceName: "flexjob.local", ServiceName: "api" }),
        )
      ).InstancesRevision ?? 0;
    const r0 = await revision();
    await register(srv, "t1");
    const r1 = await revision();
    await sd.send(
      new UpdateInstanceCustomHealthStatusCommand({ ServiceId: srv, InstanceId: "t1", Status: "HEALTHY" }),
    );
    const r2 = await revision();
    await sd.send(
      new UpdateInstanceCustomHealthStatusCommand({ ServiceId: srv, InstanceId: "t1", Status: "UNHEALTHY" }),
    );
    const r3 = await revision();
    await sd.send(new DeregisterInstanceCommand({ ServiceId: srv, InstanceId: "t1" }));
    const r4 = await revision();
    expect(r1).toBeGreaterThan(r0);
    expect(r2).toBe(r1);
    expect(r3).toBeGreaterThan(r2);
    expect(r4).toBeGreaterThan(r3);
    expect((await discover({ HealthStatus: "ALL" })).InstancesRevision).toBe(r4);
  });

  it("DeregisterInstance and UpdateInstanceCustomHealthStatus on an unknown instance are InstanceNotFound", async () => {
    const srv = await service(await namespace());
    expect(
      await rejects(sd.send(new DeregisterInstanceCommand({ ServiceId: srv, InstanceId: "nope" }))),
    ).toBeInstanceOf(InstanceNotFound);
    expect(
      await rejects(
        sd.send(
          new UpdateInstanceCustomHealthStatusCommand({
            ServiceId: srv,
            InstanceId: "nope",
            Status: "HEALTHY",
          }),
        ),
      ),
    ).toBeInstanceOf(InstanceNotFound);
    expect(
      await rejects(
        sd.send(
          new UpdateInstanceCustomHealthStatusCommand({
            ServiceId: srv,
            InstanceId: "nope",
            Status: "SICK" as never,
          }),
        ),
      ),
    ).toBeInstanceOf(InvalidInput);
  });

  it("ListInstances pages with MaxResults and NextToken", async () => {
    const srv = await service(await namespace());
    for (const id of ["c", "a", "b"]) await register(srv, id);
    const first = await sd.send(new ListInstancesCommand({ ServiceId: srv, MaxResults: 2 }));
    const second = await sd.send(
      new ListInstancesCommand({ ServiceId: srv, MaxResults: 2, NextToken: first.NextToken }),
    );
    expect([...(first.Instances ?? []), ...(second.Instances ?? [])].map((i) => i.Id)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });
});

describe("tags", () => {
  it("TagResource, ListTagsForResource and UntagResource work on namespaces and services", async () => {
    const ns = await namespace();
    const arn = (await sd.send(new GetNamespaceCommand({ Id: ns }))).Namespace?.Arn ?? "";
    await sd.send(
      new TagResourceCommand({
        ResourceARN: arn,
        Tags: [
          { Key: "flexjob:managed", Value: "true" },
          { Key: "x", Value: "1" },
        ],
      }),
    );
    await sd.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ["x"] }));
    expect((await sd.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
      { Key: "flexjob:managed", Value: "true" },
    ]);
    const missing = await rejects(
      sd.send(
        new ListTagsForResourceCommand({
          ResourceARN: "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-x",
        }),
      ),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });
});

// Direct handler calls for what needs the service's controls or its error members.
describe("controls", () => {
  const world: World = { exists: (kind) => kind === "vpc" };
  let time = Date.parse("2030-01-01T00:00:00Z");
  const ctx: CallContext = { region: "us-east-1", accountId: "123456789012", now: () => new Date(time) };
  const call = async (svc: CloudMapService, operation: string, input: Record<string, unknown>) =>
    (await svc.handlers[operation]?.(input, ctx)) as Record<string, unknown>;
  const status = async (svc: CloudMapService, id: unknown) =>
    (await call(svc, "GetOperation", { OperationId: id })).Operation as {
      Status: string;
      ErrorCode?: string;
    };

  it("clock timing: PENDING once time moves, SUCCESS when its time has come, even without polling", async () => {
    const svc = createCloudMapService(world);
    svc.controls.setOperationTiming({ kind: "clock", ms: 30_000 }, ["CREATE_NAMESPACE"]);
    const { OperationId } = await call(svc, "CreatePrivateDnsNamespace", { Name: "a.local", Vpc: "vpc-1" });
    expect((await status(svc, OperationId)).Status).toBe("SUBMITTED");
    time += 1_000;
    expect((await status(svc, OperationId)).Status).toBe("PENDING");
    time += 30_000;
    const listed = (await call(svc, "ListNamespaces", {})).Namespaces as unknown[];
    expect(listed).toHaveLength(1);
    expect((await status(svc, OperationId)).Status).toBe("SUCCESS");
  });

  it("immediate timing makes the namespace exist before the call returns", async () => {
    const svc = createCloudMapService(world);
    svc.controls.setOperationTiming({ kind: "immediate" });
    await call(svc, "CreatePrivateDnsNamespace", { Name: "a.local", Vpc: "vpc-1" });
    expect((await call(svc, "ListNamespaces", {})).Namespaces).toHaveLength(1);
    expect(() => svc.controls.setOperationTiming({ kind: "polls", polls: 0 })).toThrow(RangeError);
  });

  it("failOperations ends operations in FAIL with the error, and the namespace never appears", async () => {
    const svc = createCloudMapService(world);
    svc.controls.failOperations("CREATE_NAMESPACE", {
      code: "CANNOT_CREATE_HOSTED_ZONE",
      message: "no zone",
    });
    const { OperationId } = await call(svc, "CreatePrivateDnsNamespace", { Name: "a.local", Vpc: "vpc-1" });
    await status(svc, OperationId);
    await status(svc, OperationId);
    const last = await status(svc, OperationId);
    expect(last).toMatchObject({
      Status: "FAIL",
      ErrorCode: "CANNOT_CREATE_HOSTED_ZONE",
      ErrorMessage: "no zone",
    });
    expect((await call(svc, "ListNamespaces", {})).Namespaces).toEqual([]);
  });

  it("registerInstances creates what is missing and makes the instances discoverable at once", async () => {
    const svc = createCloudMapService(world);
    const ids = svc.controls.registerInstances({ namespace: "flexjob.local", service: "db" }, [
      { id: "db-1", attributes: { AWS_INSTANCE_IPV4: "10.0.1.5", AWS_INSTANCE_PORT: "5432" } },
      { id: "db-2", attributes: { AWS_INSTANCE_IPV4: "10.0.1.6" }, health: "UNHEALTHY" },
    ]);
    expect(ids.namespaceId).toMatch(/^ns-/);
    const found = await call(svc, "DiscoverInstances", { NamespaceName: "flexjob.local", ServiceName: "db" });
    expect((found.Instances as { InstanceId: string }[]).map((i) => i.InstanceId)).toEqual(["db-1"]);
    const again = svc.controls.registerInstances({ namespace: "flexjob.local", service: "db" }, [
      { id: "db-3" },
    ]);
    expect(again).toEqual(ids);
    const revision = await call(svc, "DiscoverInstancesRevision", {
      NamespaceName: "flexjob.local",
      ServiceName: "db",
    });
    expect(revision.InstancesRevision).toBe((found.InstancesRevision as number) + 1);
  });

  it("ServiceAlreadyExists and NamespaceAlreadyExists carry the existing ids", async () => {
    const svc = createCloudMapService(world);
    svc.controls.setOperationTiming({ kind: "immediate" });
    const { OperationId } = await call(svc, "CreatePrivateDnsNamespace", {
      Name: "a.local",
      Vpc: "vpc-1",
      CreatorRequestId: "c1",
    });
    const ns = ((await status(svc, OperationId)) as unknown as { Targets: { NAMESPACE: string } }).Targets
      .NAMESPACE;
    const nsError = await call(svc, "CreatePrivateDnsNamespace", { Name: "a.local", Vpc: "vpc-1" }).catch(
      (e: unknown) => e,
    );
    expect(nsError).toBeInstanceOf(AwsErrorWithMembers);
    expect((nsError as AwsErrorWithMembers).members).toEqual({ NamespaceId: ns, CreatorRequestId: "c1" });
    const { Service } = (await call(svc, "CreateService", {
      Name: "api",
      NamespaceId: ns,
      CreatorRequestId: "s1",
    })) as {
      Service: { Id: string; Arn: string };
    };
    const srvError = await call(svc, "CreateService", { Name: "api", NamespaceId: ns }).catch(
      (e: unknown) => e,
    );
    expect((srvError as AwsErrorWithMembers).code).toBe("ServiceAlreadyExists");
    expect((srvError as AwsErrorWithMembers).members).toEqual({
      CreatorRequestId: "s1",
      ServiceId: Service.Id,
      ServiceArn: Service.Arn,
    });
  });

  it("DiscoverInstances answers in a shuffled but repeatable order", async () => {
    const order = async () => {
      const svc = createCloudMapService(world, { seed: 7 });
      svc.controls.registerInstances(
        { namespace: "n.local", service: "s" },
        Array.from({ length: 8 }, (_, i) => ({ id: `t${i}` })),
      );
      const out = await call(svc, "DiscoverInstances", { NamespaceName: "n.local", ServiceName: "s" });
      return (out.Instances as { InstanceId: string }[]).map((i) => i.InstanceId);
    };
    const first = await order();
    expect(await order()).toEqual(first);
    expect(first).not.toEqual([...first].sort());
  });
});
