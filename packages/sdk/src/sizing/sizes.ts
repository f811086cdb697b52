/**
 * The Fargate task sizes AWS accepts, as one table. Everything else in sizing derives from it.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
 */

/** One Fargate CPU size and the task memory sizes allowed with it. */
export interface FargateSize {
  /** CPU units as ECS stores them (1024 units = 1 vCPU). */
  readonly cpuUnits: number;
  /** The same CPU in vCPU. */
  readonly cpu: number;
  /** Allowed task memory with this CPU, in MiB, ascending. */
  readonly memoryMiB: readonly number[];
  /** Allowed task memory with this CPU, in GiB, ascending. */
  readonly memoryGiB: readonly number[];
}

const MIB_PER_GIB = 1024;
const UNITS_PER_VCPU = 1024;

function gibRange(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let gib = from; gib <= to; gib += step) values.push(gib);
  return values;
}

function size(cpu: number, memoryGiB: readonly number[]): FargateSize {
  return {
    cpuUnits: cpu * UNITS_PER_VCPU,
    cpu,
    memoryGiB,
    memoryMiB: memoryGiB.map((gib) => gib * MIB_PER_GIB),
  };
}

/**
 * Every valid Fargate (Linux) cpu/memory pair: 0.25 vCPU with 0.5, 1 or 2 GiB; 0.5 vCPU with 1–4 GiB;
 * 1 vCPU with 2–8 GiB; 2 vCPU with 4–16 GiB and 4 vCPU with 8–30 GiB in 1 GiB steps; 8 vCPU with
 * 16–60 GiB in 4 GiB steps; 16 vCPU with 32–120 GiB in 8 GiB steps (8 and 16 vCPU need platform
 * version 1.4.0, which is Fargate's `LATEST`).
 */
export const FARGATE_SIZES: readonly FargateSize[] = [
  size(0.25, [0.5, 1, 2]),
  size(0.5, gibRange(1, 4, 1)),
  size(1, gibRange(2, 8, 1)),
  size(2, gibRange(4, 16, 1)),
  size(4, gibRange(8, 30, 1)),
  size(8, gibRange(16, 60, 4)),
  size(16, gibRange(32, 120, 8)),
];

/** The valid CPU sizes in vCPU, ascending: 0.25, 0.5, 1, 2, 4, 8, 16. */
export function validCpus(): number[] {
  return FARGATE_SIZES.map((entry) => entry.cpu);
}

/** The Fargate size for a CPU given in vCPU, or undefined when Fargate has no such size. */
export function fargateSizeFor(cpu: number): FargateSize | undefined {
  return FARGATE_SIZES.find((entry) => entry.cpu === cpu);
}

/** The task memory values (GiB, ascending) allowed with `cpu` vCPU; empty when `cpu` is not a Fargate size. */
export function validMemoryFor(cpu: number): number[] {
  return [...(fargateSizeFor(cpu)?.memoryGiB ?? [])];
}

/** The CPU sizes (vCPU, ascending) that allow `memoryGiB` of task memory. */
export function validCpusFor(memoryGiB: number): number[] {
  return FARGATE_SIZES.filter((entry) => entry.memoryGiB.includes(memoryGiB)).map((entry) => entry.cpu);
}

/** Ephemeral storage bounds in GiB: Fargate gives 20 GiB at no charge and allows up to 200. */
export const STORAGE_GIB = { default: 20, min: 20, max: 200 } as const;

export const DEFAULT_CPU = 0.25;
export const DEFAULT_MEMORY_GIB = 0.5;

export { MIB_PER_GIB, UNITS_PER_VCPU };
