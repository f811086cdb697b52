import { uuidFrom } from "../../core/random.js";
import type { Reader } from "../../core/readers.js";
import type { CallContext } from "../../core/types.js";
import { applyNextBehaviour } from "./behaviours.js";
import { readStrategy } from "./clusters.js";
import { desiredStatusAt, exitCodeAt, forgottenAt, requestStop, statusAt, timelineOf } from "./lifecycle.js";
import { startProblem } from "./start-checks.js";
import {
  type CapacityProviderItem,
  type Cluster,
  clientException,
  type EcsEnv,
  type EcsTag,
  findTaskDefinition,
  invalidParameter,
  phasesFor,
  read,
  readPage,
  requireCluster,
  type Task,
  type TaskDefinition,
} from "./state.js";
import { mergeTags, readTags } from "./tags.js";
import { ROLE_ARN } from "./task-definition-rules.js";

const STARTED_BY = /^[a-zA-Z0-9_/-]{1,128}$/;
const FARGATE_PROVIDERS = new Set(["FARGATE", "FARGATE_SPOT"]);

export function taskHandlers(env: EcsEnv) {
  return {
    RunTask(input: Record<string, unknown>, context: CallContext) {
      forgetStoppedTasks(env, atMs(context));
      const reader = read(input);
      const cluster = requireCluster(env.state, context.region, context.accountId, reader.string("cluster"));
      const ref = reader.string("taskDefinition", { required: true });
      const td = findTaskDefinition(env.state, context.region, ref);
      if (td === undefined) throw clientException("TaskDefinition not found.");
      if (td.status !== "ACTIVE") throw clientException("TaskDefinition is inactive.");
      const count = reader.int("count", { min: 1, max: 10 }) ?? 1;
      const clientToken = reader.string("clientToken", { max: 64 });
      if (clientToken !== undefined) {
        const earlier = env.state.runTokens.get(clientToken);
        if (earlier) return { tasks: describeTasks(env, earlier, ["TAGS"], atMs(context)), failures: [] };
      }

      const placement = choosePlacement(reader, cluster);
      if (placement.launchType === "EC2" || placement.launchType === "EXTERNAL") {
        // No container instances are ever registered here, as in a Fargate-only account.
        return {
          tasks: [],
          failures: [{ arn: cluster.arn, reason: "No Container Instances were found in your cluster." }],
        };
      }
      if (!td.compatibilities.includes("FARGATE")) {
        throw clientException("Task definition does not support launch_type FARGATE.");
      }
      const network = readNetwork(env, reader, td, context.region);
      const overrides = readOverrides(env, reader, td);

      const startedBy = reader.string("startedBy", {
        pattern: STARTED_BY,
        patternText: "Up to 128 letters, numbers, hyphens, forward slashes and underscores",
      });
      const group = reader.string("group", { max: 255 }) ?? `family:${td.family}`;
      reader.string("referenceId", { max: 64 });
      const propagate = reader.string("propagateTags", { oneOf: ["TASK_DEFINITION", "SERVICE", "NONE"] });
      let tags: EcsTag[] = readTags(input);
      if (propagate === "TASK_DEFINITION") tags = mergeTags(td.tags, tags);
      if (reader.bool("enableECSManagedTags")) {
        tags = [...tags, { key: "aws:ecs:clusterName", value: cluster.name }];
      }

      const arns: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = env.random.hex(32);
        const task: Task = {
          arn: `arn:aws:ecs:${context.region}:${context.accountId}:task/${cluster.name}/${id}`,
          id,
          region: context.region,
          cluster,
          taskDefinition: td,
          createdAtMs: atMs(context),
          phases: phasesFor(env.controls, td.family),
          overrides,
          group,
          tags: tags.map((t) => ({ ...t })),
          subnetId: network.subnets[i % network.subnets.length] ?? "",
          eniId: `eni-${env.random.hex(17)}`,
          privateIp: `10.0.${env.random.int(0, 255)}.${env.random.int(1, 254)}`,
          availabilityZone: `${context.region}a`,
          enableExecuteCommand: reader.bool("enableExecuteCommand") ?? false,
          platformVersion: reader.string("platformVersion") ?? "1.4.0",
          containerIds: td.containerNames.map(() => uuidFrom(env.random)),
          awsvpc: true,
          ...(startedBy !== undefined && { startedBy }),
          ...(placement.launchType !== undefined && { launchType: placement.launchType }),
          ...(placement.capacityProviderName !== undefined && {
            capacityProviderName: placement.capacityProviderName,
          }),
        };
        const failure = env.controls.startFailures.get(td.family) ?? startProblem(env, td, context, id);
        if (failure !== undefined) task.startFailure = failure;
        applyNextBehaviour(env.controls, task);
        env.state.tasks.set(task.arn, task);
        arns.push(task.arn);
      }
      if (clientToken !== undefined) env.state.runTokens.set(clientToken, arns);
      return { tasks: describeTasks(env, arns, ["TAGS"], atMs(context)), failures: [] };
    },

    DescribeTasks(input: Record<string, unknown>, context: CallContext) {
      forgetStoppedTasks(env, atMs(context));
      const reader = read(input);
      const cluster = requireCluster(env.state, context.region, context.accountId, reader.string("cluster"));
      const refs = reader.strings("tasks", { required: true, max: 100 }) ?? [];
      const include = reader.strings("include", { item: { oneOf: ["TAGS"] } }) ?? [];
      const found: string[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        const task = findTask(env, cluster, ref);
        if (task) found.push(task.arn);
        else failures.push({ arn: ref, reason: "MISSING" });
      }
      return { tasks: describeTasks(env, found, include, atMs(context)), failures };
    },

    ListTasks(input: Record<string, unknown>, context: CallContext) {
      forgetStoppedTasks(env, atMs(context));
      const reader = read(input);
      const cluster = requireCluster(env.state, context.region, context.accountId, reader.string("cluster"));
      const family = reader.string("family");
      const startedBy = reader.string("startedBy");
      const serviceName = reader.string("serviceName");
      const launchType = reader.string("launchType", {
        oneOf: ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"],
      });
      const desired =
        reader.string("desiredStatus", { oneOf: ["RUNNING", "PENDING", "STOPPED"] }) ?? "RUNNING";
      const nowMs = atMs(context);
      const matching = [...env.state.tasks.values()]
        .filter(
          (task) =>
            task.cluster === cluster &&
            task.createdAtMs <= nowMs &&
            serviceName === undefined &&
            (family === undefined || task.taskDefinition.family === family) &&
            (startedBy === undefined || task.startedBy === startedBy) &&
            (launchType === undefined || (task.launchType ?? "FARGATE") === launchType) &&
            desiredStatusAt(task, nowMs) === desired,
        )
        .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
      const page = readPage(reader, matching, (t) => t.arn);
      return { taskArns: page.items.map((t) => t.arn), nextToken: page.nextToken };
    },

    StopTask(input: Record<string, unknown>, context: CallContext) {
      forgetStoppedTasks(env, atMs(context));
      const reader = read(input);
      const cluster = requireCluster(env.state, context.region, context.accountId, reader.string("cluster"));
      const ref = reader.string("task", { required: true });
      const reason = reader.string("reason", { max: 255 }) ?? "Task stopped by user";
      const task = findTask(env, cluster, ref);
      if (task === undefined) throw invalidParameter("The referenced task was not found.");
      const nowMs = atMs(context);
      requestStop(task, nowMs, reason);
      const [described] = describeTasks(env, [task.arn], ["TAGS"], nowMs);
      return { task: described };
    },
  };
}

/** The call's moment: the fake clock's now for API calls, the execution's time for Step Functions'. */
function atMs(context: CallContext): number {
  return context.now().getTime();
}

function findTask(env: EcsEnv, cluster: Cluster, ref: string): Task | undefined {
  if (ref.startsWith("arn:")) {
    const task = env.state.tasks.get(ref);
    return task?.cluster === cluster ? task : undefined;
  }
  return env.state.tasks.get(
    `arn:aws:ecs:${cluster.region}:${cluster.arn.split(":")[4]}:task/${cluster.name}/${ref}`,
  );
}

interface Placement {
  launchType?: string;
  capacityProviderName?: string;
}

function choosePlacement(reader: Reader, cluster: Cluster): Placement {
  const launchType = reader.string("launchType", {
    oneOf: ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"],
  });
  const given = reader.has("capacityProviderStrategy")
    ? readStrategy(reader.objects("capacityProviderStrategy", { max: 20 }))
    : undefined;
  if (launchType !== undefined && given !== undefined && given.length > 0) {
    throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported.");
  }
  if (launchType !== undefined) return { launchType };
  const strategy: CapacityProviderItem[] =
    given !== undefined && given.length > 0 ? given : cluster.defaultCapacityProviderStrategy;
  if (strategy.length === 0) return { launchType: "EC2" };
  for (const item of strategy) {
    if (
      !cluster.capacityProviders.includes(item.capacityProvider) ||
      !FARGATE_PROVIDERS.has(item.capacityProvider)
    ) {
      throw invalidParameter(
        "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
      );
    }
  }
  const chosen =
    strategy.find((s) => (s.base ?? 0) > 0) ?? strategy.find((s) => (s.weight ?? 0) > 0) ?? strategy[0];
  return chosen ? { capacityProviderName: chosen.capacityProvider } : { launchType: "EC2" };
}

function readNetwork(env: EcsEnv, reader: Reader, td: TaskDefinition, region: string): { subnets: string[] } {
  const network = reader.object("networkConfiguration");
  const vpc = network?.object("awsvpcConfiguration");
  if (td.body.networkMode !== "awsvpc") {
    if (vpc)
      throw invalidParameter(
        "Network Configuration is not valid for the given networkMode of this task definition.",
      );
    return { subnets: [] };
  }
  if (vpc === undefined) {
    throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  const subnets = vpc.strings("subnets") ?? [];
  if (subnets.length === 0) throw invalidParameter("subnets can not be empty.");
  if (subnets.length > 16) throw invalidParameter("subnets can have at most 16 items.");
  for (const subnet of subnets) {
    if (!env.world.exists("subnet", subnet, region)) {
      throw invalidParameter(
        `Error retrieving subnet information for [${subnet}]: The subnet ID '${subnet}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidSubnetID.NotFound)`,
      );
    }
  }
  const groups = vpc.strings("securityGroups") ?? [];
  if (groups.length > 5) throw invalidParameter("securityGroups can have at most 5 items.");
  for (const group of groups) {
    if (!env.world.exists("security-group", group, region)) {
      throw invalidParameter(
        `Error retrieving security group information for [${group}]: The security group '${group}' does not exist (Service: AmazonEC2; Status Code: 400; Error Code: InvalidGroup.NotFound)`,
      );
    }
  }
  vpc.string("assignPublicIp", { oneOf: ["ENABLED", "DISABLED"] });
  return { subnets };
}

function readOverrides(env: EcsEnv, reader: Reader, td: TaskDefinition): Record<string, unknown> {
  const overrides = reader.object("overrides");
  if (overrides === undefined) return { containerOverrides: [], inferenceAcceleratorOverrides: [] };
  if (JSON.stringify(overrides.input).length > 8192) {
    throw invalidParameter("Container Overrides length must be at most 8192");
  }
  const containerOverrides = overrides.objects("containerOverrides").map((container) => {
    const name = container.string("name", { required: true });
    if (!td.containerNames.includes(name)) {
      throw invalidParameter(
        `Override for container named ${name} is not a container in the TaskDefinition.`,
      );
    }
    for (const variable of container.objects("environment")) {
      if (!variable.string("name")) throw invalidParameter("Environment variable names must not be empty.");
    }
    container.strings("command");
    container.int("cpu", { min: 0 });
    container.int("memory", { min: 6 });
    return { ...container.input };
  });
  for (const member of ["taskRoleArn", "executionRoleArn"]) {
    const arn = overrides.string(member);
    if (arn === undefined) continue;
    const trusted = ROLE_ARN.test(arn) && (env.world.roleTrusts?.(arn, "ecs-tasks.amazonaws.com") ?? true);
    if (!trusted) throw clientException("Role is not valid");
  }
  return { ...overrides.input, containerOverrides, inferenceAcceleratorOverrides: [] };
}

/**
 * Drops the tasks ECS no longer answers for at `nowMs` (see STOPPED_TASK_RETENTION_MS); an
 * execution catching up with the clock asks as of its own moment, so its task is still there.
 */
function forgetStoppedTasks(env: EcsEnv, nowMs: number): void {
  for (const [arn, task] of env.state.tasks) {
    if (nowMs >= forgottenAt(task)) env.state.tasks.delete(arn);
  }
}

/** `nowMs`: the moment to describe them at; Step Functions' executions describe the past. */
export function describeTasks(
  env: EcsEnv,
  arns: string[],
  include: string[],
  nowMs = env.clock.nowMs(),
): Record<string, unknown>[] {
  forgetStoppedTasks(env, nowMs);
  const out: Record<string, unknown>[] = [];
  for (const arn of arns) {
    const task = env.state.tasks.get(arn);
    if (task) out.push(describeTask(env, task, nowMs, include));
  }
  return out;
}

export function describeTask(
  env: EcsEnv,
  task: Task,
  nowMs: number,
  include: string[],
): Record<string, unknown> {
  const t = timelineOf(task);
  const status = statusAt(task, nowMs);
  const exitCode = exitCodeAt(task, env.controls, nowMs);
  const stopping = nowMs >= t.stoppingAtMs;
  const at = (ms: number | undefined) => (ms !== undefined && nowMs >= ms ? new Date(ms) : undefined);
  const stoppedReason = !stopping
    ? undefined
    : t.stopCode === "UserInitiated"
      ? task.stop?.reason
      : t.stopCode === "TaskFailedToStart"
        ? task.startFailure
        : t.stopCode === "SpotInterruption"
          ? "Your Spot Task was interrupted."
          : "Essential container in task exited";
  const td = task.taskDefinition;
  const containerStatus = stopping ? "STOPPED" : status === "RUNNING" ? "RUNNING" : "PENDING";
  const attachmentId = uuidLike(task.eniId);
  const containers = td.containerNames.map((name, i) => {
    const definition = (td.body.containerDefinitions as Record<string, unknown>[])[i] ?? {};
    return {
      containerArn: `arn:aws:ecs:${task.region}:${task.arn.split(":")[4]}:container/${task.cluster.name}/${task.id}/${task.containerIds[i]}`,
      taskArn: task.arn,
      name,
      image: definition.image,
      lastStatus: containerStatus,
      ...(exitCode !== undefined && stopping && { exitCode }),
      ...(t.stopCode === "TaskFailedToStart" && stopping && { reason: task.startFailure }),
      networkBindings: [],
      networkInterfaces: task.awsvpc ? [{ attachmentId, privateIpv4Address: task.privateIp }] : [],
      healthStatus: "UNKNOWN",
      cpu: String(definition.cpu ?? 0),
      ...(definition.memory !== undefined && { memory: String(definition.memory) }),
    };
  });
  return {
    attachments: task.awsvpc
      ? [
          {
            id: attachmentId,
            type: "ElasticNetworkInterface",
            status: status === "STOPPED" ? "DELETED" : status === "PROVISIONING" ? "PRECREATED" : "ATTACHED",
            details: [
              { name: "subnetId", value: task.subnetId },
              { name: "networkInterfaceId", value: task.eniId },
              { name: "privateIPv4Address", value: task.privateIp },
            ],
          },
        ]
      : [],
    availabilityZone: task.availabilityZone,
    clusterArn: task.cluster.arn,
    connectivity: nowMs >= t.pendingAtMs ? "CONNECTED" : undefined,
    connectivityAt: at(t.pendingAtMs),
    containers,
    cpu: td.cpu,
    memory: td.memory,
    createdAt: new Date(task.createdAtMs),
    desiredStatus: desiredStatusAt(task, nowMs),
    enableExecuteCommand: task.enableExecuteCommand,
    group: task.group,
    healthStatus: "UNKNOWN",
    lastStatus: status,
    launchType: task.launchType,
    capacityProviderName: task.capacityProviderName,
    overrides: structuredClone(task.overrides),
    platformVersion: task.platformVersion,
    platformFamily: "Linux",
    pullStartedAt: at(t.pendingAtMs),
    pullStoppedAt: at(t.runningAtMs),
    startedAt: at(t.runningAtMs),
    startedBy: task.startedBy,
    stopCode: stopping ? t.stopCode : undefined,
    stoppedReason,
    stoppingAt: at(t.stoppingAtMs),
    executionStoppedAt: at(t.stoppingAtMs),
    stoppedAt: at(t.stoppedAtMs),
    tags: include.includes("TAGS") ? task.tags.map((tag) => ({ ...tag })) : [],
    taskArn: task.arn,
    taskDefinitionArn: td.arn,
    version:
      status === "STOPPED"
        ? 5
        : status === "DEPROVISIONING"
          ? 4
          : status === "RUNNING"
            ? 3
            : status === "PENDING"
              ? 2
              : 1,
    ephemeralStorage: { sizeInGiB: 20 },
  };
}

function uuidLike(seed: string): string {
  const h = seed.replace(/^eni-/, "").padEnd(32, "0").slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
