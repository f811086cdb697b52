/**
 * CPU architecture and capacity (on-demand or Spot) of a job's tasks.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm64.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
 */

/**
 * `x86_64` and `arm64` build and run the image for that one architecture. `flex` builds a
 * multi-architecture image (linux/amd64 and linux/arm64) and runs it on ARM64 (Graviton, cheaper
 * per vCPU-hour than x86_64), so a job can move between architectures without a rebuild.
 * @example
 * ARCHITECTURES.includes("arm64"); // true
 */
export const ARCHITECTURES = ["x86_64", "arm64", "flex"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** `runtimePlatform.cpuArchitecture` of an ECS task definition. */
export type CpuArchitecture = "X86_64" | "ARM64";

/** The Fargate capacity providers a task can be placed on. */
export type FargateCapacityProvider = "FARGATE" | "FARGATE_SPOT";

export const DEFAULT_ARCHITECTURE: Architecture = "x86_64";

/** The ECS `runtimePlatform.cpuArchitecture` the job's tasks run on. */
export function cpuArchitectureFor(arch: Architecture): CpuArchitecture {
  return arch === "x86_64" ? "X86_64" : "ARM64";
}

/** Where `arch: flex` runs an image built for `platforms`: ARM64 (cheaper) when it has it, else x86_64. */
export function flexArchitectureOf(platforms: readonly string[]): CpuArchitecture {
  return platforms.includes("linux/arm64") ? "ARM64" : "X86_64";
}

/** The `docker buildx --platform` values the job's image is built for. */
export function imagePlatformsFor(arch: Architecture): string[] {
  switch (arch) {
    case "x86_64":
      return ["linux/amd64"];
    case "arm64":
      return ["linux/arm64"];
    case "flex":
      return ["linux/amd64", "linux/arm64"];
  }
}

/**
 * FARGATE_SPOT runs Linux tasks on X86_64 (platform 1.3.0+) and, since AWS added it, on ARM64
 * (platform 1.4.0+, which is Fargate's `LATEST`), so every architecture flexjob offers can use
 * Spot and there is nothing to reject here. Windows tasks cannot use Spot; flexjob runs Linux only.
 */
export function capacityProviderFor(spot: boolean): FargateCapacityProvider {
  return spot ? "FARGATE_SPOT" : "FARGATE";
}
