import type { ServiceDefinition, World } from "../../core/types.js";
import { cloudMapHandlers, namespaceOut, operationOut, serviceOut } from "./handlers.js";
import {
  checkTiming,
  OPERATION_TYPES,
  type OperationFailure,
  type OperationTiming,
  type OperationType,
} from "./operations.js";
import {
  ACCOUNT_ID,
  byCreation,
  type CloudMapEnv,
  type CloudMapState,
  emptyCloudMapState,
  findNamespace,
  type Namespace,
  newHostedZoneId,
  newId,
  type Service,
  serviceInNamespace,
} from "./state.js";

/**
 * AWS Cloud Map (service discovery): private DNS namespaces, services, instances and their
 * custom health, with Cloud Map's asynchronous operations (see operations.ts). What an
 * operation changes becomes visible only when it succeeds. Every failed constraint is
 * `InvalidInput`. DiscoverInstances answers in a (seeded) random order, as AWS does, and every
 * change to a service's instances or their health moves its `InstancesRevision` on.
 */

export type { OperationFailure, OperationTiming, OperationType } from "./operations.js";
export { AwsErrorWithMembers } from "./state.js";

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
    target: TestTarget,
    instances: readonly TestInstance[],
  ): { namespaceId: string; serviceId: string };
}

export interface TestTarget {
  namespace: string;
  service: string;
  region?: string;
  healthCheck?: "custom" | "none";
}

export interface TestInstance {
  id: string;
  attributes?: Record<string, string>;
  /** Only meaningful with a custom health check; default HEALTHY. */
  health?: "HEALTHY" | "UNHEALTHY";
}

export type CloudMapService = ServiceDefinition & { controls: CloudMapControls };

export function createCloudMapService(world: World, options: CloudMapOptions = {}): CloudMapService {
  const seed = options.seed ?? 1;
  const now = () => options.clock?.now() ?? new Date();
  const env: CloudMapEnv = { state: emptyCloudMapState(seed), world };
  const controls: CloudMapControls = {
    setOperationTiming: (timing, types = OPERATION_TYPES) => {
      checkTiming(timing);
      for (const type of types) env.state.timings[type] = timing;
    },
    failOperations: (type, failure) => {
      if (failure === undefined) env.state.failures.delete(type);
      else env.state.failures.set(type, failure);
    },
    registerInstances: (target, instances) => registerInstancesNow(env.state, target, instances, now()),
  };
  return {
    signingName: "servicediscovery",
    protocol: "awsJson1_1",
    targetPrefix: "Route53AutoNaming_v20170314",
    handlers: cloudMapHandlers(env),
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
      "cloudmap-namespace": (ref, region) => findNamespace(env.state, ref, region) !== undefined,
    },
    snapshot: () => snapshotOf(env.state),
    reset: () => {
      env.state = emptyCloudMapState(seed);
    },
    controls,
  };
}

function snapshotOf(state: CloudMapState) {
  return {
    namespaces: [...state.namespaces.values()].sort(byCreation).map((n) => ({
      region: n.region,
      ...namespaceOut(state, n, ACCOUNT_ID, true),
      CreateDate: n.createDate.toISOString(),
      Vpc: n.vpc,
      Tags: Object.fromEntries(n.tags),
    })),
    services: [...state.services.values()].sort(byCreation).map((s) => ({
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
    operations: [...state.operations.values()].map((op) => ({
      region: op.region,
      ...operationOut(op, ACCOUNT_ID),
      CreateDate: op.createDate.toISOString(),
      UpdateDate: op.updateDate.toISOString(),
    })),
  };
}

/** The `registerInstances` control: instances appear at once, with what they need around them. */
function registerInstancesNow(
  state: CloudMapState,
  target: TestTarget,
  instances: readonly TestInstance[],
  at: Date,
): { namespaceId: string; serviceId: string } {
  const region = target.region ?? "us-east-1";
  const namespace =
    [...state.namespaces.values()].find(
      (n) => n.region === region && (n.name === target.namespace || n.httpName === target.namespace),
    ) ?? addTestNamespace(state, region, target.namespace, at);
  const service =
    serviceInNamespace(state, namespace, target.service) ?? addTestService(state, namespace, target, at);
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
}

function addTestNamespace(state: CloudMapState, region: string, name: string, at: Date): Namespace {
  const id = newId(state, "ns");
  const namespace: Namespace = {
    id,
    arn: `arn:aws:servicediscovery:${region}:${ACCOUNT_ID}:namespace/${id}`,
    region,
    name,
    httpName: name,
    type: "DNS_PRIVATE",
    vpc: undefined,
    description: undefined,
    creatorRequestId: undefined,
    createDate: at,
    hostedZoneId: newHostedZoneId(state),
    soaTtl: 15,
    tags: new Map(),
  };
  state.namespaces.set(id, namespace);
  return namespace;
}

function addTestService(state: CloudMapState, namespace: Namespace, target: TestTarget, at: Date): Service {
  const id = newId(state, "srv");
  const service: Service = {
    id,
    arn: `arn:aws:servicediscovery:${namespace.region}:${ACCOUNT_ID}:service/${id}`,
    region: namespace.region,
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
  state.services.set(id, service);
  return service;
}
