import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import {
  checkInstanceAttributes,
  checkRecords,
  type FilterRule,
  invalidInput,
  NAMESPACE_FILTERS,
  readAttributes,
  readFilters,
  readTags,
  SERVICE_FILTERS,
} from "./input.js";
import { advance } from "./operations.js";
import {
  AwsErrorWithMembers,
  byCreation,
  type CloudMapEnv,
  type CloudMapOperation,
  type CloudMapState,
  duplicateRequest,
  type Effect,
  findNamespace,
  findService,
  finish,
  httpNameSuffix,
  type Instance,
  inFlight,
  type Namespace,
  newHostedZoneId,
  newId,
  requireInstance,
  requireNamespace,
  requireService,
  type Service,
  serviceInNamespace,
  settle,
  shuffle,
  startOperation,
} from "./state.js";

/**
 * Cloud Map's request handlers: each reads and checks its input with the Reader, asks the
 * state (state.ts) to look up or change what it names, and shapes the response.
 */

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

const invalidToken = () => invalidInput("The specified NextToken is invalid");

const OPERATIONS: Record<string, OperationHandler<CloudMapEnv>> = {
  CreatePrivateDnsNamespace: createPrivateDnsNamespace,
  DeleteNamespace: deleteNamespace,
  GetOperation: getOperation,
  GetNamespace: getNamespace,
  ListNamespaces: listNamespaces,
  CreateService: createService,
  DeleteService: deleteService,
  GetService: getService,
  ListServices: listServices,
  RegisterInstance: registerInstance,
  DeregisterInstance: deregisterInstance,
  GetInstance: getInstance,
  ListInstances: listInstances,
  DiscoverInstances: discoverInstances,
  DiscoverInstancesRevision: discoverInstancesRevision,
  UpdateInstanceCustomHealthStatus: updateInstanceCustomHealthStatus,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

/**
 * Every operation first settles the asynchronous operations due by the call's time, and sees
 * that one instant throughout, so what it reads and what it starts agree on "now".
 */
export function cloudMapHandlers(env: CloudMapEnv): Record<string, Handler> {
  const settled: Record<string, OperationHandler<CloudMapEnv>> = {};
  for (const [operation, handler] of Object.entries(OPERATIONS)) {
    settled[operation] = (env, input, ctx) => {
      const at = ctx.now();
      settle(env.state, at);
      return handler(env, input, { ...ctx, now: () => new Date(at.getTime()) });
    };
  }
  return bindHandlers(env, settled);
}

function createPrivateDnsNamespace(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
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
    const prior = [...env.state.operations.values()].find(
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
  if (!env.world.exists("vpc", vpc, ctx.region)) {
    throw invalidInput(`The VPC ${vpc} does not exist in ${ctx.region}`);
  }
  const sameVpc = (n: Namespace) => n.region === ctx.region && n.name === name && n.vpc === vpc;
  const running = inFlight(env.state, (e) => e.kind === "create-namespace" && sameVpc(e.namespace));
  if (running) throw duplicateRequest(running, `A namespace named ${name} is already being created`);
  const existing = [...env.state.namespaces.values()].find(sameVpc);
  if (existing) {
    throw new AwsErrorWithMembers("NamespaceAlreadyExists", `Namespace ${name} already exists in ${vpc}`, {
      NamespaceId: existing.id,
      CreatorRequestId: existing.creatorRequestId,
    });
  }
  const httpTaken = [...env.state.namespaces.values()].some(
    (n) => n.region === ctx.region && n.httpName === name,
  );
  const id = newId(env.state, "ns");
  const namespace: Namespace = {
    id,
    arn: `arn:aws:servicediscovery:${ctx.region}:${ctx.accountId}:namespace/${id}`,
    region: ctx.region,
    name,
    httpName: httpTaken ? `${name}-${httpNameSuffix(env.state)}` : name,
    type: "DNS_PRIVATE",
    vpc,
    description,
    creatorRequestId,
    createDate: ctx.now(),
    hostedZoneId: newHostedZoneId(env.state),
    soaTtl,
    tags: new Map(tags.map((t) => [t.Key, t.Value])),
  };
  const op = startOperation(env.state, ctx, "CREATE_NAMESPACE", { NAMESPACE: id }, creatorRequestId, {
    kind: "create-namespace",
    namespace,
  });
  return { OperationId: op.id };
}

function deleteNamespace(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const namespace = readNamespace(env.state, r, ctx);
  const running = inFlight(env.state, (e) => e.kind === "delete-namespace" && e.namespaceId === namespace.id);
  if (running) throw duplicateRequest(running, `Namespace ${namespace.id} is already being deleted`);
  if ([...env.state.services.values()].some((s) => s.namespaceId === namespace.id)) {
    throw new AwsError("ResourceInUse", `Namespace ${namespace.id} has services and can't be deleted`);
  }
  const op = startOperation(env.state, ctx, "DELETE_NAMESPACE", { NAMESPACE: namespace.id }, undefined, {
    kind: "delete-namespace",
    namespaceId: namespace.id,
  });
  return { OperationId: op.id };
}

function getOperation(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const at = ctx.now();
  const r = Reader.of(input, invalidInput);
  const id = r.string("OperationId", { required: true, max: 255 });
  r.string("OwnerAccount", { min: 12, max: 12 });
  const op = env.state.operations.get(id);
  if (!op || op.region !== ctx.region) {
    throw new AwsError("OperationNotFound", `No operation found with ID ${id}`);
  }
  advance(op, at, true, (done) => finish(env.state, done));
  return { Operation: operationOut(op, ctx.accountId) };
}

function getNamespace(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const namespace = readNamespace(env.state, r, ctx);
  return { Namespace: namespaceOut(env.state, namespace, ctx.accountId, true) };
}

function listNamespaces(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const page = filteredPage(r, env.state.namespaces, ctx, NAMESPACE_FILTERS, (n) => [
    { TYPE: n.type, NAME: n.name, HTTP_NAME: n.httpName, RESOURCE_OWNER: "SELF" },
  ]);
  return {
    Namespaces: page.items.map((n) => namespaceOut(env.state, n, ctx.accountId, false)),
    NextToken: page.nextToken,
  };
}

function createService(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
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
  const namespace = requireNamespace(env.state, ref, ctx.region);
  if (hc && custom) {
    throw invalidInput("You can specify either HealthCheckConfig or HealthCheckCustomConfig, not both");
  }
  // Route 53 health checks can't reach into a VPC: private DNS namespaces take custom ones only.
  if (hc) throw invalidInput("HealthCheckConfig is supported only for public DNS and HTTP namespaces");
  if (type === "HTTP" && dns) throw invalidInput("A service of Type HTTP can't have a DnsConfig");
  if (records) checkRecords(records, routingPolicy);

  const existing = serviceInNamespace(env.state, namespace, name);
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
  const id = newId(env.state, "srv");
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
    dnsConfig: records ? { RoutingPolicy: routingPolicy ?? "MULTIVALUE", DnsRecords: records } : undefined,
    healthCheckConfig: undefined,
    customHealth: custom !== undefined,
    tags: new Map(tags.map((t) => [t.Key, t.Value])),
    instances: new Map(),
    revision: 1,
  };
  env.state.services.set(id, service);
  return { Service: serviceOut(service, ctx.accountId, false) };
}

function deleteService(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const service = readService(env.state, r, ctx, "Id");
  if (service.instances.size > 0) {
    throw new AwsError(
      "ResourceInUse",
      `Service ${service.id} has registered instances and can't be deleted`,
    );
  }
  env.state.services.delete(service.id);
  return {};
}

function getService(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const service = readService(env.state, r, ctx, "Id");
  return { Service: serviceOut(service, ctx.accountId, false) };
}

function listServices(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  // A NAMESPACE_ID filter matches the namespace's id or its ARN.
  const namespaceArn = (s: Service) => env.state.namespaces.get(s.namespaceId)?.arn ?? "";
  const page = filteredPage(r, env.state.services, ctx, SERVICE_FILTERS, (s) => [
    { NAMESPACE_ID: s.namespaceId, RESOURCE_OWNER: "SELF" },
    { NAMESPACE_ID: namespaceArn(s), RESOURCE_OWNER: "SELF" },
  ]);
  return {
    Services: page.items.map((s) => serviceOut(s, ctx.accountId, true)),
    NextToken: page.nextToken,
  };
}

function registerInstance(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const serviceRef = r.string("ServiceId", { required: true, max: 255 });
  const instanceId = r.string("InstanceId", { required: true, ...INSTANCE_ID });
  const creatorRequestId = r.string("CreatorRequestId", { max: 64 });
  const attributes = readAttributes(r, "Attributes", true);
  const service = requireService(env.state, serviceRef, ctx.region);
  checkInstanceAttributes(service, attributes);
  if (creatorRequestId !== undefined) {
    const prior = [...env.state.operations.values()].find(
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
  const init = attributes.AWS_INIT_HEALTH_STATUS;
  const instance: Instance = {
    id: instanceId,
    creatorRequestId,
    attributes,
    health: service.customHealth ? (init === "UNHEALTHY" ? "UNHEALTHY" : "HEALTHY") : "UNKNOWN",
  };
  const effect = { kind: "register", serviceId: service.id, instance } as const;
  return { OperationId: startInstanceOperation(env.state, ctx, creatorRequestId, effect, service).id };
}

function deregisterInstance(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const serviceRef = r.string("ServiceId", { required: true, max: 255 });
  const instanceId = r.string("InstanceId", { required: true, max: 64 });
  const service = requireService(env.state, serviceRef, ctx.region);
  const effect = { kind: "deregister", serviceId: service.id, instanceId } as const;
  return { OperationId: startInstanceOperation(env.state, ctx, undefined, effect, service).id };
}

function getInstance(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const service = readService(env.state, r, ctx, "ServiceId");
  const instance = requireInstance(service, r.string("InstanceId", { required: true, max: 64 }));
  return {
    ResourceOwner: ctx.accountId,
    Instance: { ...instanceOut(instance, ctx.accountId), CreatorRequestId: instance.creatorRequestId },
  };
}

function listInstances(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const service = readService(env.state, r, ctx, "ServiceId");
  const paging = readPaging(r);
  const all = [...service.instances.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = paginate(all, (i) => i.id, paging);
  return {
    ResourceOwner: ctx.accountId,
    Instances: page.items.map((i) => instanceOut(i, ctx.accountId)),
    NextToken: page.nextToken,
  };
}

function discoverInstances(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const max = r.int("MaxResults", { min: 1, max: 1000 }) ?? 100;
  const query = readAttributes(r, "QueryParameters", false);
  const optionalQuery = readAttributes(r, "OptionalParameters", false);
  const healthFilter =
    r.string("HealthStatus", { oneOf: ["HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL"] }) ?? "HEALTHY";
  const { namespace, service } = discovered(env.state, r, ctx);
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
    Instances: shuffle(found, env.state.random)
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
}

function discoverInstancesRevision(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const { service } = discovered(env.state, Reader.of(input, invalidInput), ctx);
  return { InstancesRevision: service.revision };
}

function updateInstanceCustomHealthStatus(
  env: CloudMapEnv,
  input: Record<string, unknown>,
  ctx: CallContext,
) {
  const r = Reader.of(input, invalidInput);
  const serviceRef = r.string("ServiceId", { required: true, max: 255 });
  const instanceId = r.string("InstanceId", { required: true, max: 64 });
  const status = r.string("Status", { required: true, oneOf: ["HEALTHY", "UNHEALTHY"] });
  const service = requireService(env.state, serviceRef, ctx.region);
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
}

function tagResource(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const resource = taggable(env.state, r, ctx);
  const tags = readTags(r, "Tags", true);
  const merged = new Map([...resource.tags, ...tags.map((t): [string, string] => [t.Key, t.Value])]);
  if (merged.size > MAX_TAGS) {
    throw new AwsErrorWithMembers("TooManyTagsException", `A resource can have at most ${MAX_TAGS} tags`, {
      ResourceName: resource.arn,
    });
  }
  resource.tags = merged;
  return {};
}

function untagResource(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalidInput);
  const resource = taggable(env.state, r, ctx);
  const keys = r.strings("TagKeys", { required: true, min: 0, max: 200, item: { min: 1, max: 128 } }) ?? [];
  for (const key of keys) resource.tags.delete(key);
  return {};
}

function listTagsForResource(env: CloudMapEnv, input: Record<string, unknown>, ctx: CallContext) {
  const resource = taggable(env.state, Reader.of(input, invalidInput), ctx);
  return { Tags: [...resource.tags].map(([Key, Value]) => ({ Key, Value })) };
}

const ID = { required: true, max: 255 } as const;

/**
 * Starts a register or deregister of one of the service's instances; its type and targets
 * follow from the effect. One such operation runs at a time per instance, and that is checked
 * before whether an instance to deregister exists, as Cloud Map answers.
 */
function startInstanceOperation(
  state: CloudMapState,
  ctx: CallContext,
  creatorRequestId: string | undefined,
  effect: Extract<Effect, { kind: "register" | "deregister" }>,
  service: Service,
) {
  const register = effect.kind === "register";
  const instanceId = register ? effect.instance.id : effect.instanceId;
  const running = inFlight(
    state,
    (e) =>
      (e.kind === "register" && e.serviceId === service.id && e.instance.id === instanceId) ||
      (e.kind === "deregister" && e.serviceId === service.id && e.instanceId === instanceId),
  );
  if (running) throw duplicateRequest(running, `An operation on instance ${instanceId} is in progress`);
  if (!register) requireInstance(service, instanceId);
  const targets = { INSTANCE: instanceId, SERVICE: service.id };
  const type = register ? "REGISTER_INSTANCE" : "DEREGISTER_INSTANCE";
  return startOperation(state, ctx, type, targets, creatorRequestId, effect);
}

/** The namespace a request names by its Id, in the caller's region. */
const readNamespace = (state: CloudMapState, r: Reader, ctx: CallContext): Namespace =>
  requireNamespace(state, r.string("Id", ID), ctx.region);

/** The service a request names by its Id or ServiceId, in the caller's region. */
const readService = (
  state: CloudMapState,
  r: Reader,
  ctx: CallContext,
  member: "Id" | "ServiceId",
): Service => requireService(state, r.string(member, ID), ctx.region);

/** MaxResults and NextToken as Cloud Map's List operations read them, before any filters. */
function readPaging(r: Reader) {
  const max = r.int("MaxResults", { min: 1, max: 100 }) ?? 100;
  const token = r.string("NextToken", { max: 4096 });
  return { max, token, invalidToken };
}

/**
 * A page of the caller's region's namespaces or services, oldest first. Cloud Map takes
 * MaxResults of them and then applies the filters, so a page can be empty while a NextToken
 * says there are more. An item passes a filter when any of its value sets matches.
 */
function filteredPage<T extends { id: string; region: string; createDate: Date }>(
  r: Reader,
  items: Map<string, T>,
  ctx: CallContext,
  rules: Record<string, FilterRule>,
  valuesOf: (item: T) => Record<string, string>[],
) {
  const paging = readPaging(r);
  const filters = readFilters(r, rules);
  const all = [...items.values()].filter((item) => item.region === ctx.region).sort(byCreation);
  const page = paginate(all, (item) => item.id, paging);
  const passes = (item: T) => filters.every((f) => valuesOf(item).some((values) => f.matches(values)));
  return { items: page.items.filter(passes), nextToken: page.nextToken };
}

/** The service a DiscoverInstances call names, by the namespace's HTTP name and the service's name. */
function discovered(
  state: CloudMapState,
  r: Reader,
  ctx: CallContext,
): { namespace: Namespace; service: Service } {
  const namespaceName = r.string("NamespaceName", {
    required: true,
    max: 1024,
    pattern: /^[!-~]{1,1024}$/,
    patternText: "^[!-~]{1,1024}$",
  });
  const serviceName = r.string("ServiceName", { required: true, ...SERVICE_NAME });
  r.string("OwnerAccount", { min: 12, max: 12 });
  const namespace = [...state.namespaces.values()].find(
    (n) => n.region === ctx.region && n.httpName === namespaceName,
  );
  if (!namespace) throw new AwsError("NamespaceNotFound", `No namespace exists with name: ${namespaceName}`);
  const service = serviceInNamespace(state, namespace, serviceName);
  if (!service) throw new AwsError("ServiceNotFound", `No service exists with name: ${serviceName}`);
  return { namespace, service };
}

/** The resource a tagging call's `ResourceARN` names, in the caller's region and account. */
function taggable(state: CloudMapState, r: Reader, ctx: CallContext): Namespace | Service {
  const arn = r.string("ResourceARN", { required: true, min: 1, max: 1011 });
  const match = /^arn:aws:servicediscovery:([a-z0-9-]+):([0-9]{12}):(namespace|service)\/(.+)$/.exec(arn);
  const resource =
    match && match[1] === ctx.region && match[2] === ctx.accountId
      ? match[3] === "namespace"
        ? findNamespace(state, match[4] ?? "", ctx.region)
        : findService(state, match[4] ?? "", ctx.region)
      : undefined;
  if (!resource) {
    throw new AwsErrorWithMembers("ResourceNotFoundException", `The resource ${arn} was not found`, {});
  }
  return resource;
}

export const namespaceOut = (
  state: CloudMapState,
  n: Namespace,
  accountId: string,
  withCreator: boolean,
) => ({
  Id: n.id,
  Arn: n.arn,
  ResourceOwner: accountId,
  Name: n.name,
  Type: n.type,
  Description: n.description,
  ServiceCount: [...state.services.values()].filter((s) => s.namespaceId === n.id).length,
  Properties: {
    DnsProperties: { HostedZoneId: n.hostedZoneId, SOA: { TTL: n.soaTtl } },
    HttpProperties: { HttpName: n.httpName },
  },
  CreateDate: n.createDate,
  CreatorRequestId: withCreator ? n.creatorRequestId : undefined,
});

export const serviceOut = (s: Service, accountId: string, summary: boolean) => ({
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

const instanceOut = (i: Instance, accountId: string) => ({
  Id: i.id,
  Attributes: i.attributes,
  CreatedByAccount: accountId,
});

export const operationOut = (op: CloudMapOperation, accountId: string) => ({
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
