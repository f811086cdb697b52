import type { Reader } from "../../core/readers.js";
import { AwsError, type CallContext } from "../../core/types.js";
import { statusAt } from "./lifecycle.js";
import {
  type CapacityProviderItem,
  type Cluster,
  clusterArn,
  type EcsEnv,
  findCluster,
  invalidParameter,
  read,
  requireCluster,
} from "./state.js";
import { readTags } from "./tags.js";

const CLUSTER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const FARGATE_PROVIDERS = ["FARGATE", "FARGATE_SPOT"];

export function readStrategy(items: Reader[]): CapacityProviderItem[] {
  return items.map((item) => {
    const capacityProvider = item.string("capacityProvider", { required: true, min: 1, max: 255 });
    const weight = item.int("weight", { min: 0, max: 1000 });
    const base = item.int("base", { min: 0, max: 100000 });
    return {
      capacityProvider,
      ...(weight !== undefined && { weight }),
      ...(base !== undefined && { base }),
    };
  });
}

function readSettings(reader: Reader, required = false): { name: string; value: string }[] {
  return reader.objects("settings", { required }).map((s) => ({
    name: s.string("name", { required: true, oneOf: ["containerInsights"] }),
    value: s.string("value", { required: true, oneOf: ["enhanced", "enabled", "disabled"] }),
  }));
}

export function describeCluster(env: EcsEnv, cluster: Cluster, include: string[]) {
  const nowMs = env.clock.nowMs();
  let running = 0;
  let pending = 0;
  for (const task of env.state.tasks.values()) {
    if (task.cluster !== cluster) continue;
    const status = statusAt(task, nowMs);
    if (status === "RUNNING") running++;
    else if (status === "PROVISIONING" || status === "PENDING") pending++;
  }
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: "ACTIVE",
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: 0,
    statistics: [],
    tags: include.includes("TAGS") ? cluster.tags.map((t) => ({ ...t })) : [],
    settings: include.includes("SETTINGS") ? cluster.settings.map((s) => ({ ...s })) : [],
    capacityProviders: [...cluster.capacityProviders],
    defaultCapacityProviderStrategy: cluster.defaultCapacityProviderStrategy.map((s) => ({
      base: 0,
      weight: 0,
      ...s,
    })),
  };
}

export function clusterHandlers(env: EcsEnv) {
  return {
    CreateCluster(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input);
      const name =
        reader.string("clusterName", {
          pattern: CLUSTER_NAME,
          patternText:
            "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.",
        }) ?? "default";
      const tags = readTags(input);
      const settings = readSettings(reader);
      const capacityProviders = reader.strings("capacityProviders") ?? [];
      for (const provider of capacityProviders) {
        if (!FARGATE_PROVIDERS.includes(provider)) {
          throw invalidParameter(`The specified capacity provider '${provider}' does not exist.`);
        }
      }
      const strategy = readStrategy(reader.objects("defaultCapacityProviderStrategy", { max: 20 }));
      for (const item of strategy) {
        if (!capacityProviders.includes(item.capacityProvider)) {
          throw invalidParameter(
            `The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.`,
          );
        }
      }
      // CreateCluster is idempotent: an existing cluster of that name comes back unchanged.
      const arn = clusterArn(context.region, context.accountId, name);
      let cluster = env.state.clusters.get(arn);
      if (cluster === undefined) {
        cluster = {
          arn,
          name,
          region: context.region,
          tags,
          settings: settings.length > 0 ? settings : [{ name: "containerInsights", value: "disabled" }],
          capacityProviders,
          defaultCapacityProviderStrategy: strategy,
        };
        env.state.clusters.set(arn, cluster);
      }
      return { cluster: describeCluster(env, cluster, ["TAGS", "SETTINGS"]) };
    },

    DescribeClusters(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input);
      const refs = reader.strings("clusters", { max: 100 }) ?? ["default"];
      const include = reader.strings("include", {
        item: { oneOf: ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"] },
      });
      const clusters = [];
      const failures = [];
      for (const ref of refs) {
        const cluster = findCluster(env.state, context.region, context.accountId, ref);
        if (cluster) clusters.push(describeCluster(env, cluster, include ?? []));
        else {
          const arn = ref.startsWith("arn:") ? ref : clusterArn(context.region, context.accountId, ref);
          failures.push({ arn, reason: "MISSING" });
        }
      }
      return { clusters, failures };
    },

    /**
     * The cluster's settings: containerInsights is the only one ECS has.
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateClusterSettings.html
     */
    UpdateClusterSettings(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input);
      const cluster = requireCluster(
        env.state,
        context.region,
        context.accountId,
        reader.string("cluster", { required: true }),
      );
      const settings = readSettings(reader, true);
      for (const setting of settings) {
        cluster.settings = [...cluster.settings.filter((each) => each.name !== setting.name), setting];
      }
      return { cluster: describeCluster(env, cluster, ["SETTINGS"]) };
    },

    ListClusters(_input: Record<string, unknown>, context: CallContext) {
      const clusterArns = [...env.state.clusters.values()]
        .filter((c) => c.region === context.region)
        .map((c) => c.arn)
        .sort();
      return { clusterArns };
    },

    DeleteCluster(input: Record<string, unknown>, context: CallContext) {
      const cluster = requireCluster(
        env.state,
        context.region,
        context.accountId,
        read(input).string("cluster", { required: true }),
      );
      const nowMs = env.clock.nowMs();
      for (const task of env.state.tasks.values()) {
        if (task.cluster === cluster && statusAt(task, nowMs) !== "STOPPED") {
          throw new AwsError(
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
          );
        }
      }
      const described = { ...describeCluster(env, cluster, ["TAGS"]), status: "INACTIVE" };
      env.state.clusters.delete(cluster.arn);
      return { cluster: described };
    },
  };
}
