import { FlexjobError, showValue } from "../errors.js";
import {
  DEFAULT_CPU,
  DEFAULT_MEMORY_GIB,
  FARGATE_SIZES,
  fargateSizeFor,
  MIB_PER_GIB,
  STORAGE_GIB,
  UNITS_PER_VCPU,
  validCpus,
  validCpusFor,
  validMemoryFor,
} from "./sizes.js";

/**
 * A bare number (written as a YAML/JSON number or as a string) below this is read in the large
 * unit (vCPU, GiB) and from it up in the small unit (CPU units, MiB). No Fargate size is 128 vCPU
 * or 128 GiB, and none is below 128 CPU units or 128 MiB, so the two readings never overlap.
 */
export const BARE_NUMBER_SMALL_UNIT_FROM = 128;

/** A task size with every unit AWS and people use. */
export interface ResolvedSize {
  /** vCPU, e.g. 0.25. */
  cpu: number;
  /** CPU units as in the ECS task definition, e.g. 256. */
  cpuUnits: number;
  /** Task memory in GiB, e.g. 0.5. */
  memoryGiB: number;
  /** Task memory in MiB as in the ECS task definition, e.g. 512. */
  memoryMiB: number;
  /** Ephemeral storage in GiB, 20–200. */
  storageGiB: number;
}

export interface SizeInput {
  cpu?: unknown;
  memory?: unknown;
  storage?: unknown;
}

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const CPU_TEXT = new RegExp(String.raw`^${NUMBER}\s*(vcpus?|cpu units?|units?)?$`, "i");
const MEMORY_TEXT = new RegExp(String.raw`^${NUMBER}\s*(gib|gb|g|mib|mb|m)?$`, "i");
const STORAGE_TEXT = new RegExp(String.raw`^${NUMBER}\s*(gib|gb|g)?$`, "i");

/** "a, b or c" */
export function listWithOr(values: readonly (string | number)[]): string {
  const texts = values.map(String);
  if (texts.length <= 1) return texts.join("");
  return `${texts.slice(0, -1).join(", ")} or ${texts.at(-1)}`;
}

function sizeError(message: string, remedy: string): FlexjobError {
  return new FlexjobError(message, { code: "SIZE_INVALID", remedy });
}

/** Splits "0.5 vCPU" / "512" / 2 into a number and a lower-case unit ("" when none was written). */
function splitQuantity(value: unknown, pattern: RegExp): { amount: number; unit: string } | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? { amount: value, unit: "" } : undefined;
  if (typeof value !== "string") return undefined;
  const match = pattern.exec(value.trim());
  if (!match?.[1]) return undefined;
  return { amount: Number(match[1]), unit: (match[2] ?? "").toLowerCase() };
}

const CPU_REMEDY = `use cpu ${listWithOr(validCpus())} (vCPU), or the same in CPU units: ${listWithOr(
  FARGATE_SIZES.map((entry) => entry.cpuUnits),
)} (e.g. "1024 units")`;

/**
 * Reads a task CPU size and returns it in vCPU. Accepts vCPU numbers (`0.25`, `2`), strings with a
 * unit (`"0.5 vCPU"`, `"1024 units"`), and bare numbers or numeric strings, which mean vCPU below
 * 128 and CPU units from 128 (`"256"` is 0.25 vCPU). Throws `SIZE_INVALID` for anything that is not
 * one of Fargate's CPU sizes.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size
 */
export function parseCpu(value: unknown): number {
  const quantity = splitQuantity(value, CPU_TEXT);
  if (!quantity) {
    throw sizeError(`cpu ${showValue(value)} is not a CPU size`, CPU_REMEDY);
  }
  const inUnits =
    quantity.unit === "" ? quantity.amount >= BARE_NUMBER_SMALL_UNIT_FROM : !quantity.unit.startsWith("vcpu");
  const cpu = inUnits ? quantity.amount / UNITS_PER_VCPU : quantity.amount;
  if (!fargateSizeFor(cpu)) {
    throw sizeError(`cpu ${showValue(value)} is not a Fargate CPU size`, CPU_REMEDY);
  }
  return cpu;
}

const MEMORY_REMEDY =
  'write GiB as a number (memory: 2) or with a unit ("512 MiB", "2 GiB"); a bare number from 128 up means MiB';

/**
 * Reads a task memory size and returns it in GiB. Accepts GiB numbers (`0.5`, `2`), strings with a
 * unit (`"512 MiB"`, `"2 GiB"`, `"2 GB"`, `"2G"`, `"512M"`) and bare numbers or numeric strings,
 * which mean GiB below 128 and MiB from 128 (`"512"` is 0.5 GiB). GB and MB are read as GiB and
 * MiB, as ECS itself does ("2 GB" registers as 2048 MiB). Whether the size fits the CPU is
 * {@link resolveSize}'s job.
 */
export function parseMemory(value: unknown): number {
  const quantity = splitQuantity(value, MEMORY_TEXT);
  if (!quantity || quantity.amount <= 0) {
    throw sizeError(`memory ${showValue(value)} is not a memory size`, MEMORY_REMEDY);
  }
  const inMiB =
    quantity.unit === "" ? quantity.amount >= BARE_NUMBER_SMALL_UNIT_FROM : quantity.unit.startsWith("m");
  return inMiB ? quantity.amount / MIB_PER_GIB : quantity.amount;
}

const STORAGE_REMEDY = `use a whole number of GiB from ${STORAGE_GIB.min} to ${STORAGE_GIB.max} (storage: 50); ${STORAGE_GIB.default} is the default and costs nothing extra`;

/**
 * Reads the task's ephemeral storage in GiB: a whole number from 20 (the default, included in the
 * Fargate price) to 200, written as a number or a string with an optional GiB/GB/G unit.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html
 */
export function parseStorage(value: unknown): number {
  const quantity = splitQuantity(value, STORAGE_TEXT);
  if (!quantity) {
    throw sizeError(`storage ${showValue(value)} is not a storage size`, STORAGE_REMEDY);
  }
  if (!Number.isInteger(quantity.amount)) {
    throw sizeError(`storage ${showValue(value)} is not a whole number of GiB`, STORAGE_REMEDY);
  }
  if (quantity.amount < STORAGE_GIB.min || quantity.amount > STORAGE_GIB.max) {
    throw sizeError(
      `storage ${showValue(value)} is outside Fargate's ${STORAGE_GIB.min} to ${STORAGE_GIB.max} GiB`,
      STORAGE_REMEDY,
    );
  }
  return quantity.amount;
}

/**
 * "3 GiB", "0.5 GiB", or "1000 MiB" when the size is not a round half GiB.
 * @example
 * formatMemory(0.5); // "0.5 GiB"
 * formatMemory(1.75); // "1792 MiB"
 */
export function formatMemory(memoryGiB: number): string {
  return Number.isInteger(memoryGiB * 2) ? `${memoryGiB} GiB` : `${memoryGiB * MIB_PER_GIB} MiB`;
}

/** "0.5, 1 or 2 (GiB)" for short lists, "4 to 16 GiB in 1 GiB steps" for long ones. */
export function describeMemoryChoices(memoryGiB: readonly number[]): string {
  const first = memoryGiB[0];
  const second = memoryGiB[1];
  const last = memoryGiB.at(-1);
  if (memoryGiB.length <= 7 || first === undefined || second === undefined || last === undefined) {
    return `${listWithOr(memoryGiB)} (GiB)`;
  }
  return `${first} to ${last} GiB in ${second - first} GiB steps`;
}

/**
 * Throws `SIZE_INVALID` unless Fargate allows `memoryGiB` with `cpu` (vCPU). The error names both
 * values and lists the memory allowed with that CPU, and the CPUs that allow that memory.
 */
export function assertSizePair(cpu: number, memoryGiB: number): void {
  const allowed = validMemoryFor(cpu);
  if (allowed.includes(memoryGiB)) return;
  const memory = formatMemory(memoryGiB);
  const largest = FARGATE_SIZES.at(-1);
  const cpusForMemory = validCpusFor(memoryGiB);
  let alternative = "";
  if (cpusForMemory.length > 0) {
    alternative = `; ${memory} needs cpu ${listWithOr(cpusForMemory)}`;
  } else if (largest && memoryGiB > (largest.memoryGiB.at(-1) ?? 0)) {
    alternative = `; Fargate tasks have at most ${largest.memoryGiB.at(-1)} GiB (with ${largest.cpu} vCPU)`;
  }
  throw sizeError(
    `memory ${memory} is not valid with ${cpu} vCPU`,
    `with ${cpu} vCPU use memory ${describeMemoryChoices(allowed)}${alternative}`,
  );
}

/**
 * Reads cpu, memory and storage in any accepted form, fills the defaults (0.25 vCPU, 0.5 GiB,
 * 20 GiB) and checks the cpu/memory pair against {@link FARGATE_SIZES}.
 */
export function resolveSize(input: SizeInput = {}): ResolvedSize {
  const cpu = input.cpu === undefined ? DEFAULT_CPU : parseCpu(input.cpu);
  const memoryGiB = input.memory === undefined ? DEFAULT_MEMORY_GIB : parseMemory(input.memory);
  const storageGiB = input.storage === undefined ? STORAGE_GIB.default : parseStorage(input.storage);
  assertSizePair(cpu, memoryGiB);
  return {
    cpu,
    cpuUnits: cpu * UNITS_PER_VCPU,
    memoryGiB,
    memoryMiB: memoryGiB * MIB_PER_GIB,
    storageGiB,
  };
}
