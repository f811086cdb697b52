import { isAwsError, wrapAwsError } from "../aws/aws-error.js";
import { loadSdk } from "../aws/clients.js";
import {
  applyService,
  type DnsRecordSpec,
  observeService,
  planService,
  type ServiceSpec,
} from "../aws/discovery-service.js";
import { applyNamespace, observeNamespace, planNamespace } from "../aws/namespace.js";
import { followOperation } from "../aws/operation.js";
import { internal } from "../errors.js";
import { TAG_APP, TAG_MANAGED } from "../naming.js";
import type { DiscoveryDeps } from "./deps.js";

/**
 * Idempotent one-call helpers for SDK users: each reads, plans and applies (and nothing when
 * everything already matches), so running them on every start of a service is cheap and safe.
 */

export interface EnsureNamespaceInput {
  app: string;
  /** Default `<app>.internal`, as in flexjob.yml's `discovery.namespace`. */
  namespace?: string;
  /** The VPC the jobs (and the services they call) run in. */
  vpcId: string;
}

export interface EnsuredResource {
  id: string;
  name: string;
  /** Whether a mutating call was made. */
  changed: boolean;
}

const appTags = (app: string) => ({ [TAG_MANAGED]: "true", [TAG_APP]: app });

/**
 * Makes sure the app's private DNS namespace exists in the VPC, creating it (and waiting for
 * Cloud Map's operation) when missing. A second call sends no mutating request.
 *
 * @example
 * const ns = await ensureNamespace({ app: "billing", vpcId: "vpc-0a1b2c3d" }, { clients: { servicediscovery }, sleep: realSleep, now: () => new Date() });
 * ns.id; // "ns-…" for billing.internal
 */
export async function ensureNamespace(
  input: EnsureNamespaceInput,
  deps: DiscoveryDeps,
): Promise<EnsuredResource & { vpcId: string }> {
  const name = input.namespace ?? `${input.app}.internal`;
  const live = await observeNamespace(deps.clients, name, input.vpcId);
  const step = planNamespace({ name, vpcId: input.vpcId, tags: appTags(input.app) }, live);
  if (step.action !== "noop") deps.logger?.info(`${step.action} namespace ${name}`);
  const id = await applyNamespace(deps.clients, step, deps);
  if (id === undefined) {
    throw internal(`Cloud Map namespace ${name} has no id after ${step.action}`);
  }
  return { id, name, vpcId: input.vpcId, changed: step.action !== "noop" };
}

export interface EnsureServiceInput {
  app: string;
  /** From ensureNamespace. */
  namespaceId: string;
  /** DNS label, e.g. `api`: reachable as `api.<namespace>`. */
  name: string;
  /** Default one A record with a 10 s TTL. */
  dnsRecords?: DnsRecordSpec[];
  /** Default true: instances report their health with UpdateInstanceCustomHealthStatus. */
  healthCheckCustom?: boolean;
}

/**
 * Makes sure a service exists in the namespace with these DNS records; updates a TTL in place and
 * adopts a service a concurrent run created.
 *
 * @example
 * const api = await ensureService({ app: "billing", namespaceId: ns.id, name: "api" }, deps);
 * await registerInstance({ serviceId: api.id, id: "api-1", ipv4: "10.0.1.23", port: 8080 }, deps);
 */
export async function ensureService(
  input: EnsureServiceInput,
  deps: DiscoveryDeps,
): Promise<EnsuredResource & { arn: string }> {
  const spec: ServiceSpec = {
    name: input.name,
    namespaceId: input.namespaceId,
    dnsRecords: input.dnsRecords ?? [{ Type: "A", TTL: 10 }],
    routingPolicy: "MULTIVALUE",
    healthCheckCustom: input.healthCheckCustom ?? true,
    tags: appTags(input.app),
  };
  const live = await observeService(deps.clients, input.namespaceId, input.name);
  const step = planService(spec, live);
  if (step.action !== "noop") deps.logger?.info(`${step.action} discovery-service ${input.name}`);
  const applied = await applyService(deps.clients, step, deps);
  return {
    id: applied?.id ?? "",
    arn: applied?.arn ?? "",
    name: input.name,
    changed: step.action !== "noop",
  };
}

export interface InstanceInput {
  serviceId: string;
  /** Unique within the service, e.g. a host name: `[0-9a-zA-Z_/:.@-]`, up to 64. */
  id: string;
  ipv4: string;
  /** Needed for SRV records and for `resolveUrl` without a port. */
  port?: number;
  /** Your own attributes, e.g. `{ weight: "3", stage: "blue" }` for `pick` and `query`. */
  attributes?: Record<string, string>;
}

/**
 * Registers (or updates) an endpoint that is not an ECS task, e.g. a VM or a database proxy.
 * Reads the instance first and sends nothing when it is already registered with these attributes.
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_RegisterInstance.html
 *
 * @example
 * await registerInstance({ serviceId: api.id, id: "vm-1", ipv4: "10.0.1.23", port: 8080, attributes: { weight: "3" } }, deps);
 */
export async function registerInstance(
  input: InstanceInput,
  deps: DiscoveryDeps,
): Promise<{ changed: boolean }> {
  const { GetInstanceCommand, RegisterInstanceCommand } = await loadSdk(deps.clients, "servicediscovery");
  const client = deps.clients.servicediscovery;
  const attributes: Record<string, string> = {
    ...input.attributes,
    AWS_INSTANCE_IPV4: input.ipv4,
    ...(input.port === undefined ? {} : { AWS_INSTANCE_PORT: String(input.port) }),
  };
  const doing = `registering instance ${input.id} in Cloud Map service ${input.serviceId}`;
  try {
    const current = await client
      .send(new GetInstanceCommand({ ServiceId: input.serviceId, InstanceId: input.id }))
      .then(
        (found) => found.Instance?.Attributes,
        (error: unknown) => {
          if (isAwsError(error, "InstanceNotFound")) return undefined;
          throw error;
        },
      );
    if (current !== undefined && sameAttributes(current, attributes)) return { changed: false };
    // RegisterInstance is an upsert, so a retry after a lost response needs no request id.
    const { OperationId } = await client.send(
      new RegisterInstanceCommand({
        ServiceId: input.serviceId,
        InstanceId: input.id,
        Attributes: attributes,
      }),
    );
    if (OperationId !== undefined) await followOperation(deps.clients, OperationId, { ...deps, doing });
    return { changed: true };
  } catch (error) {
    throw wrapAwsError(error, doing);
  }
}

/**
 * Removes an endpoint; one that is already gone is fine.
 *
 * @example
 * await deregisterInstance({ serviceId: api.id, id: "vm-1" }, deps);
 */
export async function deregisterInstance(
  input: { serviceId: string; id: string },
  deps: DiscoveryDeps,
): Promise<{ changed: boolean }> {
  const { DeregisterInstanceCommand } = await loadSdk(deps.clients, "servicediscovery");
  const client = deps.clients.servicediscovery;
  const doing = `deregistering instance ${input.id} from Cloud Map service ${input.serviceId}`;
  try {
    const operationId = await client
      .send(new DeregisterInstanceCommand({ ServiceId: input.serviceId, InstanceId: input.id }))
      .then(
        (out) => out.OperationId,
        (error: unknown) => {
          if (isAwsError(error, "InstanceNotFound")) return null;
          throw error;
        },
      );
    if (operationId === null) return { changed: false };
    if (operationId !== undefined) await followOperation(deps.clients, operationId, { ...deps, doing });
    return { changed: true };
  } catch (error) {
    throw wrapAwsError(error, doing);
  }
}

function sameAttributes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
