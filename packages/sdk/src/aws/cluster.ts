import { FlexjobError } from "../errors.js";
import { names, ownedByApp, TAG_APP, TAG_MANAGED } from "../naming.js";
import { stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { capacityProviderFor } from "../sizing/index.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import type { ClusterSpec } from "./cluster-spec.js";
import { ecsCreateStatements } from "./policy.js";
import { observeEach, type ResourceAdapter, runStep } from "./resource.js";

/** An ECS cluster as it exists: flexjob's own, or a user's shared cluster named in flexjob.yml. */
export interface ClusterLive {
  name: string;
  arn: string;
  /** What the orchestrator checks before scheduling a Spot job on a cluster flexjob does not own. */
  capacityProviders: string[];
  /** `enabled`, `enhanced` or `disabled`, as ECS reports the setting. */
  containerInsights: string;
  tags: Record<string, string>;
}

export type ClusterStep = PlanStep<"cluster", ClusterSpec, ClusterLive>;

/** Tasks flexjob starts name their capacity provider, so this default only matters to other callers. */
const DEFAULT_STRATEGY = [{ capacityProvider: "FARGATE", weight: 1 }];

export async function observeCluster(clients: AwsClients, name: string): Promise<ClusterLive | undefined> {
  const { DescribeClustersCommand } = await loadSdk(clients, "ecs");
  try {
    const { clusters = [] } = await clients.ecs.send(
      new DescribeClustersCommand({ clusters: [name], include: ["TAGS", "SETTINGS"] }),
    );
    // A deleted cluster lingers as INACTIVE for a while; for flexjob it is gone, and creating it again works.
    const found = clusters.find((cluster) => cluster.clusterName === name && cluster.status !== "INACTIVE");
    if (found === undefined) return undefined;
    return {
      name,
      arn: found.clusterArn ?? "",
      capacityProviders: found.capacityProviders ?? [],
      containerInsights:
        found.settings?.find((setting) => setting.name === "containerInsights")?.value ?? "disabled",
      tags: Object.fromEntries((found.tags ?? []).map((tag) => [tag.key ?? "", tag.value ?? ""])),
    };
  } catch (error) {
    throw wrapAwsError(error, `reading ECS cluster ${name}`);
  }
}

export function planCluster(spec: ClusterSpec, live: ClusterLive | undefined): ClusterStep {
  const base = { kind: "cluster", id: spec.name, desired: spec } as const;
  if (live === undefined) {
    return stepFrom(base, live, [
      { path: "capacityProviders", after: spec.capacityProviders },
      ...(spec.containerInsights === "enabled" ? [{ path: "containerInsights", after: "enabled" }] : []),
    ]);
  }
  if (!isFlexjobs(live)) {
    return stepFrom(base, live, [], "cluster was not created by flexjob: used as is, never changed");
  }
  const missing = spec.capacityProviders.filter((provider) => !live.capacityProviders.includes(provider));
  // `enhanced`, set by hand, is more than `enabled` asks for: kept.
  const insightsOn = live.containerInsights !== "disabled";
  return stepFrom(base, live, [
    ...(missing.length === 0
      ? []
      : [
          {
            path: "capacityProviders",
            before: live.capacityProviders,
            after: capacityProvidersFor(spec, live),
          },
        ]),
    ...(spec.containerInsights === undefined || insightsOn === (spec.containerInsights === "enabled")
      ? []
      : [{ path: "containerInsights", before: live.containerInsights, after: spec.containerInsights }]),
  ]);
}

export async function applyCluster(clients: AwsClients, step: ClusterStep): Promise<void> {
  const sdk = await loadSdk(clients, "ecs");
  const name = step.id;
  await runStep(step, "ECS cluster", {
    async delete() {
      // Only a cluster flexjob created is ever deleted: a shared cluster named in flexjob.yml stays.
      const live = step.live ?? (await observeCluster(clients, name));
      if (live === undefined || !isFlexjobs(live)) return;
      await tolerating(
        clients.ecs.send(new sdk.DeleteClusterCommand({ cluster: name })),
        "ClusterNotFoundException",
      );
    },
    async create(spec) {
      // CreateCluster answers with the existing cluster when one of this name is active, so a
      // concurrent deploy creating it first is not an error.
      await clients.ecs
        .send(
          new sdk.CreateClusterCommand({
            clusterName: name,
            capacityProviders: spec.capacityProviders,
            ...(spec.containerInsights === undefined
              ? {}
              : { settings: [{ name: "containerInsights", value: spec.containerInsights }] }),
            defaultCapacityProviderStrategy: DEFAULT_STRATEGY,
            tags: Object.keys(spec.tags)
              .sort()
              .map((key) => ({ key, value: spec.tags[key] ?? "" })),
          }),
        )
        .catch((error: unknown) => {
          throw isMissingServiceLinkedRole(error) ? missingServiceLinkedRole(name, error) : error;
        });
    },
    async update(spec, live) {
      if (!isFlexjobs(live)) return;
      const changed = new Set(step.changes.map((change) => change.path));
      if (changed.has("capacityProviders")) {
        await clients.ecs.send(
          new sdk.PutClusterCapacityProvidersCommand({
            cluster: name,
            capacityProviders: capacityProvidersFor(spec, live),
            defaultCapacityProviderStrategy: DEFAULT_STRATEGY,
          }),
        );
      }
      if (changed.has("containerInsights") && spec.containerInsights !== undefined) {
        await clients.ecs.send(
          new sdk.UpdateClusterSettingsCommand({
            cluster: name,
            settings: [{ name: "containerInsights", value: spec.containerInsights }],
          }),
        );
      }
    },
  });
}

/**
 * In an account that never had an ECS cluster, the service-linked role ECS needs for capacity
 * providers is created on first use and is not ready yet: the first CreateCluster fails, a rerun works.
 */
function isMissingServiceLinkedRole(error: unknown): boolean {
  return (
    isAwsError(error, "InvalidParameterException") &&
    error instanceof Error &&
    /service linked role/i.test(error.message)
  );
}

function missingServiceLinkedRole(name: string, error: unknown): FlexjobError {
  return new FlexjobError(
    `creating ECS cluster ${name}: ECS's service-linked role (AWSServiceRoleForECS) does not exist yet in this account`,
    {
      code: "AWS_ERROR",
      fault: "aws",
      cause: error,
      remedy:
        "deploy again in a minute (ECS creates the role on first use), or create it once with " +
        '"aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com"',
    },
  );
}

function isFlexjobs(live: ClusterLive): boolean {
  return live.tags[TAG_MANAGED] === "true";
}

/**
 * PutClusterCapacityProviders replaces the whole list, so providers someone added to flexjob's
 * cluster by hand are kept alongside the ones flexjob needs.
 */
function capacityProvidersFor(spec: ClusterSpec, live: ClusterLive): string[] {
  const desired: readonly string[] = spec.capacityProviders;
  return [...desired, ...live.capacityProviders.filter((provider) => !desired.includes(provider))];
}

/**
 * The ECS cluster the jobs run in: flexjob's own `<app>`, or a user's cluster named by `cluster:`,
 * which is used as it is and never changed or deleted.
 */
export const clusters: ResourceAdapter<ClusterStep> = {
  kind: "cluster",
  order: { write: 0, remove: 7 },
  render: ({ config }) => {
    const name = names.cluster(config.app, config.cluster);
    const tags = { [TAG_MANAGED]: "true", [TAG_APP]: config.app };
    const containerInsights =
      config.insights === undefined ? undefined : config.insights ? "enabled" : "disabled";
    return [
      { id: name, spec: { name, capacityProviders: ["FARGATE", "FARGATE_SPOT"], containerInsights, tags } },
    ];
  },
  observe: observeEach((desired, { clients }) => observeCluster(clients, desired.id)),
  plan(desired, live, context) {
    const step = planCluster(desired.spec, live);
    if (step.reason !== undefined) context.note(`cluster ${desired.id}: ${step.reason}`);
    const spot = context.config.jobs.some(
      (job) => context.selected(job.name) && capacityProviderFor(job.spot) === "FARGATE_SPOT",
    );
    if (
      live !== undefined &&
      !live.capacityProviders.includes("FARGATE_SPOT") &&
      step.action === "noop" &&
      spot
    ) {
      context.note(
        `cluster ${desired.id} has no FARGATE_SPOT capacity provider, so spot jobs will fail to start; add it to the cluster`,
      );
    }
    return step;
  },
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    const live = await observeCluster(clients, names.cluster(config.app, config.cluster));
    return live !== undefined && ownedByApp(live.tags, config.app) ? [{ id: live.name, live }] : [];
  },
  apply: (step, { clients }) => applyCluster(clients, step),
  permissions: (scope) => ({
    deploy: [
      {
        Sid: "ManageCluster",
        Effect: "Allow",
        Action: ["ecs:DescribeClusters", "ecs:PutClusterCapacityProviders", "ecs:UpdateClusterSettings"],
        Resource: scope.cluster,
      },
      ...ecsCreateStatements({ create: "CreateCluster", tag: "TagClusterOnCreate" }, "CreateCluster", {
        app: scope.app,
        tagKey: TAG_APP,
        resources: scope.cluster,
      }),
    ],
    destroy: [
      { Sid: "DestroyCluster", Effect: "Allow", Action: "ecs:DeleteCluster", Resource: scope.cluster },
    ],
  }),
};
