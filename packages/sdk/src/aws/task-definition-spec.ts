import { createHash } from "node:crypto";
import { canonicalJson } from "../plan/canonical-json.js";
import type { CpuArchitecture } from "../sizing/index.js";
import type { FireLensSpec, LogRouterSpec } from "./task-definition-log-router.js";

/** One container: flexjob runs one per task. Lists are sorted by name so order never reads as a change. */
export interface ContainerSpec {
  name: string;
  image: string;
  /** Exec form; undefined runs the image's own entrypoint/command. */
  command: string[] | undefined;
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  healthCheck:
    | { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number }
    | undefined;
  /** The job's CloudWatch group: awslogs writes to it, or, with a log router, the router's own lines. */
  log: { group: string; region: string; streamPrefix: string };
  /** Present when the logs go through the log router (`awsfirelens`); absent for awslogs. */
  firelens?: FireLensSpec;
}

/**
 * A Fargate task definition in flexjob's normalised form: the same shape whether rendered from the
 * config or read back from ECS (which fills in defaults and returns roles as ARNs), so equal
 * definitions compare equal and hash equal.
 */
export interface TaskDefinitionSpec {
  family: string;
  /** CPU units, as ECS wants them: "256". */
  cpu: string;
  /** MiB: "512". */
  memory: string;
  /** undefined for Fargate's default 20 GiB, which ECS only accepts by omission. */
  ephemeralStorageGiB: number | undefined;
  cpuArchitecture: CpuArchitecture;
  executionRoleArn: string;
  taskRoleArn: string | undefined;
  container: ContainerSpec;
  /** The Fluent Bit sidecar, present when the logs go anywhere but CloudWatch. */
  logRouter?: LogRouterSpec;
  /** Includes `flexjob:spec-hash`; not part of the hash itself. */
  tags: Record<string, string>;
}

/** A record as ECS's name/value lists, sorted by name so order never reads as a change. */
export function sortedPairs<K extends string>(record: Record<string, string>, valueKey: K) {
  return Object.keys(record)
    .sort()
    .map((name) => ({ name, [valueKey]: record[name] ?? "" }) as { name: string } & Record<K, string>);
}

/** Content hash of everything that makes a revision different, i.e. all but the tags. */
export function taskDefinitionHash(spec: Omit<TaskDefinitionSpec, "tags"> & { tags?: unknown }): string {
  const { tags: _notHashed, ...content } = spec;
  return createHash("sha256").update(canonicalJson(content)).digest("hex").slice(0, 32);
}
