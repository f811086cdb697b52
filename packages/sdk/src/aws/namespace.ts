import { createHash } from "node:crypto";
import { FlexjobError, internal } from "../errors.js";
import { names, ownedByApp, roleArn, TAG_APP, TAG_MANAGED } from "../naming.js";
import { stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { isAwsError, wrapAwsError } from "./aws-error.js";
import { type DiscoveryClients, loadSdk } from "./clients.js";
import { listServices } from "./cloud-map-services.js";
import { changedTags, cloudMapTagList, readCloudMapTags, tagChanges } from "./cloud-map-tags.js";
import { type FollowContext, following, followOperation } from "./operation.js";
import { observeEach, type ResourceAdapter, runStep } from "./resource.js";
import { jobTaskRoleArn } from "./task-definition.js";

/**
 * The VPC a namespace flexjob created serves, as a tag: Cloud Map does not report a private
 * namespace's VPC (only Route 53 does, on its hosted zone), and a namespace answers only inside it.
 */
export const TAG_VPC = "flexjob:vpc";

/**
 * A Cloud Map private DNS namespace: jobs in `vpcId` resolve `<service>.<name>` and call
 * DiscoverInstances with it. https://docs.aws.amazon.com/cloud-map/latest/dg/working-with-namespaces.html
 */
export interface NamespaceSpec {
  /** The DNS name, e.g. `billing.internal`; also its HTTP name, which DiscoverInstances takes. */
  name: string;
  /** The VPC the jobs run in, e.g. `vpc-0a1b2c3d`. */
  vpcId: string;
  tags: Record<string, string>;
}

export interface NamespaceLive {
  id: string;
  arn: string;
  name: string;
  /** What DiscoverInstances takes; equals the name unless Cloud Map had to make it unique. */
  httpName: string;
  /** From flexjob's `flexjob:vpc` tag; undefined for a namespace flexjob did not create. */
  vpcId: string | undefined;
  tags: Record<string, string>;
}

export type NamespaceStep = PlanStep<"namespace", NamespaceSpec, NamespaceLive>;

/**
 * Finds the private DNS namespace named `name`, preferring the one in `vpcId` when the account has
 * several (one per VPC). Reads only: ListNamespaces, then ListTagsForResource on each match.
 *
 * @example
 * const live = await observeNamespace({ servicediscovery }, "billing.internal", "vpc-0a1b2c3d");
 * live?.id; // "ns-…", or undefined when it does not exist yet
 */
export async function observeNamespace(
  clients: DiscoveryClients,
  name: string,
  vpcId?: string,
): Promise<NamespaceLive | undefined> {
  const { ListNamespacesCommand } = await loadSdk(clients, "servicediscovery");
  try {
    const found: { id: string; arn: string; httpName: string }[] = [];
    let nextToken: string | undefined;
    do {
      // Cloud Map pages first and filters after, so a page can be empty and still have a NextToken.
      const page = await clients.servicediscovery.send(
        new ListNamespacesCommand({
          NextToken: nextToken,
          Filters: [
            { Name: "NAME", Values: [name], Condition: "EQ" },
            { Name: "TYPE", Values: ["DNS_PRIVATE"], Condition: "EQ" },
          ],
        }),
      );
      for (const namespace of page.Namespaces ?? []) {
        if (namespace.Name !== name || namespace.Id === undefined) continue;
        found.push({
          id: namespace.Id,
          arn: namespace.Arn ?? "",
          httpName: namespace.Properties?.HttpProperties?.HttpName ?? name,
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    const live = await Promise.all(
      found.map(async (namespace): Promise<NamespaceLive> => {
        const tags = await readCloudMapTags(clients, namespace.arn);
        return { ...namespace, name, vpcId: tags[TAG_VPC], tags };
      }),
    );
    return live.find((namespace) => namespace.vpcId === vpcId) ?? live[0];
  } catch (error) {
    throw wrapAwsError(error, `reading Cloud Map namespace ${name}`);
  }
}

/** The tags a namespace should carry: the spec's, plus the VPC it serves. */
function desiredTags(spec: NamespaceSpec): Record<string, string> {
  return { ...spec.tags, [TAG_VPC]: spec.vpcId };
}

/**
 * Pure: what to do about a namespace. One in another VPC is an error, since jobs could neither
 * resolve its names nor share it with a second namespace of the same HTTP name; one flexjob did not
 * create is used as is.
 *
 * @example
 * planNamespace({ name: "billing.internal", vpcId: "vpc-1", tags }, undefined);
 * // { kind: "namespace", id: "billing.internal", action: "create", changes: [...], desired: ... }
 */
export function planNamespace(spec: NamespaceSpec, live: NamespaceLive | undefined): NamespaceStep {
  const base = { kind: "namespace", id: spec.name, desired: spec } as const;
  if (live === undefined) {
    return stepFrom(base, live, [{ path: "vpcId", after: spec.vpcId }, ...tagChanges(spec.tags, {})]);
  }
  if (live.vpcId !== undefined && live.vpcId !== spec.vpcId) {
    throw new FlexjobError(
      `Cloud Map namespace "${spec.name}" (${live.id}) serves VPC ${live.vpcId}, but the jobs run in VPC ${spec.vpcId}`,
      {
        code: "INPUT_INVALID",
        fault: "user",
        remedy: `a private namespace answers only inside its VPC: set discovery.namespace to a name not used yet, or network.subnets to subnets of ${live.vpcId}`,
      },
    );
  }
  if (live.tags[TAG_MANAGED] !== "true") {
    return stepFrom(base, live, [], "not created by flexjob: used as is, never changed");
  }
  return stepFrom(base, live, tagChanges(desiredTags(spec), live.tags));
}

/**
 * Deterministic per name and VPC, so a retried create is recognised by Cloud Map as the same one.
 *
 * @example
 * namespaceRequestId("billing.internal", "vpc-0a1b2c3d"); // "flexjob-ns-3f1c…" (51 characters)
 */
export function namespaceRequestId(name: string, vpcId: string): string {
  return `flexjob-ns-${createHash("sha256").update(`${name}\0${vpcId}`).digest("hex").slice(0, 40)}`;
}

/**
 * Executes a namespace step and returns the namespace id (undefined after a delete). A create is
 * followed to SUCCESS (see followOperation); a namespace a concurrent run created is adopted.
 *
 * @example
 * const id = await applyNamespace({ servicediscovery }, step, { sleep: realSleep, now: () => new Date() });
 */
export async function applyNamespace(
  clients: DiscoveryClients,
  step: NamespaceStep,
  context: FollowContext,
): Promise<string | undefined> {
  const { TagResourceCommand } = await loadSdk(clients, "servicediscovery");
  const follow = (operationId: string, doing: string) =>
    followOperation(clients, operationId, following(context, doing));
  if (step.action === "noop") return step.live?.id;
  return runStep(step, "Cloud Map namespace", {
    async delete() {
      await deleteNamespace(clients, step, follow);
    },
    async update(spec, live) {
      const tags = changedTags(desiredTags(spec), live.tags);
      if (Object.keys(tags).length > 0) {
        await clients.servicediscovery.send(
          new TagResourceCommand({ ResourceARN: live.arn, Tags: cloudMapTagList(tags) }),
        );
      }
      return live.id;
    },
    async create(spec) {
      const baseRequestId = namespaceRequestId(spec.name, spec.vpcId);
      const id = await createNamespace(clients, spec, baseRequestId, follow);
      if (id !== undefined) return id;
      // Cloud Map remembers a request id after its namespace is deleted and answers the old operation
      // again: a namespace destroyed and deployed anew needs a request id of its own.
      const fresh = `${baseRequestId.slice(0, 48)}-${context.now().getTime().toString(36)}`;
      const retried = await createNamespace(clients, spec, fresh, follow);
      if (retried === undefined) {
        throw new FlexjobError(`Cloud Map reported namespace ${spec.name} created, but it does not exist`, {
          code: "AWS_ERROR",
          fault: "aws",
          remedy: "run again; if it persists, check the namespace's operations in the Cloud Map console",
        });
      }
      return retried;
    },
  });
}

type Follow = (operationId: string, doing: string) => Promise<{ targets: Partial<Record<string, string>> }>;

/** The new (or adopted) namespace's id, or undefined when the operation names one that is gone. */
async function createNamespace(
  clients: DiscoveryClients,
  spec: NamespaceSpec,
  requestId: string,
  follow: Follow,
): Promise<string | undefined> {
  const { CreatePrivateDnsNamespaceCommand, GetNamespaceCommand } = await loadSdk(
    clients,
    "servicediscovery",
  );
  const doing = `creating Cloud Map namespace ${spec.name} in ${spec.vpcId}`;
  let operationId: string;
  try {
    const created = await clients.servicediscovery.send(
      new CreatePrivateDnsNamespaceCommand({
        Name: spec.name,
        Vpc: spec.vpcId,
        CreatorRequestId: requestId,
        Description: `flexjob: service discovery for jobs in ${spec.vpcId}`,
        Tags: cloudMapTagList(desiredTags(spec)),
      }),
    );
    operationId = created.OperationId ?? "";
  } catch (error) {
    // A concurrent run created it (or is creating it): converge on theirs.
    if (isAwsError(error, "NamespaceAlreadyExists")) {
      const existing = (error as { NamespaceId?: string }).NamespaceId;
      if (existing !== undefined) return existing;
    }
    if (isAwsError(error, "DuplicateRequest")) {
      const duplicate = (error as { DuplicateOperationId?: string }).DuplicateOperationId;
      if (duplicate !== undefined) operationId = duplicate;
      else throw error;
    } else {
      throw error;
    }
  }
  const done = await follow(operationId, doing);
  const id = done.targets.NAMESPACE;
  if (id === undefined) return undefined;
  const exists = await clients.servicediscovery.send(new GetNamespaceCommand({ Id: id })).then(
    () => true,
    (error: unknown) => {
      if (isAwsError(error, "NamespaceNotFound")) return false;
      throw error;
    },
  );
  return exists ? id : undefined;
}

async function deleteNamespace(clients: DiscoveryClients, step: NamespaceStep, follow: Follow) {
  const { DeleteNamespaceCommand } = await loadSdk(clients, "servicediscovery");
  const live = step.live;
  if (live === undefined) return;
  if (live.tags[TAG_MANAGED] !== "true") {
    throw internal(
      `refusing to delete Cloud Map namespace ${live.name}: it is not tagged ${TAG_MANAGED}=true`,
      "this is a flexjob bug: it planned to delete a namespace it does not own; please report it",
    );
  }
  let operationId: string | undefined;
  try {
    operationId = (await clients.servicediscovery.send(new DeleteNamespaceCommand({ Id: live.id })))
      .OperationId;
  } catch (error) {
    if (isAwsError(error, "NamespaceNotFound")) return;
    if (isAwsError(error, "ResourceInUse")) {
      throw new FlexjobError(`Cloud Map namespace ${live.name} (${live.id}) still has services`, {
        code: "INPUT_INVALID",
        fault: "user",
        cause: error,
        remedy: `delete its services first (their instances deregistered): "aws servicediscovery list-services --filters Name=NAMESPACE_ID,Values=${live.id}"`,
      });
    }
    throw error;
  }
  if (operationId !== undefined) await follow(operationId, `deleting Cloud Map namespace ${live.name}`);
}

/** With `discovery:`, the Cloud Map private DNS namespace jobs find services in. */
export const namespaces: ResourceAdapter<NamespaceStep> = {
  kind: "namespace",
  order: { write: 0, remove: 7 },
  render: ({ config, network }) => {
    if (!config.discovery) return [];
    const name = config.discovery.namespace;
    const tags = { [TAG_MANAGED]: "true", [TAG_APP]: config.app, [TAG_VPC]: network.vpcId };
    return [{ id: name, spec: { name, vpcId: network.vpcId, tags } }];
  },
  observe: observeEach((desired, { clients }) => observeNamespace(clients, desired.id, desired.spec.vpcId)),
  plan(desired, live, context) {
    const { config, accountId } = context;
    const flexjobTaskRole = roleArn(accountId, names.taskRole(config.app));
    for (const job of config.jobs.filter((each) => context.selected(each.name))) {
      const own = jobTaskRoleArn(config, job, accountId);
      if (own === flexjobTaskRole) continue;
      context.note(
        `job ${job.name} runs as its own task role ${own}: give it servicediscovery:DiscoverInstances on ${desired.id} to use service discovery`,
      );
    }
    return planNamespace(desired.spec, live);
  },
  async owned({ clients, config, job }) {
    if (job !== undefined || !config.discovery) return [];
    const live = await observeNamespace(clients, config.discovery.namespace);
    if (live === undefined || !ownedByApp(live.tags, config.app)) return [];
    // Cloud Map refuses to delete a namespace with services; one flexjob did not create keeps it.
    const services = await listServices(clients, live.id);
    return services.every((service) => ownedByApp(service.tags, config.app)) ? [{ id: live.name, live }] : [];
  },
  apply: (step, { clients, sleep, now }) => applyNamespace(clients, step, { sleep, now }),
  permissions: ({ config, app }) =>
    config.discovery
      ? {
          // Cloud Map grants namespace creation per account, not per name; what it calls on our
          // behalf (the private hosted zone in the VPC) follows its permissions reference.
          // https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html
          deploy: [
            {
              // Cloud Map creates the namespace's private hosted zone as the caller. AWS cannot scope
              // this action: the zone does not exist yet, and Route 53 has no tag condition for it.
              Sid: "CreateHostedZoneAwsCannotScope",
              Effect: "Allow",
              Action: "route53:CreateHostedZone",
              Resource: "*",
            },
            {
              Sid: "ManageDiscoveryNamespace",
              Effect: "Allow",
              Action: [
                "ec2:DescribeRegions",
                "route53:GetHostedZone",
                "route53:ListHostedZonesByName",
                "servicediscovery:CreatePrivateDnsNamespace",
                "servicediscovery:GetNamespace",
                "servicediscovery:GetOperation",
                "servicediscovery:ListNamespaces",
                "servicediscovery:ListTagsForResource",
                "servicediscovery:TagResource",
              ],
              Resource: "*",
            },
          ],
          destroy: [
            {
              // Namespace and service ids are random, so the app's own tag scopes the deletes (the
              // namespace's and its services', which destroy removes with it).
              Sid: "DestroyAppDiscovery",
              Effect: "Allow",
              Action: ["servicediscovery:DeleteNamespace", "servicediscovery:DeleteService"],
              Resource: "*",
              Condition: { StringEquals: { [`aws:ResourceTag/${TAG_APP}`]: app } },
            },
            {
              Sid: "ReadDiscoveryServices",
              Effect: "Allow",
              Action: ["servicediscovery:GetService", "servicediscovery:ListServices"],
              Resource: "*",
            },
          ],
        }
      : { deploy: [] },
};
