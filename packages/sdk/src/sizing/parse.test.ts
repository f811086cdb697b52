import { describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { capacityProviderFor, cpuArchitectureFor, imagePlatformsFor } from "./architecture.js";
import { parseCpu, parseMemory, parseStorage, resolveSize } from "./parse.js";

/** Runs `fn` and returns the FlexjobError it throws, as [code, message, remedy]. */
function failure(fn: () => unknown): [string, string, string | undefined] {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlexjobError) return [error.code, error.message, error.remedy];
    throw error;
  }
  throw new Error("expected a FlexjobError");
}

const CPU_REMEDY =
  'use cpu 0.25, 0.5, 1, 2, 4, 8 or 16 (vCPU), or the same in CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384 (e.g. "1024 units")';

describe("parseCpu", () => {
  it("reads vCPU numbers", () => {
    expect([0.25, 0.5, 1, 2, 4, 8, 16].map(parseCpu)).toEqual([0.25, 0.5, 1, 2, 4, 8, 16]);
  });

  it("reads numeric strings of 128 and up as CPU units", () => {
    expect(["256", "1024", "16384"].map(parseCpu)).toEqual([0.25, 1, 16]);
  });

  it("reads numeric strings below 128 and numbers of 128 and up by the same rule", () => {
    expect(parseCpu("2")).toBe(2);
    expect(parseCpu("0.5")).toBe(0.5);
    expect(parseCpu(512)).toBe(0.5);
  });

  it("reads strings with a vCPU or units suffix, in any case and spacing", () => {
    expect(parseCpu("0.5 vCPU")).toBe(0.5);
    expect(parseCpu("2vcpu")).toBe(2);
    expect(parseCpu(".25 VCPU")).toBe(0.25);
    expect(parseCpu("1024 units")).toBe(1);
    expect(parseCpu("256 cpu units")).toBe(0.25);
    expect(parseCpu("4096units")).toBe(4);
  });

  it("rejects a CPU that is not a Fargate size and lists the sizes", () => {
    expect(failure(() => parseCpu(3))).toEqual([
      "SIZE_INVALID",
      "cpu 3 is not a Fargate CPU size",
      CPU_REMEDY,
    ]);
    expect(failure(() => parseCpu("300 units"))[1]).toBe('cpu "300 units" is not a Fargate CPU size');
    expect(failure(() => parseCpu("32 vCPU"))[1]).toBe('cpu "32 vCPU" is not a Fargate CPU size');
    expect(failure(() => parseCpu(0))[1]).toBe("cpu 0 is not a Fargate CPU size");
  });

  it("rejects values that are not a CPU size at all", () => {
    expect(failure(() => parseCpu("fast"))).toEqual([
      "SIZE_INVALID",
      'cpu "fast" is not a CPU size',
      CPU_REMEDY,
    ]);
    expect(failure(() => parseCpu(true))[1]).toBe("cpu true is not a CPU size");
    expect(failure(() => parseCpu("-1"))[1]).toBe('cpu "-1" is not a CPU size');
    expect(failure(() => parseCpu(Number.NaN))[1]).toBe("cpu NaN is not a CPU size");
  });
});

describe("parseMemory", () => {
  it("reads GiB numbers", () => {
    expect([0.5, 2, 120].map(parseMemory)).toEqual([0.5, 2, 120]);
  });

  it("reads MiB strings, with and without a unit", () => {
    expect(parseMemory("512 MiB")).toBe(0.5);
    expect(parseMemory("512")).toBe(0.5);
    expect(parseMemory("2048mib")).toBe(2);
    expect(parseMemory("1024M")).toBe(1);
    expect(parseMemory("3072 MB")).toBe(3);
  });

  it("reads bare numbers of 128 and up as MiB and below as GiB", () => {
    expect(parseMemory(1024)).toBe(1);
    expect(parseMemory(127)).toBe(127);
    expect(parseMemory("4")).toBe(4);
  });

  it("reads GB, GiB and G as GiB, as ECS does", () => {
    expect(parseMemory("2 GB")).toBe(2);
    expect(parseMemory("2 GiB")).toBe(2);
    expect(parseMemory("2G")).toBe(2);
    expect(parseMemory("0.5gb")).toBe(0.5);
  });

  it("rejects values that are not a memory size", () => {
    const remedy =
      'write GiB as a number (memory: 2) or with a unit ("512 MiB", "2 GiB"); a bare number from 128 up means MiB';
    expect(failure(() => parseMemory("lots"))).toEqual([
      "SIZE_INVALID",
      'memory "lots" is not a memory size',
      remedy,
    ]);
    expect(failure(() => parseMemory(0))[1]).toBe("memory 0 is not a memory size");
    expect(failure(() => parseMemory("2 TB"))[1]).toBe('memory "2 TB" is not a memory size');
    expect(failure(() => parseMemory([2]))[1]).toBe("memory [2] is not a memory size");
  });
});

describe("parseStorage", () => {
  const remedy =
    "use a whole number of GiB from 20 to 200 (storage: 50); 20 is the default and costs nothing extra";

  it("reads whole GiB from 20 to 200, as numbers or strings with an optional unit", () => {
    expect([20, 21, 200].map(parseStorage)).toEqual([20, 21, 200]);
    expect(parseStorage("50")).toBe(50);
    expect(parseStorage("50 GiB")).toBe(50);
    expect(parseStorage("50GB")).toBe(50);
  });

  it("rejects storage below 20 or above 200 GiB", () => {
    expect(failure(() => parseStorage(19))).toEqual([
      "SIZE_INVALID",
      "storage 19 is outside Fargate's 20 to 200 GiB",
      remedy,
    ]);
    expect(failure(() => parseStorage(201))[1]).toBe("storage 201 is outside Fargate's 20 to 200 GiB");
  });

  it("rejects fractional storage and non-sizes", () => {
    expect(failure(() => parseStorage(20.5))[1]).toBe("storage 20.5 is not a whole number of GiB");
    expect(failure(() => parseStorage("50 MiB"))[1]).toBe('storage "50 MiB" is not a storage size');
  });
});

describe("resolveSize", () => {
  it("fills the defaults: 0.25 vCPU, 0.5 GiB, 20 GiB", () => {
    expect(resolveSize()).toEqual({
      cpu: 0.25,
      cpuUnits: 256,
      memoryGiB: 0.5,
      memoryMiB: 512,
      storageGiB: 20,
    });
  });

  it("resolves every unit form to the same size", () => {
    const expected = { cpu: 1, cpuUnits: 1024, memoryGiB: 2, memoryMiB: 2048, storageGiB: 30 };
    expect(resolveSize({ cpu: 1, memory: 2, storage: 30 })).toEqual(expected);
    expect(resolveSize({ cpu: "1024", memory: "2048", storage: "30" })).toEqual(expected);
    expect(resolveSize({ cpu: "1 vCPU", memory: "2 GB", storage: "30 GiB" })).toEqual(expected);
    expect(resolveSize({ cpu: "1024 units", memory: "2048 MiB", storage: 30 })).toEqual(expected);
  });

  it("names both values of a bad pair and lists the memory allowed with that CPU", () => {
    expect(failure(() => resolveSize({ cpu: 0.25, memory: 3 }))).toEqual([
      "SIZE_INVALID",
      "memory 3 GiB is not valid with 0.25 vCPU",
      "with 0.25 vCPU use memory 0.5, 1 or 2 (GiB); 3 GiB needs cpu 0.5 or 1",
    ]);
  });

  it("describes long memory ranges by their bounds and step", () => {
    expect(failure(() => resolveSize({ cpu: 2, memory: 2 }))[2]).toBe(
      "with 2 vCPU use memory 4 to 16 GiB in 1 GiB steps; 2 GiB needs cpu 0.25, 0.5 or 1",
    );
    expect(failure(() => resolveSize({ cpu: 1, memory: 1 }))[2]).toBe(
      "with 1 vCPU use memory 2, 3, 4, 5, 6, 7 or 8 (GiB); 1 GiB needs cpu 0.25 or 0.5",
    );
  });

  it("accepts 8 vCPU with 16 to 60 GiB only in 4 GiB steps", () => {
    expect(resolveSize({ cpu: 8, memory: 16 }).memoryMiB).toBe(16384);
    expect(resolveSize({ cpu: 8, memory: 60 }).memoryMiB).toBe(61440);
    expect(failure(() => resolveSize({ cpu: 8, memory: 18 }))).toEqual([
      "SIZE_INVALID",
      "memory 18 GiB is not valid with 8 vCPU",
      "with 8 vCPU use memory 16 to 60 GiB in 4 GiB steps; 18 GiB needs cpu 4",
    ]);
    expect(failure(() => resolveSize({ cpu: 8, memory: 64 }))[1]).toBe(
      "memory 64 GiB is not valid with 8 vCPU",
    );
    expect(failure(() => resolveSize({ cpu: 8, memory: 12 }))[1]).toBe(
      "memory 12 GiB is not valid with 8 vCPU",
    );
  });

  it("accepts 16 vCPU with 32 to 120 GiB only in 8 GiB steps", () => {
    expect(resolveSize({ cpu: 16, memory: 32 }).memoryMiB).toBe(32768);
    expect(resolveSize({ cpu: "16384 units", memory: "122880 MiB" }).memoryGiB).toBe(120);
    expect(failure(() => resolveSize({ cpu: 16, memory: 36 }))).toEqual([
      "SIZE_INVALID",
      "memory 36 GiB is not valid with 16 vCPU",
      "with 16 vCPU use memory 32 to 120 GiB in 8 GiB steps; 36 GiB needs cpu 8",
    ]);
    expect(failure(() => resolveSize({ cpu: 16, memory: "128 GiB" }))).toEqual([
      "SIZE_INVALID",
      "memory 128 GiB is not valid with 16 vCPU",
      "with 16 vCPU use memory 32 to 120 GiB in 8 GiB steps; Fargate tasks have at most 120 GiB (with 16 vCPU)",
    ]);
    expect(failure(() => resolveSize({ cpu: 16, memory: 128 }))[1]).toBe(
      "memory 128 MiB is not valid with 16 vCPU",
    );
  });

  it("shows memory that is not a round half GiB in MiB", () => {
    expect(failure(() => resolveSize({ cpu: 0.25, memory: "1000 MiB" }))[1]).toBe(
      "memory 1000 MiB is not valid with 0.25 vCPU",
    );
  });

  it("checks the pair against the default CPU when only memory is given", () => {
    expect(failure(() => resolveSize({ memory: 4 }))[1]).toBe("memory 4 GiB is not valid with 0.25 vCPU");
  });
});

describe("architecture", () => {
  it("maps each architecture to the ECS runtime platform and image platforms", () => {
    expect(cpuArchitectureFor("x86_64")).toBe("X86_64");
    expect(cpuArchitectureFor("arm64")).toBe("ARM64");
    expect(cpuArchitectureFor("flex")).toBe("ARM64");
    expect(imagePlatformsFor("flex")).toEqual(["linux/amd64", "linux/arm64"]);
    expect(imagePlatformsFor("arm64")).toEqual(["linux/arm64"]);
  });

  it("uses FARGATE_SPOT only when spot is asked for", () => {
    expect([capacityProviderFor(true), capacityProviderFor(false)]).toEqual(["FARGATE_SPOT", "FARGATE"]);
  });
});
