import { paginate } from "../core/pagination.js";
import { createRandom, deriveSeed, type Random } from "../core/random.js";
import { Reader } from "../core/readers.js";
import { AwsError, type CallContext, type ServiceDefinition, type World } from "../core/types.js";
import {
  checkInstanceAttributes,
  checkRecords,
  invalidInput,
  NAMESPACE_FILTERS,
  readAttributes,
  readFilters,
  readTags,
  SERVICE_FILTERS,
} from "./cloudmap-input.js";
import {
  advance,
  checkTiming,
  DEFAULT_TIMINGS,
  OPERATION_TYPES,
  type Operation,
  type OperationFailure,
  type OperationTiming,
  type OperationType,
} from "./cloudmap-operations.js";

/**
 * AWS Cloud Map (service discovery): private DNS namespaces, services, instances and their
 * custom health, with Cloud Map's asynchronous operations (see cloudmap-operations.ts). What an
 * operation changes becomes visible only when it succeeds. Every failed constraint is
 * `InvalidInput`. DiscoverInstances answers in a (seeded) random order, as AWS does, and every
 * change to a service's instances or their health moves its `InstancesRevision` on.
 */

export type { OperationFailure, OperationTiming, OperationType } from "./cloudmap-operations.js";

export interface CloudMapOptions {
  /** The fake clock, for what controls record; handlers use the call's clock. */
  clock?: { now(): Date };
  /** Seeds generated ids and DiscoverInstances' shuffling. */
  seed?: number;
}

/** Test controls, on the in-process handle as `aws.cloudmap` once the core exposes them. */
export interface CloudMapControls {
  /** How fast operations of these types (default: all) finish from now on. */
  setOperationTiming(timing: OperationTiming, types?: readonly OperationType[]): void;
  /** Operations of this type submitted from now on end in FAIL with this error; `undefined` stops it. */
  failOperations(type: OperationType, failure: OperationFailure | undefined): void;
  /**
   * Registers instances at once (no operation), creating the namespace (a private DNS one,
   * found by name) and the service (an A record, with a custom health check unless
   * `healthCheck: "none"`) when missing.
   */
  registerInstances(
    target: { namespace: string; service: string; region?: string; healthCheck?: "custom" | "none" },
    instances: readonly TestInstance[],
  ): { namespaceId: string; serviceId: string };
}

export interface TestInstance {
  id: string;
  attributes?: Record<string, string>;
  /** Only meaningful with a custom health check; default HEALTHY. */
  health?: "HEALTHY" | "UNHEALTHY";
}

export type CloudMapService = ServiceDefinition & { controls: CloudMapControls };

/**
 * An AWS error whose response carries more members than the message, such as
 * ServiceAlreadyExists's `ServiceId`. A protocol codec that knows `members` writes them into
 * the error body.
 */
export class AwsErrorWithMembers extends AwsError {
  constructor(code: string, message: string, members: Record<string, unknown>) {
    super(code, message);
    this.members = members;
  }
}

type HealthStatus = "HEALTHY" | "UNHEALTHY" | "UNKNOWN";

interface Namespace {
  id: string;
  arn: string;
  region: string;
  name: string;
  httpName: string;
  type: "DNS_PRIVATE";
  vpc: string | undefined;
  description: string | undefined;
  creatorRequestId: string | undefined;
  createDate: Date;
  hostedZoneId: string;
  soaTtl: number;
  tags: Map<string, string>;
}

interface DnsRecord {
  Type: string;
  TTL: number;
}

interface Service {
  id: string;
  arn: string;
  region: string;
  namespaceId: string;
  name: string;
  description: string | undefined;
  creatorRequestId: string | undefined;
  createDate: Date;
  type: "HTTP" | "DNS_HTTP";
  dnsConfig: { RoutingPolicy: string; DnsRecords: DnsRecord[] } | undefined;
  healthCheckConfig: { Type: string; ResourcePath?: string; FailureThreshold?: number } | undefined;
  customHealth: boolean;
  tags: Map<string, string>;
  instances: Map<string, Instance>;
  revision: number;
}

interface Instance {
  id: string;
  creatorRequestId: string | undefined;
  attributes: Record<string, string>;
  health: HealthStatus;
}

type Effect =
  | { kind: "create-namespace"; namespace: Namespace }
  | { kind: "delete-namespace"; namespaceId: string }
  | { kind: "register"; serviceId: string; instance: Instance }
  | { kind: "deregister"; serviceId: string; instanceId: string };

type CloudMapOperation = Operation<Effect>;

const NAMESPACE_NAME = { max: 253, pattern: /^(?!arn:)[!-~]{1,253}$/, patternText: "^(?!arn:)[!-~]{1,253}$" };
const SERVICE_NAME = {
  pattern:
    /((?=^.{1,127}$)^([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*$)|(^\.$)/,
  patternText:
    "((?=^.{1,127}$)^([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\\.([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*$)|(^\\.$)",
};
const INSTANCE_ID = { max: 64, pattern: /^[0-9a-zA-Z_/:.@-]+$/ };
const RECORD_TTL = { min: 0, max: 2_147_483_647 };
const MAX_TAGS = 50;
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const ZONE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function createCloudMapService(world: World, options: CloudMapOptions = {}): CloudMapService {
  const seed = options.seed ?? 1;
  const now = () => options.clock?.now() ?? new Date();
  let random: Random = createRandom(deriveSeed(seed, "cloudmap"));
  let namespaces = new Map<string, Namespace>();
  let services = new Map<string, Service>();
  let operations = new Map<string, CloudMapOperation>();
  let pending = new Set<CloudMapOperation>();
  let timings: Record<OperationType, OperationTiming> = { ...DEFAULT_TIMINGS };
  let failures = new Map<OperationType, OperationFailure>();

  const newId = (prefix: string) => `${prefix}-${random.chars(16, ID_ALPHABET)}`;

  const finish = (op: CloudMapOperation) => {
    pending.delete(op);
    if (op.status !== "SUCCESS") return;
    const effect = op.effect;
    switch (effect.kind) {
      case "create-namespace":
        namespaces.set(effect.namespace.id, effect.namespace);
        break;
      case "delete-namespace":
        namespaces.delete(effect.namespaceId);
        break;
      case "register": {
        const service = services.get(effect.serviceId);
        if (service) {
          service.instances.set(effect.instance.id, effect.instance);
          service.revision += 1;
        }
        break;
      }
      case "deregister": {
        const service = services.get(effect.serviceId);
        if (service?.instances.delete(effect.instanceId)) service.revision += 1;
        break;
      }
    }
  };

  /** Operations on the fake clock finish whenever a call finds their time has come. */
  const settle = (at: Date) => {
    for (const op of [...pending]) if (op.timing.kind === "clock") advance(op, at, false, finish);
  };

  const startOperation = (
    ctx: CallContext,
    type: OperationType,
    targets: CloudMapOperation["targets"],
    creatorRequestId: string | undefined,
    effect: Effect,
  ): CloudMapOperation => {
    const at = ctx.now();
    const op: CloudMapOperation = {
      id: `${random.chars(32, ID_ALPHABET)}-${random.chars(8, ID_ALPHABET)}`,
      region: ctx.region,
      type,
      targets,
      creatorRequestId,
      createDate: at,
      updateDate: at,
      status: "SUBMITTED",
      timing: timings[type],
      polls: 0,
      failure: failures.get(type),
      effect,
    };
    operations.set(op.id, op);
    pending.add(op);
    if (op.timing.kind === "immediate") advance(op, at, false, finish);
    return op;
  };

  const inFlight = (predicate: (effect: Effect) => boolean) =>
    [...pending].find((op) => predicate(op.effect));

  const findNamespace = (ref: string, region: string): Namespace | undefined => {
    const namespace = namespaces.get(idFromRef(ref, "namespace"));
    return namespace?.region === region ? namespace : undefined;
  };
  const requireNamespace = (ref: string, region: string): Namespace => {
    const namespace = findNamespace(ref, region);
    if (!namespace) throw new AwsError("NamespaceNotFound", `No namespace exists with ID: ${ref}`);
    return namespace;
  };
  const findService = (ref: string, region: string): Service | undefined => {
    const service = services.get(idFromRef(ref, "service"));
    return service?.region === region ? service : undefined;
  };
  const requireService = (ref: string, region: string): Service => {
    const service = findService(ref, region);
    if (!service) throw new AwsError("ServiceNotFound", `No service exists with ID: ${ref}`);
    return service;
  };
  const requireInstance = (service: Service, instanceId: string): Instance => {
    const instance = service.instances.get(instanceId);
    if (!instance) {
      throw new AwsError(
        "InstanceNotFound",
        `No instance exists with ID ${instanceId} in service ${service.id}`,
      );
    }
    return instance;
  };
  /** The service a DiscoverInstances call names, by the namespace's HTTP name and the service's name. */
  const discovered = (r: Reader, ctx: CallContext): { namespace: Namespace; service: Service } => {
    const namespaceName = r.string("NamespaceName", {
      required: true,
      max: 1024,
      pattern: /^[!-~]{1,1024}$/,
      patternText: "^[!-~]{1,1024}$",
    });
    const serviceName = r.string("ServiceName", { required: true, ...SERVICE_NAME });
    r.string("OwnerAccount", { min: 12, max: 12 });
    const namespace = [...namespaces.values()].find(
      (n) => n.region === ctx.region && n.httpName === namespaceName,
    );
    if (!namespace)
      throw new AwsError("NamespaceNotFound", `No namespace exists with name: ${namespaceName}`);
    const service = serviceInNamespace(namespace, serviceName);
    if (!service) throw new AwsError("ServiceNotFound", `No service exists with name: ${serviceName}`);
    return { namespace, service };
  };
  /** DNS names are case-insensitive, so a private DNS namespace's service names are too. */
  const serviceInNamespace = (namespace: Namespace, name: string) =>
    [...services.values()].find(
      (s) => s.namespaceId === namespace.id && s.name.toLowerCase() === name.toLowerCase(),
    );

  const namespaceOut = (n: Namespace, accountId: string, withCreator: boolean) => ({
    Id: n.id,
    Arn: n.arn,
    ResourceOwner: accountId,
    Name: n.name,
    Type: n.type,
    Description: n.description,
    ServiceCount: [...services.values()].filter((s) => s.namespaceId === n.id).length,
    Properties: {
      DnsProperties: { HostedZoneId: n.hostedZoneId, SOA: { TTL: n.soaTtl } },
      HttpProperties: { HttpName: n.httpName },
    },
    CreateDate: n.createDate,
    CreatorRequestId: withCreator ? n.creatorRequestId : undefined,
  });

  const serviceOut = (s: Service, accountId: string, summary: boolean) => ({
    Id: s.id,
    Arn: s.arn,
    ResourceOwner: accountId,
    Name: s.name,
    NamespaceId: summary ? undefined : s.namespaceId,
    Description: s.description,
    InstanceCount: s.instances.size,
    DnsConfig: s.dnsConfig,
    Type: s.type,
    HealthCheckConfig: s.healthCheckConfig,
    HealthCheckCustomConfig: s.customHealth ? { FailureThreshold: 1 } : undefined,
    CreateDate: s.createDate,
    CreatorRequestId: summary ? undefined : s.creatorRequestId,
    CreatedByAccount: accountId,
  });

  const operationOut = (op: CloudMapOperation, accountId: string) => ({
    Id: op.id,
    OwnerAccount: accountId,
    Type: op.type,
    Status: op.status,
    ErrorCode: op.status === "FAIL" ? op.failure?.code : undefined,
    ErrorMessage: op.status === "FAIL" ? op.failure?.message : undefined,
    CreateDate: op.createDate,
    UpdateDate: op.updateDate,
    Targets: op.targets,
  });

  const handlers = {
    CreatePrivateDnsNamespace: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const name = r.string("Name", { required: true, ...NAMESPACE_NAME });
      const vpc = r.string("Vpc", { required: true, max: 64 });
      const creatorRequestId = r.string("CreatorRequestId", { max: 64 });
      const description = r.string("Description", { max: 1024 });
      const tags = readTags(r, "Tags");
      const soa = r
        .object("Properties")
        ?.object("DnsProperties", { required: true })
        .object("SOA", { required: true });
      const soaTtl = soa?.int("TTL", { required: true, ...RECORD_TTL }) ?? 15;
      if (creatorRequestId !== undefined) {
        const prior = [...operations.values()].find(
          (op) =>
            op.type === "CREATE_NAMESPACE" &&
            op.region === ctx.region &&
            op.creatorRequestId === creatorRequestId,
        );
        if (prior) {
          const same = prior.effect.kind === "create-namespace" && prior.effect.namespace.name === name;
          if (same) return { OperationId: prior.id };
          throw duplicateRequest(prior, `CreatorRequestId ${creatorRequestId} was used by another request`);
        }
      }
      if (!world.exists("vpc", vpc, ctx.region)) {
        throw invalidInput(`The VPC ${vpc} does not exist in ${ctx.region}`);
      }
      const sameVpc = (n: Namespace) => n.region === ctx.region && n.name === name && n.vpc === vpc;
      const running = inFlight((e) => e.kind === "create-namespace" && sameVpc(e.namespace));
      if (running) throw duplicateRequest(running, `A namespace named ${name} is already being created`);
      const existing = [...namespaces.values()].find(sameVpc);
      if (existing) {
        throw new AwsErrorWithMembers(
          "NamespaceAlreadyExists",
          `Namespace ${name} already exists in ${vpc}`,
          {
            NamespaceId: existing.id,
            CreatorRequestId: existing.creatorRequestId,
          },
        );
      }
      const httpTaken = [...namespaces.values()].some((n) => n.region === ctx.region && n.httpName === name);
      const id = newId("ns");
      const namespace: Namespace = {
        id,
        arn: `arn:aws:servicediscovery:${ctx.region}:${ctx.accountId}:namespace/${id}`,
        region: ctx.region,
        name,
        httpName: httpTaken ? `${name}-${random.chars(8, ID_ALPHABET)}` : name,
        type: "DNS_PRIVATE",
        vpc,
        description,
        creatorRequestId,
        createDate: ctx.now(),
        hostedZoneId: `Z${random.chars(19, ZONE_ALPHABET)}`,
        soaTtl,
        tags: new Map(tags.map((t) => [t.Key, t.Value])),
      };
      const op = startOperation(ctx, "CREATE_NAMESPACE", { NAMESPACE: id }, creatorRequestId, {
        kind: "create-namespace",
        namespace,
      });
      return { OperationId: op.id };
    },

    DeleteNamespace: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const namespace = requireNamespace(r.string("Id", { required: true, max: 255 }), ctx.region);
      const running = inFlight((e) => e.kind === "delete-namespace" && e.namespaceId === namespace.id);
      if (running) throw duplicateRequest(running, `Namespace ${namespace.id} is already being deleted`);
      if ([...services.values()].some((s) => s.namespaceId === namespace.id)) {
        throw new AwsError("ResourceInUse", `Namespace ${namespace.id} has services and can't be deleted`);
      }
      const op = startOperation(ctx, "DELETE_NAMESPACE", { NAMESPACE: namespace.id }, undefined, {
        kind: "delete-namespace",
        namespaceId: namespace.id,
      });
      return { OperationId: op.id };
    },

    GetOperation: (input: Record<string, unknown>, ctx: CallContext) => {
      const at = ctx.now();
      settle(at);
      const r = Reader.of(input, invalidInput);
      const id = r.string("OperationId", { required: true, max: 255 });
      r.string("OwnerAccount", { min: 12, max: 12 });
      const op = operations.get(id);
      if (!op || op.region !== ctx.region) {
        throw new AwsError("OperationNotFound", `No operation found with ID ${id}`);
      }
      advance(op, at, true, finish);
      return { Operation: operationOut(op, ctx.accountId) };
    },

    GetNamespace: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const namespace = requireNamespace(r.string("Id", { required: true, max: 255 }), ctx.region);
      return { Namespace: namespaceOut(namespace, ctx.accountId, true) };
    },

    ListNamespaces: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const max = r.int("MaxResults", { min: 1, max: 100 }) ?? 100;
      const nextToken = r.string("NextToken", { max: 4096 });
      const filters = readFilters(r, NAMESPACE_FILTERS);
      const all = [...namespaces.values()].filter((n) => n.region === ctx.region).sort(byCreation);
      // Cloud Map takes MaxResults namespaces and then filters them, so a page can be empty
      // while a NextToken says there are more.
      const page = paginate(all, (n) => n.id, { token: nextToken, max, invalidToken });
      const values = (n: Namespace): Record<string, string> => ({
        TYPE: n.type,
        NAME: n.name,
        HTTP_NAME: n.httpName,
        RESOURCE_OWNER: "SELF",
      });
      return {
        Namespaces: page.items
          .filter((n) => filters.every((f) => f.matches(values(n))))
          .map((n) => namespaceOut(n, ctx.accountId, false)),
        NextToken: page.nextToken,
      };
    },

    CreateService: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const name = r.string("Name", { required: true, ...SERVICE_NAME });
      const namespaceRef = r.string("NamespaceId", { max: 255 });
      const creatorRequestId = r.string("CreatorRequestId", { max: 64 });
      const description = r.string("Description", { max: 1024 });
      const dns = r.object("DnsConfig");
      const dnsNamespaceRef = dns?.string("NamespaceId", { max: 64 });
      const routingPolicy = dns?.string("RoutingPolicy", { oneOf: ["MULTIVALUE", "WEIGHTED"] });
      const records = dns?.objects("DnsRecords", { required: true }).map((record) => ({
        Type: record.string("Type", { required: true, oneOf: ["SRV", "A", "AAAA", "CNAME"] }),
        TTL: record.int("TTL", { required: true, ...RECORD_TTL }),
      }));
      const hc = r.object("HealthCheckConfig");
      hc?.string("Type", { required: true, oneOf: ["HTTP", "HTTPS", "TCP"] });
      hc?.string("ResourcePath", { max: 255 });
      hc?.int("FailureThreshold", { min: 1, max: 10 });
      const custom = r.object("HealthCheckCustomConfig");
      custom?.int("FailureThreshold", { min: 1, max: 10 });
      const tags = readTags(r, "Tags");
      const type = r.string("Type", { oneOf: ["HTTP"] });

      const ref = namespaceRef ?? dnsNamespaceRef;
      if (ref === undefined) throw invalidInput("NamespaceId is required");
      const namespace = requireNamespace(ref, ctx.region);
      if (hc && custom) {
        throw invalidInput("You can specify either HealthCheckConfig or HealthCheckCustomConfig, not both");
      }
      // Route 53 health checks can't reach into a VPC: private DNS namespaces take custom ones only.
      if (hc) throw invalidInput("HealthCheckConfig is supported only for public DNS and HTTP namespaces");
      if (type === "HTTP" && dns) throw invalidInput("A service of Type HTTP can't have a DnsConfig");
      if (records) checkRecords(records, routingPolicy);

      const existing = serviceInNamespace(namespace, name);
      if (existing) {
        if (creatorRequestId !== undefined && existing.creatorRequestId === creatorRequestId) {
          return { Service: serviceOut(existing, ctx.accountId, false) };
        }
        throw new AwsErrorWithMembers(
          "ServiceAlreadyExists",
          `Service ${name} already exists in ${namespace.id}`,
          {
            CreatorRequestId: existing.creatorRequestId,
            ServiceId: existing.id,
            ServiceArn: existing.arn,
          },
        );
      }
      const id = newId("srv");
      const service: Service = {
        id,
        arn: `arn:aws:servicediscovery:${ctx.region}:${ctx.accountId}:service/${id}`,
        region: ctx.region,
        namespaceId: namespace.id,
        name,
        description,
        creatorRequestId,
        createDate: ctx.now(),
        type: records ? "DNS_HTTP" : "HTTP",
        dnsConfig: records
          ? { RoutingPolicy: routingPolicy ?? "MULTIVALUE", DnsRecords: records }
          : undefined,
        healthCheckConfig: undefined,
        customHealth: custom !== undefined,
        tags: new Map(tags.map((t) => [t.Key, t.Value])),
        instances: new Map(),
        revision: 1,
      };
      services.set(id, service);
      return { Service: serviceOut(service, ctx.accountId, false) };
    },

    DeleteService: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const service = requireService(r.string("Id", { required: true, max: 255 }), ctx.region);
      if (service.instances.size > 0) {
        throw new AwsError(
          "ResourceInUse",
          `Service ${service.id} has registered instances and can't be deleted`,
        );
      }
      services.delete(service.id);
      return {};
    },

    GetService: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const service = requireService(r.string("Id", { required: true, max: 255 }), ctx.region);
      return { Service: serviceOut(service, ctx.accountId, false) };
    },

    ListServices: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const max = r.int("MaxResults", { min: 1, max: 100 }) ?? 100;
      const nextToken = r.string("NextToken", { max: 4096 });
      const filters = readFilters(r, SERVICE_FILTERS);
      const all = [...services.values()].filter((s) => s.region === ctx.region).sort(byCreation);
      const page = paginate(all, (s) => s.id, { token: nextToken, max, invalidToken });
      const namespaceArn = (s: Service) => namespaces.get(s.namespaceId)?.arn ?? "";
      return {
        Services: page.items
          .filter((s) =>
            filters.every(
              (f) =>
                f.matches({ NAMESPACE_ID: s.namespaceId, RESOURCE_OWNER: "SELF" }) ||
                f.matches({ NAMESPACE_ID: namespaceArn(s), RESOURCE_OWNER: "SELF" }),
            ),
          )
          .map((s) => serviceOut(s, ctx.accountId, true)),
        NextToken: page.nextToken,
      };
    },

    RegisterInstance: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const serviceRef = r.string("ServiceId", { required: true, max: 255 });
      const instanceId = r.string("InstanceId", { required: true, ...INSTANCE_ID });
      const creatorRequestId = r.string("CreatorRequestId", { max: 64 });
      const attributes = readAttributes(r, "Attributes", true);
      const service = requireService(serviceRef, ctx.region);
      checkInstanceAttributes(service, attributes);
      if (creatorRequestId !== undefined) {
        const prior = [...operations.values()].find(
          (op) =>
            op.type === "REGISTER_INSTANCE" &&
            op.creatorRequestId === creatorRequestId &&
            op.targets.SERVICE === service.id,
        );
        if (prior) {
          if (prior.targets.INSTANCE === instanceId) return { OperationId: prior.id };
          throw duplicateRequest(prior, `CreatorRequestId ${creatorRequestId} was used for another instance`);
        }
      }
      const running = inFlight(
        (e) =>
          (e.kind === "register" && e.serviceId === service.id && e.instance.id === instanceId) ||
          (e.kind === "deregister" && e.serviceId === service.id && e.instanceId === instanceId),
      );
      if (running) throw duplicateRequest(running, `An operation on instance ${instanceId} is in progress`);
      const init = attributes.AWS_INIT_HEALTH_STATUS;
      const instance: Instance = {
        id: instanceId,
        creatorRequestId,
        attributes,
        health: service.customHealth ? (init === "UNHEALTHY" ? "UNHEALTHY" : "HEALTHY") : "UNKNOWN",
      };
      const op = startOperation(
        ctx,
        "REGISTER_INSTANCE",
        { INSTANCE: instanceId, SERVICE: service.id },
        creatorRequestId,
        { kind: "register", serviceId: service.id, instance },
      );
      return { OperationId: op.id };
    },

    DeregisterInstance: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const serviceRef = r.string("ServiceId", { required: true, max: 255 });
      const instanceId = r.string("InstanceId", { required: true, max: 64 });
      const service = requireService(serviceRef, ctx.region);
      const running = inFlight(
        (e) =>
          (e.kind === "register" && e.serviceId === service.id && e.instance.id === instanceId) ||
          (e.kind === "deregister" && e.serviceId === service.id && e.instanceId === instanceId),
      );
      if (running) throw duplicateRequest(running, `An operation on instance ${instanceId} is in progress`);
      requireInstance(service, instanceId);
      const op = startOperation(
        ctx,
        "DEREGISTER_INSTANCE",
        { INSTANCE: instanceId, SERVICE: service.id },
        undefined,
        {
          kind: "deregister",
          serviceId: service.id,
          instanceId,
        },
      );
      return { OperationId: op.id };
    },

    GetInstance: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const service = requireService(r.string("ServiceId", { required: true, max: 255 }), ctx.region);
      const instance = requireInstance(service, r.string("InstanceId", { required: true, max: 64 }));
      return {
        ResourceOwner: ctx.accountId,
        Instance: {
          Id: instance.id,
          CreatorRequestId: instance.creatorRequestId,
          Attributes: instance.attributes,
          CreatedByAccount: ctx.accountId,
        },
      };
    },

    ListInstances: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const service = requireService(r.string("ServiceId", { required: true, max: 255 }), ctx.region);
      const max = r.int("MaxResults", { min: 1, max: 100 }) ?? 100;
      const nextToken = r.string("NextToken", { max: 4096 });
      const all = [...service.instances.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const page = paginate(all, (i) => i.id, { token: nextToken, max, invalidToken });
      return {
        ResourceOwner: ctx.accountId,
        Instances: page.items.map((i) => ({
          Id: i.id,
          Attributes: i.attributes,
          CreatedByAccount: ctx.accountId,
        })),
        NextToken: page.nextToken,
      };
    },

    DiscoverInstances: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const max = r.int("MaxResults", { min: 1, max: 1000 }) ?? 100;
      const query = readAttributes(r, "QueryParameters", false);
      const optionalQuery = readAttributes(r, "OptionalParameters", false);
      const healthFilter =
        r.string("HealthStatus", { oneOf: ["HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL"] }) ??
        "HEALTHY";
      const { namespace, service } = discovered(r, ctx);
      const matchesAll = (i: Instance, wanted: Record<string, string>) =>
        Object.entries(wanted).every(([k, v]) => i.attributes[k] === v);
      let found = [...service.instances.values()].filter((i) => matchesAll(i, query));
      const preferred = found.filter((i) => matchesAll(i, optionalQuery));
      if (preferred.length > 0) found = preferred;
      if (service.customHealth || service.healthCheckConfig) {
        const healthy = found.filter((i) => i.health === "HEALTHY");
        if (healthFilter === "HEALTHY") found = healthy;
        else if (healthFilter === "UNHEALTHY") found = found.filter((i) => i.health === "UNHEALTHY");
        else if (healthFilter === "HEALTHY_OR_ELSE_ALL" && healthy.length > 0) found = healthy;
      }
      return {
        Instances: shuffle(found, random)
          .slice(0, max)
          .map((i) => ({
            InstanceId: i.id,
            NamespaceName: namespace.httpName,
            ServiceName: service.name,
            HealthStatus: i.health,
            Attributes: i.attributes,
          })),
        InstancesRevision: service.revision,
      };
    },

    DiscoverInstancesRevision: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const { service } = discovered(Reader.of(input, invalidInput), ctx);
      return { InstancesRevision: service.revision };
    },

    UpdateInstanceCustomHealthStatus: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const serviceRef = r.string("ServiceId", { required: true, max: 255 });
      const instanceId = r.string("InstanceId", { required: true, max: 64 });
      const status = r.string("Status", { required: true, oneOf: ["HEALTHY", "UNHEALTHY"] });
      const service = requireService(serviceRef, ctx.region);
      const instance = requireInstance(service, instanceId);
      if (!service.customHealth) {
        throw new AwsError(
          "CustomHealthNotFound",
          `Service ${service.id} has no custom health check (HealthCheckCustomConfig)`,
        );
      }
      if (instance.health !== status) {
        instance.health = status === "HEALTHY" ? "HEALTHY" : "UNHEALTHY";
        service.revision += 1;
      }
      return {};
    },

    TagResource: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const resource = taggable(r, ctx);
      const tags = readTags(r, "Tags", true);
      const merged = new Map([...resource.tags, ...tags.map((t): [string, string] => [t.Key, t.Value])]);
      if (merged.size > MAX_TAGS) {
        throw new AwsErrorWithMembers(
          "TooManyTagsException",
          `A resource can have at most ${MAX_TAGS} tags`,
          {
            ResourceName: resource.arn,
          },
        );
      }
      resource.tags = merged;
      return {};
    },

    UntagResource: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const r = Reader.of(input, invalidInput);
      const resource = taggable(r, ctx);
      const keys =
        r.strings("TagKeys", { required: true, min: 0, max: 200, item: { min: 1, max: 128 } }) ?? [];
      for (const key of keys) resource.tags.delete(key);
      return {};
    },

    ListTagsForResource: (input: Record<string, unknown>, ctx: CallContext) => {
      settle(ctx.now());
      const resource = taggable(Reader.of(input, invalidInput), ctx);
      return { Tags: [...resource.tags].map(([Key, Value]) => ({ Key, Value })) };
    },
  };

  const taggable = (r: Reader, ctx: CallContext): Namespace | Service => {
    const arn = r.string("ResourceARN", { required: true, min: 1, max: 1011 });
    const match = /^arn:aws:servicediscovery:([a-z0-9-]+):([0-9]{12}):(namespace|service)\/(.+)$/.exec(arn);
    const resource =
      match && match[1] === ctx.region && match[2] === ctx.accountId
        ? match[3] === "namespace"
          ? findNamespace(match[4] ?? "", ctx.region)
          : findService(match[4] ?? "", ctx.region)
        : undefined;
    if (!resource) {
      throw new AwsErrorWithMembers("ResourceNotFoundException", `The resource ${arn} was not found`, {});
    }
    return resource;
  };

  const controls: CloudMapControls = {
    setOperationTiming: (timing, types = OPERATION_TYPES) => {
      checkTiming(timing);
      for (const type of types) timings[type] = timing;
    },
    failOperations: (type, failure) => {
      if (failure === undefined) failures.delete(type);
      else failures.set(type, failure);
    },
    registerInstances: (target, instances) => {
      const region = target.region ?? "us-east-1";
      const at = now();
      let namespace = [...namespaces.values()].find(
        (n) => n.region === region && (n.name === target.namespace || n.httpName === target.namespace),
      );
      if (!namespace) {
        const id = newId("ns");
        namespace = {
          id,
          arn: `arn:aws:servicediscovery:${region}:${ACCOUNT_ID}:namespace/${id}`,
          region,
          name: target.namespace,
          httpName: target.namespace,
          type: "DNS_PRIVATE",
          vpc: undefined,
          description: undefined,
          creatorRequestId: undefined,
          createDate: at,
          hostedZoneId: `Z${random.chars(19, ZONE_ALPHABET)}`,
          soaTtl: 15,
          tags: new Map(),
        };
        namespaces.set(id, namespace);
      }
      let service = serviceInNamespace(namespace, target.service);
      if (!service) {
        const id = newId("srv");
        service = {
          id,
          arn: `arn:aws:servicediscovery:${region}:${ACCOUNT_ID}:service/${id}`,
          region,
          namespaceId: namespace.id,
          name: target.service,
          description: undefined,
          creatorRequestId: undefined,
          createDate: at,
          type: "DNS_HTTP",
          dnsConfig: { RoutingPolicy: "MULTIVALUE", DnsRecords: [{ Type: "A", TTL: 60 }] },
          healthCheckConfig: undefined,
          customHealth: target.healthCheck !== "none",
          tags: new Map(),
          instances: new Map(),
          revision: 1,
        };
        services.set(id, service);
      }
      for (const i of instances) {
        service.instances.set(i.id, {
          id: i.id,
          creatorRequestId: undefined,
          attributes: { ...i.attributes },
          health: service.customHealth ? (i.health ?? "HEALTHY") : "UNKNOWN",
        });
      }
      service.revision += 1;
      return { namespaceId: namespace.id, serviceId: service.id };
    },
  };

  return {
    signingName: "servicediscovery",
    protocol: "awsJson1_1",
    targetPrefix: "Route53AutoNaming_v20170314",
    handlers,
    mutating: new Set([
      "CreatePrivateDnsNamespace",
      "DeleteNamespace",
      "CreateService",
      "DeleteService",
      "RegisterInstance",
      "DeregisterInstance",
      "UpdateInstanceCustomHealthStatus",
      "TagResource",
      "UntagResource",
    ]),
    owns: {
      "cloudmap-namespace": (ref, region) => findNamespace(ref, region) !== undefined,
    },
    snapshot: () => ({
      namespaces: [...namespaces.values()].sort(byCreation).map((n) => ({
        region: n.region,
        ...namespaceOut(n, ACCOUNT_ID, true),
        CreateDate: n.createDate.toISOString(),
        Vpc: n.vpc,
        Tags: Object.fromEntries(n.tags),
      })),
      services: [...services.values()].sort(byCreation).map((s) => ({
        region: s.region,
        ...serviceOut(s, ACCOUNT_ID, false),
        CreateDate: s.createDate.toISOString(),
        Tags: Object.fromEntries(s.tags),
        InstancesRevision: s.revision,
        Instances: [...s.instances.values()].map((i) => ({
          Id: i.id,
          HealthStatus: i.health,
          Attributes: i.attributes,
        })),
      })),
      operations: [...operations.values()].map((op) => ({
        region: op.region,
        ...operationOut(op, ACCOUNT_ID),
        CreateDate: op.createDate.toISOString(),
        UpdateDate: op.updateDate.toISOString(),
      })),
    }),
    reset: () => {
      random = createRandom(deriveSeed(seed, "cloudmap"));
      namespaces = new Map();
      services = new Map();
      operations = new Map();
      pending = new Set();
      timings = { ...DEFAULT_TIMINGS };
      failures = new Map();
    },
    controls,
  };
}

const ACCOUNT_ID = "123456789012";

const invalidToken = () => invalidInput("The specified NextToken is invalid");

/** Oldest first; ties keep insertion order (the sort is stable and the maps keep it). */
const byCreation = (a: { createDate: Date }, b: { createDate: Date }) =>
  a.createDate.getTime() - b.createDate.getTime();

/** `ns-…` from an id or an ARN `…:namespace/ns-…`. */
function idFromRef(ref: string, kind: "namespace" | "service"): string {
  if (!ref.startsWith("arn:")) return ref;
  const marker = `:${kind}/`;
  const at = ref.indexOf(marker);
  return at < 0 ? ref : ref.slice(at + marker.length);
}

function duplicateRequest(op: CloudMapOperation, message: string): AwsError {
  return new AwsErrorWithMembers("DuplicateRequest", message, { DuplicateOperationId: op.id });
}

function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}
