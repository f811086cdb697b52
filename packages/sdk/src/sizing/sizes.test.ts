import { describe, expect, it } from "vitest";
import { FARGATE_SIZES, validCpus, validCpusFor, validMemoryFor } from "./sizes.js";

describe("FARGATE_SIZES", () => {
  it("lists the seven Fargate CPU sizes in vCPU and CPU units", () => {
    expect(validCpus()).toEqual([0.25, 0.5, 1, 2, 4, 8, 16]);
    expect(FARGATE_SIZES.map((entry) => entry.cpuUnits)).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]);
  });

  it("allows 0.5, 1 and 2 GiB with 0.25 vCPU", () => {
    expect(validMemoryFor(0.25)).toEqual([0.5, 1, 2]);
    expect(FARGATE_SIZES[0]?.memoryMiB).toEqual([512, 1024, 2048]);
  });

  it("allows 1 to 4 GiB with 0.5 vCPU and 2 to 8 GiB with 1 vCPU", () => {
    expect(validMemoryFor(0.5)).toEqual([1, 2, 3, 4]);
    expect(validMemoryFor(1)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it("allows 4 to 16 GiB with 2 vCPU and 8 to 30 GiB with 4 vCPU in 1 GiB steps", () => {
    expect(validMemoryFor(2)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const four = validMemoryFor(4);
    expect([four[0], four.at(-1), four.length]).toEqual([8, 30, 23]);
  });

  it("allows 16 to 60 GiB with 8 vCPU in 4 GiB steps", () => {
    expect(validMemoryFor(8)).toEqual([16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60]);
  });

  it("allows 32 to 120 GiB with 16 vCPU in 8 GiB steps", () => {
    expect(validMemoryFor(16)).toEqual([32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120]);
    expect(FARGATE_SIZES.at(-1)?.memoryMiB.at(-1)).toBe(122880);
  });

  it("has no memory for a CPU that is not a Fargate size", () => {
    expect(validMemoryFor(3)).toEqual([]);
  });

  it("finds the CPUs that allow a memory size", () => {
    expect(validCpusFor(2)).toEqual([0.25, 0.5, 1]);
    expect(validCpusFor(8)).toEqual([1, 2, 4]);
    expect(validCpusFor(32)).toEqual([8, 16]);
    expect(validCpusFor(31)).toEqual([]);
  });
});
