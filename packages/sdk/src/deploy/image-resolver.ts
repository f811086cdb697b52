// The contract between a deploy and whatever turns a job into an image (the build, or a registry
// lookup): its own file, so rendering and the build read it without importing the deploy itself.
import type { JobSpec } from "../config/index.js";
import type { Deps } from "../deps.js";
import type { CpuArchitecture } from "../sizing/index.js";

/** What an image resolver may know: where the image will run. */
export interface ImageContext {
  app: string;
  region: string;
  accountId: string;
  /** A dry run must not push anything; a resolver may still look up what a build would produce. */
  dryRun: boolean;
}

/** The image a job's task definition runs, and, for `arch: flex`, the architecture it was found to have. */
export interface ResolvedImage {
  image: string;
  /** Overrides the architecture `arch` implies: `flex` runs ARM64 only when the image has it. */
  cpuArchitecture?: CpuArchitecture;
}

/**
 * Turns a job into the exact image its task definition runs: `image:` as is, or `source:` built
 * and pushed to ECR (see `buildImageResolver`).
 */
export type ImageResolver = (job: JobSpec, context: ImageContext, deps: Deps) => Promise<ResolvedImage>;
