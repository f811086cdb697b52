import type { FakeClock } from "../../core/clock.js";
import { type Page, paginate } from "../../core/pagination.js";
import type { Random } from "../../core/random.js";
import { type Fail, Reader } from "../../core/readers.js";
import { AwsError, type World } from "../../core/types.js";

/** ECS state and the lookups every ECS operation shares. Keys are ARNs, so regions stay apart. */

export interface EcsTag {
  key: string;
  value: string;
}

export interface Cluster {
  arn: string;
  name: string;
  region: string;
  tags: EcsTag[];
  settings: { name: string; value: string }[];
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderItem[];
}

export interface CapacityProviderItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  region: string;
  status: "ACTIVE" | "INACTIVE" | "DELETE_IN_PROGRESS";
  /** The described shape, defaults filled in the way ECS fills them (without status/dates). */
  body: Record<string, unknown>;
  tags: EcsTag[];
  registeredAt: Date;
  deregisteredAt?: Date;
  containerNames: string[];
  cpu: string | undefined;
  memory: string | undefined;
  compatibilities: string[];
}

/** How long each phase of a task's life lasts on the fake clock. A 0 ms phase is skipped. */
export interface EcsPhases {
  provisioningMs: number;
  pendingMs: number;
  runningMs: number;
  stoppingMs: number;
}

export interface Task {
  arn: string;
  id: string;
  region: string;
  cluster: Cluster;
  taskDefinition: TaskDefinition;
  createdAtMs: number;
  phases: EcsPhases;
  /** When StopTask was called, and why. */
  stop?: { atMs: number; reason: string };
  /** Set once the task is seen past its natural exit: the essential container's exit code. */
  exitCode?: number;
  /** Set at RunTask when a start failure is configured for the task's family. */
  startFailure?: string;
  /** A test made it run until stopped (see EcsControls.hangNext). */
  hangs?: boolean;
  /** A test made Fargate Spot reclaim it this long after its containers started. */
  spotInterruptionAfterMs?: number;
  /** A test fixed its exit code at RunTask (EcsControls.setExitCodes). */
  scriptedExitCode?: number;
  launchType?: string;
  capacityProviderName?: string;
  overrides: Record<string, unknown>;
  startedBy?: string;
  group: string;
  tags: EcsTag[];
  subnetId: string;
  eniId: string;
  privateIp: string;
  availabilityZone: string;
  enableExecuteCommand: boolean;
  platformVersion?: string;
  /** Per container of the task definition, in order: the id in its container ARN. */
  containerIds: string[];
  awsvpc: boolean;
}

export interface EcsControlState {
  defaultPhases: EcsPhases;
  phasesByFamily: Map<string, EcsPhases>;
  /** Exit codes by task ARN, task id or family. */
  exitCodes: Map<string, number>;
  startFailures: Map<string, string>;
  /** What each family's next tasks do, consumed one per task in RunTask order (behaviours.ts). */
  nextBehaviours: Map<string, TaskBehaviour[]>;
}

/** One scripted task: hang until stopped, be reclaimed by Spot, or exit with a code. */
export type TaskBehaviour =
  | { kind: "hang" }
  | { kind: "spot-interruption"; afterMs: number }
  | { kind: "exit"; exitCode: number };

export interface EcsState {
  clusters: Map<string, Cluster>;
  taskDefinitions: Map<string, TaskDefinition>;
  /** Revisions of each family, `region\0family` → in revision order. */
  families: Map<string, TaskDefinition[]>;
  tasks: Map<string, Task>;
  /** RunTask idempotency: clientToken → the task ARNs it started. */
  runTokens: Map<string, string[]>;
}

export interface EcsEnv {
  state: EcsState;
  controls: EcsControlState;
  world: World;
  clock: FakeClock;
  random: Random;
}

export const DEFAULT_PHASES: EcsPhases = {
  provisioningMs: 10_000,
  pendingMs: 20_000,
  runningMs: 60_000,
  stoppingMs: 10_000,
};

export function emptyEcsState(): EcsState {
  return {
    clusters: new Map(),
    taskDefinitions: new Map(),
    families: new Map(),
    tasks: new Map(),
    runTokens: new Map(),
  };
}

export const clientException = (message: string) => new AwsError("ClientException", message);
export const invalidParameter = (message: string) => new AwsError("InvalidParameterException", message);

export const failClient: Fail = clientException;
export const failInvalid: Fail = invalidParameter;

export function read(input: Record<string, unknown>, fail: Fail = failInvalid): Reader {
  return Reader.of(input, fail);
}

/** One page of a List operation by ECS's maxResults and nextToken, read after its filters. */
export function readPage<T>(reader: Reader, items: readonly T[], keyOf: (item: T) => string): Page<T> {
  const max = reader.int("maxResults", { min: 1, max: 100 }) ?? 100;
  return paginate(items, keyOf, {
    token: reader.string("nextToken"),
    max,
    invalidToken: () => invalidParameter("Invalid nextToken."),
  });
}

export function clusterArn(region: string, account: string, name: string): string {
  return `arn:aws:ecs:${region}:${account}:cluster/${name}`;
}

const CLUSTER_ARN = /^arn:aws:ecs:([a-z0-9-]+):(\d{12}):cluster\/([a-zA-Z0-9_-]{1,255})$/;
const TASK_DEFINITION_ARN =
  /^arn:aws:ecs:([a-z0-9-]+):(\d{12}):task-definition\/([a-zA-Z0-9_-]{1,255})(?::(\d+))?$/;
const FAMILY_REVISION = /^([a-zA-Z0-9_-]{1,255})(?::(\d+))?$/;

/** Finds a cluster by name or ARN; `undefined` reference means the `default` cluster. */
export function findCluster(
  state: EcsState,
  region: string,
  account: string,
  ref: string | undefined,
): Cluster | undefined {
  const name = ref ?? "default";
  const arnMatch = CLUSTER_ARN.exec(name);
  const arn = arnMatch ? name : clusterArn(region, account, name);
  if (arnMatch && arnMatch[1] !== region) return undefined;
  return state.clusters.get(arn);
}

export function requireCluster(
  state: EcsState,
  region: string,
  account: string,
  ref: string | undefined,
): Cluster {
  const cluster = findCluster(state, region, account, ref);
  if (cluster === undefined) throw new AwsError("ClusterNotFoundException", "Cluster not found.");
  return cluster;
}

/**
 * Resolves `family` (latest ACTIVE revision), `family:revision` or a task definition ARN (with
 * or without revision), as ECS does.
 */
export function findTaskDefinition(state: EcsState, region: string, ref: string): TaskDefinition | undefined {
  let family: string | undefined;
  let revision: string | undefined;
  const arn = TASK_DEFINITION_ARN.exec(ref);
  if (arn) {
    if (arn[1] !== region) return undefined;
    family = arn[3];
    revision = arn[4];
  } else {
    const short = FAMILY_REVISION.exec(ref);
    if (!short) return undefined;
    family = short[1];
    revision = short[2];
  }
  const revisions = state.families.get(`${region}\0${family}`) ?? [];
  if (revision !== undefined) return revisions.find((td) => td.revision === Number(revision));
  for (let i = revisions.length - 1; i >= 0; i--) {
    const td = revisions[i];
    if (td?.status === "ACTIVE") return td;
  }
  return undefined;
}

export function phasesFor(controls: EcsControlState, family: string): EcsPhases {
  return controls.phasesByFamily.get(family) ?? controls.defaultPhases;
}
