import { createRandom, deriveSeed, type Random } from "../../core/random.js";
import { AwsError, type CallContext, type World } from "../../core/types.js";
import {
  advance,
  DEFAULT_TIMINGS,
  type Operation,
  type OperationFailure,
  type OperationTiming,
  type OperationType,
} from "./operations.js";

/**
 * Cloud Map's state and the operations on it: plain data, and functions that change it or
 * throw the AwsError Cloud Map would answer with. Reading a request and shaping a response is
 * the handlers' work (handlers.ts).
 */

export type HealthStatus = "HEALTHY" | "UNHEALTHY" | "UNKNOWN";

export interface Namespace {
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

export interface DnsRecord {
  Type: string;
  TTL: number;
}

export interface Service {
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

export interface Instance {
  id: string;
  creatorRequestId: string | undefined;
  attributes: Record<string, string>;
  health: HealthStatus;
}

export type Effect =
  | { kind: "create-namespace"; namespace: Namespace }
  | { kind: "delete-namespace"; namespaceId: string }
  | { kind: "register"; serviceId: string; instance: Instance }
  | { kind: "deregister"; serviceId: string; instanceId: string };

export type CloudMapOperation = Operation<Effect>;

export interface CloudMapState {
  /** Seeded: generated ids and DiscoverInstances' shuffling. */
  random: Random;
  namespaces: Map<string, Namespace>;
  services: Map<string, Service>;
  operations: Map<string, CloudMapOperation>;
  /** Operations not yet SUCCESS or FAIL. */
  pending: Set<CloudMapOperation>;
  timings: Record<OperationType, OperationTiming>;
  failures: Map<OperationType, OperationFailure>;
}

/** What every handler works with; `state` is replaced on reset. */
export interface CloudMapEnv {
  state: CloudMapState;
  world: World;
}

export const ACCOUNT_ID = "123456789012";
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const ZONE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function emptyCloudMapState(seed: number): CloudMapState {
  return {
    random: createRandom(deriveSeed(seed, "cloudmap")),
    namespaces: new Map(),
    services: new Map(),
    operations: new Map(),
    pending: new Set(),
    timings: { ...DEFAULT_TIMINGS },
    failures: new Map(),
  };
}

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

export const newId = (state: CloudMapState, prefix: string) =>
  `${prefix}-${state.random.chars(16, ID_ALPHABET)}`;
export const newHostedZoneId = (state: CloudMapState) => `Z${state.random.chars(19, ZONE_ALPHABET)}`;
/** The suffix that keeps a second namespace's HTTP name unique in its region. */
export const httpNameSuffix = (state: CloudMapState) => state.random.chars(8, ID_ALPHABET);

/** Applies a finished operation's effect, if it succeeded. */
export function finish(state: CloudMapState, op: CloudMapOperation): void {
  state.pending.delete(op);
  if (op.status !== "SUCCESS") return;
  const effect = op.effect;
  switch (effect.kind) {
    case "create-namespace":
      state.namespaces.set(effect.namespace.id, effect.namespace);
      break;
    case "delete-namespace":
      state.namespaces.delete(effect.namespaceId);
      break;
    case "register": {
      const service = state.services.get(effect.serviceId);
      if (service) {
        service.instances.set(effect.instance.id, effect.instance);
        service.revision += 1;
      }
      break;
    }
    case "deregister": {
      const service = state.services.get(effect.serviceId);
      if (service?.instances.delete(effect.instanceId)) service.revision += 1;
      break;
    }
  }
}

/** Operations on the fake clock finish whenever a call finds their time has come. */
export function settle(state: CloudMapState, at: Date): void {
  for (const op of [...state.pending]) {
    if (op.timing.kind === "clock") advance(op, at, false, (done) => finish(state, done));
  }
}

export function startOperation(
  state: CloudMapState,
  ctx: CallContext,
  type: OperationType,
  targets: CloudMapOperation["targets"],
  creatorRequestId: string | undefined,
  effect: Effect,
): CloudMapOperation {
  const at = ctx.now();
  const op: CloudMapOperation = {
    id: `${state.random.chars(32, ID_ALPHABET)}-${state.random.chars(8, ID_ALPHABET)}`,
    region: ctx.region,
    type,
    targets,
    creatorRequestId,
    createDate: at,
    updateDate: at,
    status: "SUBMITTED",
    timing: state.timings[type],
    polls: 0,
    failure: state.failures.get(type),
    effect,
  };
  state.operations.set(op.id, op);
  state.pending.add(op);
  if (op.timing.kind === "immediate") advance(op, at, false, (done) => finish(state, done));
  return op;
}

export const inFlight = (state: CloudMapState, predicate: (effect: Effect) => boolean) =>
  [...state.pending].find((op) => predicate(op.effect));

/** What a missing namespace or service answers with. */
const NOT_FOUND = {
  namespace: { code: "NamespaceNotFound", message: "No namespace exists with ID" },
  service: { code: "ServiceNotFound", message: "No service exists with ID" },
} as const;

/** A namespace or service by id or ARN, only in this region. */
function findInRegion<T extends { region: string }>(
  items: Map<string, T>,
  kind: keyof typeof NOT_FOUND,
  ref: string,
  region: string,
): T | undefined {
  const item = items.get(idFromRef(ref, kind));
  return item?.region === region ? item : undefined;
}

function requireInRegion<T extends { region: string }>(
  items: Map<string, T>,
  kind: keyof typeof NOT_FOUND,
  ref: string,
  region: string,
): T {
  const item = findInRegion(items, kind, ref, region);
  if (!item) throw new AwsError(NOT_FOUND[kind].code, `${NOT_FOUND[kind].message}: ${ref}`);
  return item;
}

export const findNamespace = (state: CloudMapState, ref: string, region: string): Namespace | undefined =>
  findInRegion(state.namespaces, "namespace", ref, region);
export const requireNamespace = (state: CloudMapState, ref: string, region: string): Namespace =>
  requireInRegion(state.namespaces, "namespace", ref, region);
export const findService = (state: CloudMapState, ref: string, region: string): Service | undefined =>
  findInRegion(state.services, "service", ref, region);
export const requireService = (state: CloudMapState, ref: string, region: string): Service =>
  requireInRegion(state.services, "service", ref, region);

export function requireInstance(service: Service, instanceId: string): Instance {
  const instance = service.instances.get(instanceId);
  if (!instance) {
    throw new AwsError(
      "InstanceNotFound",
      `No instance exists with ID ${instanceId} in service ${service.id}`,
    );
  }
  return instance;
}

/** DNS names are case-insensitive, so a private DNS namespace's service names are too. */
export const serviceInNamespace = (state: CloudMapState, namespace: Namespace, name: string) =>
  [...state.services.values()].find(
    (s) => s.namespaceId === namespace.id && s.name.toLowerCase() === name.toLowerCase(),
  );

export function duplicateRequest(op: CloudMapOperation, message: string): AwsError {
  return new AwsErrorWithMembers("DuplicateRequest", message, { DuplicateOperationId: op.id });
}

/** Oldest first; ties keep insertion order (the sort is stable and the maps keep it). */
export const byCreation = (a: { createDate: Date }, b: { createDate: Date }) =>
  a.createDate.getTime() - b.createDate.getTime();

/** `ns-…` from an id or an ARN `…:namespace/ns-…`. */
function idFromRef(ref: string, kind: "namespace" | "service"): string {
  if (!ref.startsWith("arn:")) return ref;
  const marker = `:${kind}/`;
  const at = ref.indexOf(marker);
  return at < 0 ? ref : ref.slice(at + marker.length);
}

export function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}
