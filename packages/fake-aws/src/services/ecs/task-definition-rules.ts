import type { Reader } from "../../core/readers.js";
import {
  type FireLensFacts,
  readDependsOn,
  readFirelensConfiguration,
  readLogSecretOptions,
} from "./firelens-rules.js";
import { clientException } from "./state.js";

/** RegisterTaskDefinition's documented constraints, kept apart from the bookkeeping. */

/** Valid Fargate task sizes: CPU units → allowed memory (MiB) as [min, max, step]. */
const FARGATE_SIZES: Record<number, [number, number, number][]> = {
  256: [
    [512, 512, 1],
    [1024, 1024, 1],
    [2048, 2048, 1],
  ],
  512: [[1024, 4096, 1024]],
  1024: [[2048, 8192, 1024]],
  2048: [[4096, 16384, 1024]],
  4096: [[8192, 30720, 1024]],
  8192: [[16384, 61440, 4096]],
  16384: [[32768, 122880, 8192]],
};

export function isFargateSize(cpu: number, memory: number): boolean {
  return (FARGATE_SIZES[cpu] ?? []).some(
    ([min, max, step]) => memory >= min && memory <= max && (memory - min) % step === 0,
  );
}

/** Task-level cpu: `"1024"` or `"1 vCPU"` → CPU units. */
export function parseCpu(value: string): number | undefined {
  const units = /^\s*(\d+)\s*$/.exec(value);
  if (units) return Number(units[1]);
  const vcpu = /^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$/i.exec(value);
  return vcpu ? Math.round(Number(vcpu[1]) * 1024) : undefined;
}

/** Task-level memory: `"2048"` or `"2 GB"` → MiB. */
export function parseMemory(value: string): number | undefined {
  const mib = /^\s*(\d+)\s*$/.exec(value);
  if (mib) return Number(mib[1]);
  const gb = /^\s*(\d+(?:\.\d+)?)\s*gb\s*$/i.exec(value);
  return gb ? Math.round(Number(gb[1]) * 1024) : undefined;
}

export const FAMILY = /^[a-zA-Z0-9_-]{1,255}$/;
export const CONTAINER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const IMAGE = /^[a-zA-Z0-9_.:/#@-]{1,255}$/;
export const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;
const LOG_DRIVERS = [
  "awslogs",
  "fluentd",
  "gelf",
  "json-file",
  "journald",
  "splunk",
  "syslog",
  "awsfirelens",
];
const FARGATE_LOG_DRIVERS = ["awslogs", "splunk", "awsfirelens"];

export interface ContainerFacts extends FireLensFacts {
  name: string;
  cpu: number;
  memory: number | undefined;
  memoryReservation: number | undefined;
  essential: boolean;
  usesEcrImage: boolean;
  usesAwslogs: boolean;
  usesSecrets: boolean;
  hasHealthCheck: boolean;
}

/**
 * Validates one container definition and returns it with ECS's defaults filled in, the way
 * DescribeTaskDefinition shows it (`essential: true`, `cpu: 0`, `protocol: "tcp"`, empty lists).
 */
export function normaliseContainer(
  container: Reader,
  options: { awsvpc: boolean; fargate: boolean },
): { described: Record<string, unknown>; facts: ContainerFacts } {
  const name = container.string("name");
  if (name === undefined || name === "") throw clientException("Container.name should not be null or empty.");
  if (!CONTAINER_NAME.test(name)) {
    throw clientException(
      `Container.name '${name}' is not valid: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.`,
    );
  }
  const image = container.string("image");
  if (image === undefined || image === "")
    throw clientException("Container.image should not be null or empty.");
  if (!IMAGE.test(image)) throw clientException(`Container.image '${image}' contains invalid characters.`);

  const cpu = container.int("cpu", { min: 0, max: 10240 }) ?? 0;
  const memory = container.int("memory");
  const memoryReservation = container.int("memoryReservation");
  if (memory !== undefined && memory < 6) {
    throw clientException(`Invalid 'memory' setting for container '${name}'. The minimum is 6 MiB.`);
  }
  if (memoryReservation !== undefined && memory !== undefined && memoryReservation > memory) {
    throw clientException(
      `Invalid setting for container '${name}'. 'memoryReservation' must be less than or equal to 'memory'.`,
    );
  }

  const described: Record<string, unknown> = { ...container.input, name, image, cpu };
  described.essential = container.bool("essential") ?? true;

  described.portMappings = container.objects("portMappings").map((mapping) => {
    const containerPort = mapping.int("containerPort", { min: 1, max: 65535 });
    const hostPort = mapping.int("hostPort", { min: 0, max: 65535 });
    const protocol = mapping.string("protocol", { oneOf: ["tcp", "udp"] }) ?? "tcp";
    if (
      options.awsvpc &&
      hostPort !== undefined &&
      containerPort !== undefined &&
      hostPort !== containerPort
    ) {
      throw clientException(
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match.",
      );
    }
    const port: Record<string, unknown> = { ...mapping.input, protocol };
    if (containerPort !== undefined) port.containerPort = containerPort;
    if (options.awsvpc && containerPort !== undefined) port.hostPort = containerPort;
    return port;
  });

  described.environment = container.objects("environment").map((variable) => {
    const varName = variable.string("name");
    if (varName === undefined || varName === "") {
      throw clientException(`Environment variable name in container '${name}' should not be null or empty.`);
    }
    return { name: varName, value: variable.string("value") ?? "" };
  });

  const secrets = container.objects("secrets").map((secret) => {
    const secretName = secret.string("name");
    const valueFrom = secret.string("valueFrom");
    if (secretName === undefined || secretName === "") {
      throw clientException(`Secret name in container '${name}' should not be null or empty.`);
    }
    if (valueFrom === undefined || valueFrom === "") {
      throw clientException(
        `Secret '${secretName}' in container '${name}': valueFrom should not be null or empty.`,
      );
    }
    return { name: secretName, valueFrom };
  });
  if (secrets.length > 0) described.secrets = secrets;

  described.mountPoints = container.list("mountPoints") ?? [];
  described.volumesFrom = container.list("volumesFrom") ?? [];
  described.systemControls = container.list("systemControls") ?? [];

  const health = container.object("healthCheck");
  if (health) described.healthCheck = normaliseHealthCheck(health, name);

  const firelens = readFirelensConfiguration(container, name);
  if (firelens) described.firelensConfiguration = firelens;
  const dependsOn = readDependsOn(container, name);
  const log = container.object("logConfiguration");
  let usesAwslogs = false;
  const logSecrets = log ? readLogSecretOptions(log, name) : [];
  if (log) {
    const driver = log.string("logDriver");
    if (driver === undefined || !LOG_DRIVERS.includes(driver)) {
      throw clientException(
        `Log driver ${String(driver)} is not supported. Valid drivers: ${LOG_DRIVERS.join(", ")}.`,
      );
    }
    if (options.fargate && !FARGATE_LOG_DRIVERS.includes(driver)) {
      throw clientException(
        `Fargate only supports log drivers ${FARGATE_LOG_DRIVERS.join(", ")}; not '${driver}'.`,
      );
    }
    const logOptions = log.stringMap("options") ?? {};
    if (driver === "awslogs") {
      usesAwslogs = true;
      const required = [
        "awslogs-group",
        "awslogs-region",
        ...(options.fargate ? ["awslogs-stream-prefix"] : []),
      ];
      for (const option of required) {
        if (!logOptions[option]) {
          throw clientException(`Log driver awslogs option '${option}' should not be null or empty.`);
        }
      }
    }
  }

  const stopTimeout = container.int("stopTimeout");
  if (stopTimeout !== undefined && options.fargate && (stopTimeout < 2 || stopTimeout > 120)) {
    throw clientException(
      `Invalid 'stopTimeout' setting for container '${name}'. Fargate allows 2 to 120 seconds.`,
    );
  }

  return {
    described,
    facts: {
      name,
      cpu,
      memory,
      memoryReservation,
      essential: described.essential === true,
      usesEcrImage: ECR_IMAGE.test(image),
      usesAwslogs,
      usesSecrets: secrets.length > 0,
      hasHealthCheck: health !== undefined,
      router: firelens !== undefined,
      routed: log?.string("logDriver") === "awsfirelens",
      logSecrets: logSecrets.length > 0,
      dependsOn,
    },
  };
}

function normaliseHealthCheck(health: Reader, container: string): Record<string, unknown> {
  const command = health.strings("command");
  if (command === undefined || command.length === 0) {
    throw clientException(
      `Invalid 'healthCheck' setting for container '${container}'. 'command' must not be empty.`,
    );
  }
  const ranged = (
    member: string,
    min: number,
    max: number,
    fallback: number | undefined,
  ): number | undefined => {
    const value = health.int(member);
    if (value !== undefined && (value < min || value > max)) {
      throw clientException(
        `Invalid '${member}' setting for container '${container}' healthCheck. It must be between ${min} and ${max}.`,
      );
    }
    return value ?? fallback;
  };
  const startPeriod = ranged("startPeriod", 0, 300, undefined);
  return {
    command,
    interval: ranged("interval", 5, 300, 30),
    timeout: ranged("timeout", 2, 60, 5),
    retries: ranged("retries", 1, 10, 3),
    ...(startPeriod !== undefined && { startPeriod }),
  };
}

/** The capability attributes ECS derives from a definition (shown as `requiresAttributes`). */
export function requiredAttributes(
  facts: ContainerFacts[],
  options: { awsvpc: boolean; taskRole: boolean; executionRole: boolean },
): { name: string }[] {
  const names = new Set<string>(["com.amazonaws.ecs.capability.docker-remote-api.1.18"]);
  if (options.awsvpc) names.add("ecs.capability.task-eni");
  if (options.taskRole) names.add("com.amazonaws.ecs.capability.task-iam-role");
  for (const f of facts) {
    if (f.usesAwslogs) {
      names.add("com.amazonaws.ecs.capability.logging-driver.awslogs");
      names.add("com.amazonaws.ecs.capability.docker-remote-api.1.19");
      if (options.executionRole) names.add("ecs.capability.execution-role-awslogs");
    }
    if (f.usesEcrImage) {
      names.add("com.amazonaws.ecs.capability.ecr-auth");
      if (options.executionRole) names.add("ecs.capability.execution-role-ecr-pull");
    }
    if (f.usesSecrets) names.add("ecs.capability.secrets.asm.environment-variables");
    if (f.logSecrets) names.add("ecs.capability.secrets.asm.bootstrap.log-driver");
    if (f.router) names.add("ecs.capability.firelens.fluentbit");
    if (f.routed) names.add("com.amazonaws.ecs.capability.logging-driver.awsfirelens");
    if (f.dependsOn.length > 0) names.add("ecs.capability.container-ordering");
    if (f.hasHealthCheck) {
      names.add("ecs.capability.container-health-check");
      names.add("com.amazonaws.ecs.capability.docker-remote-api.1.24");
    }
  }
  return [...names].sort().map((name) => ({ name }));
}
