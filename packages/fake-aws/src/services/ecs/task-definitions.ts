import type { CallContext } from "../../core/types.js";
import { checkFireLens } from "./firelens-rules.js";
import {
  clientException,
  type EcsEnv,
  failClient,
  findTaskDefinition,
  read,
  readPage,
  type TaskDefinition,
} from "./state.js";
import { readTags } from "./tags.js";
import {
  type ContainerFacts,
  FAMILY,
  isFargateSize,
  normaliseContainer,
  parseCpu,
  parseMemory,
  ROLE_ARN,
  requiredAttributes,
} from "./task-definition-rules.js";

const NETWORK_MODES = ["bridge", "host", "awsvpc", "none"];
const COMPATIBILITIES = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];

export function describeTaskDefinition(td: TaskDefinition): Record<string, unknown> {
  return {
    ...structuredClone(td.body),
    status: td.status,
    registeredAt: td.registeredAt,
    registeredBy: `arn:aws:iam::${td.arn.split(":")[4]}:root`,
    ...(td.deregisteredAt && { deregisteredAt: td.deregisteredAt }),
  };
}

function checkRole(env: EcsEnv, arn: string | undefined, member: string): void {
  if (arn === undefined) return;
  if (!ROLE_ARN.test(arn)) throw clientException(`Invalid ${member}: ${arn} is not an IAM role ARN.`);
  // ECS checks at registration that it can pass the role: it must exist and trust ECS tasks.
  const trusted = env.world.roleTrusts
    ? env.world.roleTrusts(arn, "ecs-tasks.amazonaws.com")
    : env.world.exists("iam-role", arn, "us-east-1");
  if (!trusted) throw clientException("Role is not valid");
}

export function taskDefinitionHandlers(env: EcsEnv) {
  return {
    RegisterTaskDefinition(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input, failClient);
      const family = reader.string("family");
      if (family === undefined || family === "") throw clientException("Family should not be null or empty.");
      if (!FAMILY.test(family)) {
        throw clientException(
          "Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.",
        );
      }
      const networkMode = reader.string("networkMode", { oneOf: NETWORK_MODES });
      const requires = reader.strings("requiresCompatibilities", { item: { oneOf: COMPATIBILITIES } }) ?? [];
      const fargate = requires.includes("FARGATE");
      const awsvpc = networkMode === "awsvpc";
      const taskRoleArn = reader.string("taskRoleArn");
      const executionRoleArn = reader.string("executionRoleArn");
      checkRole(env, taskRoleArn, "taskRoleArn");
      checkRole(env, executionRoleArn, "executionRoleArn");

      const cpuText = reader.string("cpu");
      const memoryText = reader.string("memory");
      const cpu = cpuText === undefined ? undefined : parseCpu(cpuText);
      const memory = memoryText === undefined ? undefined : parseMemory(memoryText);
      if (cpuText !== undefined && cpu === undefined)
        throw clientException(`Invalid 'cpu' setting for task: ${cpuText}.`);
      if (memoryText !== undefined && memory === undefined) {
        throw clientException(`Invalid 'memory' setting for task: ${memoryText}.`);
      }
      if (fargate) {
        if (!awsvpc) throw clientException("Fargate only supports network mode 'awsvpc'.");
        if (cpu === undefined)
          throw clientException("Fargate requires that 'cpu' be defined at the task level.");
        if (memory === undefined)
          throw clientException("Fargate requires that 'memory' be defined at the task level.");
        if (!isFargateSize(cpu, memory)) {
          throw clientException(
            `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`,
          );
        }
      }

      const containerReaders = reader.objects("containerDefinitions");
      if (containerReaders.length === 0) throw clientException("Container list cannot be empty.");
      if (containerReaders.length > 10)
        throw clientException("Too many containers: at most 10 per task definition.");
      const facts: ContainerFacts[] = [];
      const containerDefinitions = containerReaders.map((container) => {
        const normalised = normaliseContainer(container, { awsvpc, fargate });
        facts.push(normalised.facts);
        return normalised.described;
      });
      checkContainers(facts, { fargate, cpu, memory, executionRole: executionRoleArn !== undefined });
      checkFireLens(facts, { executionRole: executionRoleArn !== undefined });

      const ephemeral = reader.object("ephemeralStorage");
      if (ephemeral) {
        const size = ephemeral.int("sizeInGiB", { required: true });
        if (size < 21 || size > 200) {
          throw clientException("The ephemeral storage size must be between 21 and 200 GiB.");
        }
      }
      const platform = reader.object("runtimePlatform");
      platform?.string("cpuArchitecture", { oneOf: ["X86_64", "ARM64"] });
      platform?.string("operatingSystemFamily", {
        oneOf: [
          "LINUX",
          "WINDOWS_SERVER_2019_FULL",
          "WINDOWS_SERVER_2019_CORE",
          "WINDOWS_SERVER_2016_FULL",
          "WINDOWS_SERVER_2004_CORE",
          "WINDOWS_SERVER_2022_CORE",
          "WINDOWS_SERVER_2022_FULL",
          "WINDOWS_SERVER_2025_CORE",
          "WINDOWS_SERVER_2025_FULL",
          "WINDOWS_SERVER_20H2_CORE",
        ],
      });
      const tags = readTags(input);

      const key = `${context.region}\0${family}`;
      const revisions = env.state.families.get(key) ?? [];
      const revision = (revisions[revisions.length - 1]?.revision ?? 0) + 1;
      const arn = `arn:aws:ecs:${context.region}:${context.accountId}:task-definition/${family}:${revision}`;
      const compatibilities = [
        "EC2",
        ...(awsvpc && cpu !== undefined && memory !== undefined && isFargateSize(cpu, memory)
          ? ["FARGATE"]
          : []),
      ];
      const body: Record<string, unknown> = {
        taskDefinitionArn: arn,
        containerDefinitions,
        family,
        ...(taskRoleArn !== undefined && { taskRoleArn }),
        ...(executionRoleArn !== undefined && { executionRoleArn }),
        networkMode: networkMode ?? "bridge",
        revision,
        volumes: reader.list("volumes") ?? [],
        requiresAttributes: requiredAttributes(facts, {
          awsvpc,
          taskRole: taskRoleArn !== undefined,
          executionRole: executionRoleArn !== undefined,
        }),
        placementConstraints: reader.list("placementConstraints") ?? [],
        compatibilities,
        ...(requires.length > 0 && { requiresCompatibilities: requires }),
        ...(cpu !== undefined && { cpu: String(cpu) }),
        ...(memory !== undefined && { memory: String(memory) }),
        ...(platform && { runtimePlatform: platform.input }),
        ...(ephemeral && { ephemeralStorage: ephemeral.input }),
        ...(reader.has("pidMode") && { pidMode: reader.string("pidMode", { oneOf: ["host", "task"] }) }),
        ...(reader.has("ipcMode") && {
          ipcMode: reader.string("ipcMode", { oneOf: ["host", "task", "none"] }),
        }),
      };
      const td: TaskDefinition = {
        arn,
        family,
        revision,
        region: context.region,
        status: "ACTIVE",
        body: structuredClone(body),
        tags,
        registeredAt: context.now(),
        containerNames: facts.map((f) => f.name),
        cpu: cpu === undefined ? undefined : String(cpu),
        memory: memory === undefined ? undefined : String(memory),
        compatibilities,
      };
      revisions.push(td);
      env.state.families.set(key, revisions);
      env.state.taskDefinitions.set(arn, td);
      return { taskDefinition: describeTaskDefinition(td), tags: tags.map((t) => ({ ...t })) };
    },

    DescribeTaskDefinition(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input, failClient);
      const ref = reader.string("taskDefinition", { required: true });
      const include = reader.strings("include", { item: { oneOf: ["TAGS"] } }) ?? [];
      const td = findTaskDefinition(env.state, context.region, ref);
      if (td === undefined || td.status === "DELETE_IN_PROGRESS") {
        throw clientException("Unable to describe task definition.");
      }
      return {
        taskDefinition: describeTaskDefinition(td),
        ...(include.includes("TAGS") && { tags: td.tags.map((t) => ({ ...t })) }),
      };
    },

    ListTaskDefinitions(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input);
      const family = reader.string("familyPrefix");
      const status =
        reader.string("status", { oneOf: ["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"] }) ?? "ACTIVE";
      const sort = reader.string("sort", { oneOf: ["ASC", "DESC"] }) ?? "ASC";
      // `familyPrefix` is documented as the full family name, and matches exactly.
      const all = [...env.state.taskDefinitions.values()]
        .filter(
          (td) =>
            td.region === context.region &&
            td.status === status &&
            (family === undefined || td.family === family),
        )
        .sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
      if (sort === "DESC") all.reverse();
      const page = readPage(reader, all, (td) => td.arn);
      return { taskDefinitionArns: page.items.map((td) => td.arn), nextToken: page.nextToken };
    },

    ListTaskDefinitionFamilies(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input);
      // Unlike ListTaskDefinitions, this one's familyPrefix really is a prefix.
      const prefix = reader.string("familyPrefix") ?? "";
      const status = reader.string("status", { oneOf: ["ACTIVE", "INACTIVE", "ALL"] }) ?? "ACTIVE";
      const byFamily = new Map<string, boolean>();
      for (const td of env.state.taskDefinitions.values()) {
        if (td.region !== context.region || !td.family.startsWith(prefix)) continue;
        byFamily.set(td.family, (byFamily.get(td.family) ?? false) || td.status === "ACTIVE");
      }
      // A family is ACTIVE while any revision is, INACTIVE once every revision is deregistered.
      const families = [...byFamily]
        .filter(([, active]) => status === "ALL" || (status === "ACTIVE") === active)
        .map(([family]) => family)
        .sort();
      const page = readPage(reader, families, (family) => family);
      return { families: page.items, nextToken: page.nextToken };
    },

    DeregisterTaskDefinition(input: Record<string, unknown>, context: CallContext) {
      const ref = read(input, failClient).string("taskDefinition", { required: true });
      if (!ref.includes(":")) {
        throw clientException(
          "Invalid revision number. Specify the task definition as family:revision or a full ARN.",
        );
      }
      const td = findTaskDefinition(env.state, context.region, ref);
      if (td === undefined) throw clientException("The specified task definition does not exist.");
      if (td.status === "ACTIVE") {
        td.status = "INACTIVE";
        td.deregisteredAt = context.now();
      }
      return { taskDefinition: describeTaskDefinition(td) };
    },
  };
}

function checkContainers(
  facts: ContainerFacts[],
  task: { fargate: boolean; cpu: number | undefined; memory: number | undefined; executionRole: boolean },
): void {
  const names = new Set<string>();
  for (const f of facts) {
    if (names.has(f.name)) throw clientException(`Duplicate container name '${f.name}'.`);
    names.add(f.name);
    if (task.memory === undefined && f.memory === undefined && f.memoryReservation === undefined) {
      throw clientException(
        `Invalid setting for container '${f.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    }
    if (task.fargate && !task.executionRole) {
      if (f.usesEcrImage) {
        throw clientException(
          "Fargate requires task definition to have execution role ARN to support ECR images.",
        );
      }
      if (f.usesAwslogs) {
        throw clientException(
          "Fargate requires task definition to have execution role ARN to support log driver awslogs.",
        );
      }
    }
    if (f.usesSecrets && !task.executionRole) {
      throw clientException("Task definition with secrets requires an execution role ARN.");
    }
  }
  if (!facts.some((f) => f.essential)) {
    throw clientException("Task definition does not have any essential container.");
  }
  if (task.memory !== undefined) {
    const total = facts.reduce((sum, f) => sum + (f.memory ?? f.memoryReservation ?? 0), 0);
    if (total > task.memory) {
      throw clientException(
        `The sum of container memory (${total} MiB) exceeds the task memory (${task.memory} MiB).`,
      );
    }
  }
  if (task.cpu !== undefined) {
    const total = facts.reduce((sum, f) => sum + f.cpu, 0);
    if (total > task.cpu) {
      throw clientException(`The sum of container cpu (${total}) exceeds the task cpu (${task.cpu}).`);
    }
  }
}
