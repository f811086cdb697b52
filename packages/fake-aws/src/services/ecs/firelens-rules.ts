import type { Reader } from "../../core/readers.js";
import { clientException } from "./state.js";

/**
 * What RegisterTaskDefinition enforces for FireLens log routing and container order, per container
 * and then across the task's containers.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_FirelensConfiguration.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html
 */

const FIRELENS_TYPES = ["fluentd", "fluentbit"];
const FIRELENS_OPTIONS = ["enable-ecs-log-metadata", "config-file-type", "config-file-value"];
const CONFIG_FILE_TYPES = ["s3", "file"];
const DEPENDENCY_CONDITIONS = ["START", "COMPLETE", "SUCCESS", "HEALTHY"];

/** One container's FireLens and ordering facts, for the checks across containers. */
export interface FireLensFacts {
  /** Has a `firelensConfiguration`: it is the task's log router. */
  router: boolean;
  /** Logs through `awsfirelens`. */
  routed: boolean;
  /** Log `secretOptions`, which ECS fetches with the execution role. */
  logSecrets: boolean;
  dependsOn: { containerName: string; condition: string }[];
}

/** Reads and checks `firelensConfiguration`; returns it as ECS describes it, or undefined. */
export function readFirelensConfiguration(
  container: Reader,
  name: string,
): Record<string, unknown> | undefined {
  const config = container.object("firelensConfiguration");
  if (config === undefined) return undefined;
  const type = config.string("type");
  if (type === undefined || !FIRELENS_TYPES.includes(type)) {
    throw clientException(
      `Invalid firelensConfiguration type '${String(type)}' for container '${name}'. Valid types: ${FIRELENS_TYPES.join(", ")}.`,
    );
  }
  const options = config.stringMap("options");
  for (const key of Object.keys(options ?? {})) {
    if (!FIRELENS_OPTIONS.includes(key)) {
      throw clientException(
        `Invalid firelensConfiguration option '${key}' for container '${name}'. Valid options: ${FIRELENS_OPTIONS.join(", ")}.`,
      );
    }
  }
  const fileType = options?.["config-file-type"];
  if (fileType !== undefined && !CONFIG_FILE_TYPES.includes(fileType)) {
    throw clientException(`Invalid firelensConfiguration config-file-type '${fileType}': use s3 or file.`);
  }
  if ((fileType === undefined) !== (options?.["config-file-value"] === undefined)) {
    throw clientException(
      "firelensConfiguration options config-file-type and config-file-value go together.",
    );
  }
  return { type, ...(options && { options }) };
}

/** Reads a log configuration's `secretOptions`; each needs a name and a valueFrom. */
export function readLogSecretOptions(log: Reader, name: string): { name: string; valueFrom: string }[] {
  return log.objects("secretOptions").map((secret) => {
    const secretName = secret.string("name");
    const valueFrom = secret.string("valueFrom");
    if (secretName === undefined || secretName === "" || valueFrom === undefined || valueFrom === "") {
      throw clientException(
        `Log configuration secretOptions in container '${name}' need both name and valueFrom.`,
      );
    }
    return { name: secretName, valueFrom };
  });
}

/** Reads `dependsOn`: each entry names a container and one of ECS's conditions. */
export function readDependsOn(
  container: Reader,
  name: string,
): { containerName: string; condition: string }[] {
  return container.objects("dependsOn").map((dependency) => {
    const containerName = dependency.string("containerName");
    const condition = dependency.string("condition");
    if (containerName === undefined || containerName === "") {
      throw clientException(`dependsOn of container '${name}': containerName should not be null or empty.`);
    }
    if (condition === undefined || !DEPENDENCY_CONDITIONS.includes(condition)) {
      throw clientException(
        `dependsOn of container '${name}': condition '${String(condition)}' is not one of ${DEPENDENCY_CONDITIONS.join(", ")}.`,
      );
    }
    return { containerName, condition };
  });
}

/**
 * The checks across containers: one log router at most, and one whenever a container routes
 * through it; the router does not log through itself; log secrets need the execution role;
 * dependencies name another container of the task, HEALTHY only one with a health check.
 */
export function checkFireLens(
  containers: (FireLensFacts & { name: string; hasHealthCheck: boolean })[],
  task: { executionRole: boolean },
): void {
  const routers = containers.filter((each) => each.router);
  if (routers.length > 1) {
    throw clientException("Only one container in a task definition can have a firelensConfiguration.");
  }
  for (const container of containers) {
    if (container.routed && routers.length === 0) {
      throw clientException(
        `Container '${container.name}' uses log driver awsfirelens, which requires a container with a firelensConfiguration.`,
      );
    }
    if (container.routed && container.router) {
      throw clientException(
        `The log router container '${container.name}' cannot use log driver awsfirelens.`,
      );
    }
    if (container.logSecrets && !task.executionRole) {
      throw clientException(
        "Task definition with log configuration secretOptions requires an execution role ARN.",
      );
    }
    for (const dependency of container.dependsOn) {
      const target = containers.find((each) => each.name === dependency.containerName);
      if (target === undefined || target === container) {
        throw clientException(
          `Container '${container.name}' depends on '${dependency.containerName}', which is not another container of this task definition.`,
        );
      }
      if (dependency.condition === "HEALTHY" && !target.hasHealthCheck) {
        throw clientException(
          `Container '${container.name}' depends on '${target.name}' being HEALTHY, but '${target.name}' has no health check.`,
        );
      }
    }
  }
}
