import { createHash } from "node:crypto";
import { FlexjobError, internal } from "../errors.js";
import { ownedByApp, TAG_MANAGED } from "../naming.js";
import { stepFrom } from "../plan/diff.js";
import type { FieldChange, PlanStep } from "../plan/types.js";
import { byCodeUnits } from "../text-order.js";
import { isAwsError, wrapAwsError } from "./aws-error.js";
import { type DiscoveryClients, loadSdk } from "./clients.js";
import { listServiceSummaries, listServices, liveService, type ServiceLive } from "./cloud-map-services.js";
import { changedTags, cloudMapTagList, tagChanges } from "./cloud-map-tags.js";
import { observeNamespace } from "./namespace.js";
import { type FollowContext, following, followOperation } from "./operation.js";
import type { PolicyStatement } from "./policy.js";
import { type ResourceAdapter, runStep } from "./resource.js";

export { listServices, type ServiceLive };

/** One DNS record Cloud Map keeps for each instance: A → its IPv4, SRV → its IPv4 and port. */
export interface DnsRecordSpec {
  Type: "A" | "SRV";
  /** Seconds resolvers may cache the answer; short, since instances come and go. */
  TTL: number;
}

/**
 * A Cloud Map service in a private DNS namespace: `<name>.<namespace>` resolves to its healthy
 * instances. https://docs.aws.amazon.com/cloud-map/latest/dg/working-with-services.html
 */
export interface ServiceSpec {
  /** DNS label(s), e.g. `api`. */
  name: string;
  /** `ns-…`, from observeNamespace or ensureNamespace. */
  namespaceId: string;
  dnsRecords: DnsRecordSpec[];
  /** MULTIVALUE: DNS answers with up to 8 healthy instances at random. */
  routingPolicy: "MULTIVALUE";
  /** Instances report their own health (UpdateInstanceCustomHealthStatus); Route 53 checks cannot reach into a VPC. */
  healthCheckCustom: boolean;
  tags: Record<string, string>;
}

export type ServiceStep = PlanStep<"discovery-service", ServiceSpec, ServiceLive>;

/** What Cloud Map cannot change in place (UpdateService changes TTLs and Route 53 health checks only). */
const REPLACE_NEEDED = /^(routingPolicy|dnsRecords\.types|healthCheckCustom)$/;

/**
 * Reads the service named `name` (case-insensitively, like DNS) in a namespace, with its tags.
 *
 * @example
 * const live = await observeService({ servicediscovery }, "ns-abc123", "api");
 * live?.dnsRecords; // [{ Type: "A", TTL: 10 }]
 */
export async function observeService(
  clients: DiscoveryClients,
  namespaceId: string,
  name: string,
): Promise<ServiceLive | undefined> {
  try {
    const wanted = name.toLowerCase();
    const found = (await listServiceSummaries(clients, namespaceId)).find(
      (service) => service.Name?.toLowerCase() === wanted,
    );
    return found && (await liveService(clients, namespaceId, found));
  } catch (error) {
    throw wrapAwsError(error, `reading Cloud Map service ${name} in ${namespaceId}`);
  }
}

const recordTypes = (records: readonly { Type: string }[]) =>
  records
    .map((record) => record.Type)
    .sort()
    .join(",");

/** Field changes between a service spec and what exists, settings first, then flexjob's tags. */
function serviceChanges(spec: ServiceSpec, live: ServiceLive, withTags: boolean): FieldChange[] {
  const changes: FieldChange[] = [];
  if (live.routingPolicy !== spec.routingPolicy) {
    changes.push({ path: "routingPolicy", before: live.routingPolicy, after: spec.routingPolicy });
  }
  if (recordTypes(live.dnsRecords) !== recordTypes(spec.dnsRecords)) {
    changes.push({
      path: "dnsRecords.types",
      before: recordTypes(live.dnsRecords),
      after: recordTypes(spec.dnsRecords),
    });
  } else {
    for (const record of [...spec.dnsRecords].sort((a, b) => byCodeUnits(a.Type, b.Type))) {
      const before = live.dnsRecords.find((existing) => existing.Type === record.Type)?.TTL;
      if (before !== record.TTL)
        changes.push({ path: `dnsRecords.${record.Type}.TTL`, before, after: record.TTL });
    }
  }
  if (live.healthCheckCustom !== spec.healthCheckCustom) {
    changes.push({
      path: "healthCheckCustom",
      before: live.healthCheckCustom,
      after: spec.healthCheckCustom,
    });
  }
  return withTags ? [...changes, ...tagChanges(spec.tags, live.tags)] : changes;
}

/**
 * The changes of a step Cloud Map cannot make in place (record types, routing policy, custom health check).
 *
 * @example
 * replaceNeeded(planService(spec, live)).map((change) => change.path); // ["healthCheckCustom"]
 */
export function replaceNeeded(step: ServiceStep): FieldChange[] {
  return step.action === "update" ? step.changes.filter((change) => REPLACE_NEEDED.test(change.path)) : [];
}

/**
 * Pure: what to do about a service. TTLs and tags update in place; a different record type,
 * routing policy or health check setting needs the service replaced, which the plan says (as an
 * update with a `reason`) and apply refuses with the steps to take, since deleting a service
 * means deregistering every instance first. A service flexjob did not create is used as is when
 * it matches, and is an error when it does not.
 *
 * @example
 * planService({ name: "api", namespaceId: "ns-1", dnsRecords: [{ Type: "A", TTL: 10 }], routingPolicy: "MULTIVALUE", healthCheckCustom: true, tags }, undefined);
 * // { kind: "discovery-service", id: "ns-1/api", action: "create", ... }
 */
export function planService(spec: ServiceSpec, live: ServiceLive | undefined): ServiceStep {
  const base = { kind: "discovery-service", id: `${spec.namespaceId}/${spec.name}`, desired: spec } as const;
  if (live === undefined) {
    return stepFrom(base, live, [
      { path: "dnsRecords", after: spec.dnsRecords },
      { path: "healthCheckCustom", after: spec.healthCheckCustom },
      ...tagChanges(spec.tags, {}),
    ]);
  }
  const managed = live.tags[TAG_MANAGED] === "true";
  const changes = serviceChanges(spec, live, managed);
  if (!managed) {
    if (changes.length === 0)
      return stepFrom(base, live, changes, "not created by flexjob: used as is, never changed");
    throw new FlexjobError(
      `Cloud Map service ${spec.name} (${live.id}) exists, was not created by flexjob, and differs: ${changes.map(describeChange).join(", ")}`,
      {
        code: "INPUT_INVALID",
        fault: "user",
        remedy:
          "use its settings in your spec, or choose another service name; flexjob never changes what it did not create",
      },
    );
  }
  if (changes.length === 0) return { ...base, live, action: "noop", changes };
  const immutable = changes.filter((change) => REPLACE_NEEDED.test(change.path));
  return immutable.length === 0
    ? { ...base, live, action: "update", changes }
    : {
        ...base,
        live,
        action: "update",
        changes,
        reason: `replace needed: Cloud Map cannot change ${immutable.map((change) => change.path).join(", ")} in place`,
      };
}

function describeChange(change: FieldChange): string {
  return `${change.path} ${JSON.stringify(change.before)} → ${JSON.stringify(change.after)}`;
}

/**
 * Deterministic per namespace and name, so a retried create returns the same service.
 *
 * @example
 * serviceRequestId("ns-abc123", "api"); // "flexjob-srv-9b2e…" (52 characters)
 */
export function serviceRequestId(namespaceId: string, name: string): string {
  return `flexjob-srv-${createHash("sha256").update(`${namespaceId}\0${name.toLowerCase()}`).digest("hex").slice(0, 40)}`;
}

/**
 * Executes a service step and returns its id and ARN (undefined after a delete). A service a
 * concurrent run created first is adopted; a TTL change is an UpdateService followed to SUCCESS.
 *
 * @example
 * const { id } = (await applyService({ servicediscovery }, step, { sleep: realSleep, now: () => new Date() })) ?? {};
 */
export async function applyService(
  clients: DiscoveryClients,
  step: ServiceStep,
  context: FollowContext,
): Promise<{ id: string; arn: string } | undefined> {
  const { TagResourceCommand, UpdateServiceCommand } = await loadSdk(clients, "servicediscovery");
  const name = step.desired?.name ?? step.live?.name ?? step.id;
  if (step.action === "noop") return step.live && { id: step.live.id, arn: step.live.arn };
  return runStep(step, "Cloud Map service", {
    delete: () => deleteService(clients, step),
    create: (spec) => createService(clients, spec),
    async update(spec, live) {
      assertUpdatable(step, name, live);
      if (step.changes.some((change) => change.path.startsWith("dnsRecords."))) {
        // UpdateService drops every record it is not given, so it always gets the complete list.
        const { OperationId } = await clients.servicediscovery.send(
          new UpdateServiceCommand({
            Id: live.id,
            Service: { DnsConfig: { DnsRecords: spec.dnsRecords.map((record) => ({ ...record })) } },
          }),
        );
        if (OperationId !== undefined) {
          await followOperation(
            clients,
            OperationId,
            following(context, `updating Cloud Map service ${name}`),
          );
        }
      }
      const tags = changedTags(spec.tags, live.tags);
      if (Object.keys(tags).length > 0) {
        await clients.servicediscovery.send(
          new TagResourceCommand({ ResourceARN: live.arn, Tags: cloudMapTagList(tags) }),
        );
      }
      return { id: live.id, arn: live.arn };
    },
  });
}

/** Cloud Map cannot change a service's routing, record types or health check kind in place. */
function assertUpdatable(step: ServiceStep, name: string, live: ServiceLive): void {
  const immutable = replaceNeeded(step);
  if (immutable.length === 0) return;
  throw new FlexjobError(
    `Cloud Map service ${name} (${live.id}) must be replaced to change ${immutable.map(describeChange).join(", ")}`,
    {
      code: "INPUT_INVALID",
      fault: "user",
      remedy: `keep its current settings, or replace it: deregister its instances, then "aws servicediscovery delete-service --id ${live.id}", and run again`,
    },
  );
}

async function createService(
  clients: DiscoveryClients,
  spec: ServiceSpec,
): Promise<{ id: string; arn: string }> {
  const { CreateServiceCommand } = await loadSdk(clients, "servicediscovery");
  try {
    const { Service: created } = await clients.servicediscovery.send(
      new CreateServiceCommand({
        Name: spec.name,
        NamespaceId: spec.namespaceId,
        CreatorRequestId: serviceRequestId(spec.namespaceId, spec.name),
        DnsConfig: {
          RoutingPolicy: spec.routingPolicy,
          DnsRecords: spec.dnsRecords.map((record) => ({ ...record })),
        },
        ...(spec.healthCheckCustom ? { HealthCheckCustomConfig: {} } : {}),
        Tags: cloudMapTagList(spec.tags),
      }),
    );
    return { id: created?.Id ?? "", arn: created?.Arn ?? "" };
  } catch (error) {
    // Another run created it between our read and this write: converge on it.
    if (isAwsError(error, "ServiceAlreadyExists")) {
      const { ServiceId, ServiceArn } = error as { ServiceId?: string; ServiceArn?: string };
      if (ServiceId !== undefined) return { id: ServiceId, arn: ServiceArn ?? "" };
    }
    throw error;
  }
}

async function deleteService(clients: DiscoveryClients, step: ServiceStep): Promise<void> {
  const { DeleteServiceCommand } = await loadSdk(clients, "servicediscovery");
  const live = step.live;
  if (live === undefined) return;
  if (live.tags[TAG_MANAGED] !== "true") {
    throw internal(
      `refusing to delete Cloud Map service ${live.name}: it is not tagged ${TAG_MANAGED}=true`,
      "this is a flexjob bug: it planned to delete a service it does not own; please report it",
    );
  }
  try {
    await clients.servicediscovery.send(new DeleteServiceCommand({ Id: live.id }));
  } catch (error) {
    if (isAwsError(error, "ServiceNotFound")) return;
    if (isAwsError(error, "ResourceInUse")) {
      throw new FlexjobError(`Cloud Map service ${live.name} (${live.id}) still has registered instances`, {
        code: "INPUT_INVALID",
        fault: "user",
        cause: error,
        remedy: `deregister them first (deregisterInstance, or "aws servicediscovery list-instances --service-id ${live.id}"), then run again`,
      });
    }
    throw error;
  }
}

/**
 * The one permission a job needs to call `discover()`/`pick()`: DiscoverInstances, and
 * DiscoverInstancesRevision (the helper's cheap "has anything changed?" check, a separate IAM
 * action), limited to the app's namespace. Neither action takes a resource ARN, so the scope is
 * the `servicediscovery:NamespaceName` condition.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudmap.html
 *
 * @example
 * policy(discoveryPolicyStatement("billing.internal"));
 * // { Sid: "DiscoverServices", Effect: "Allow", Action: ["servicediscovery:DiscoverInstances", …], Resource: "*", Condition: … }
 */
export function discoveryPolicyStatement(namespace: string): PolicyStatement {
  return {
    Sid: "DiscoverServices",
    Effect: "Allow",
    Action: ["servicediscovery:DiscoverInstances", "servicediscovery:DiscoverInstancesRevision"],
    Resource: "*",
    Condition: { StringEquals: { "servicediscovery:NamespaceName": namespace } },
  };
}

/**
 * Cloud Map services in the app's namespace. A deploy renders none: jobs register their services
 * when they run (the discovery helper's `ensureService`, with the task role's permissions). Destroy
 * removes the ones flexjob tagged for the app, before their namespace.
 */
export const discoveryServices: ResourceAdapter<ServiceStep> = {
  kind: "discovery-service",
  order: { write: 1, remove: 6 },
  render: () => [],
  observe: async () => ({ live: new Map(), unwanted: [] }),
  plan: (desired, live) => planService(desired.spec, live),
  async owned({ clients, config, job }) {
    if (job !== undefined || !config.discovery) return [];
    // A namespace flexjob did not create keeps its services.
    const namespace = await observeNamespace(clients, config.discovery.namespace);
    if (namespace === undefined || !ownedByApp(namespace.tags, config.app)) return [];
    const services = await listServices(clients, namespace.id);
    return services
      .filter((service) => ownedByApp(service.tags, config.app))
      .map((service) => ({ id: `${namespace.id}/${service.name}`, live: service }));
  },
  apply: async (step, { clients, sleep, now }) => (await applyService(clients, step, { sleep, now }))?.arn,
  // Deploy writes no service; destroy's deletes are granted with the namespace's (DestroyAppDiscovery).
  permissions: () => ({ deploy: [] }),
};
