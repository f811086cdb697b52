export {
  ARCHITECTURES,
  type Architecture,
  type CpuArchitecture,
  capacityProviderFor,
  cpuArchitectureFor,
  DEFAULT_ARCHITECTURE,
  type FargateCapacityProvider,
  imagePlatformsFor,
} from "./architecture.js";
export {
  assertSizePair,
  BARE_NUMBER_SMALL_UNIT_FROM,
  describeMemoryChoices,
  formatMemory,
  listWithOr,
  parseCpu,
  parseMemory,
  parseStorage,
  type ResolvedSize,
  resolveSize,
  type SizeInput,
} from "./parse.js";
// Everything sizes.ts exports is the sizing table and its lookups: all of it is this folder's API.
export * from "./sizes.js";
