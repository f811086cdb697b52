import type { JobSpec } from "../config/index.js";
import type { ImageContext, ImageResolver, ResolvedImage } from "../deploy/image-resolver.js";
import type { Deps } from "../deps.js";
import { flexArchitectureOf } from "../sizing/architecture.js";
import type { BuildResolverOptions } from "./build-job-image.js";
import { imagePlatforms } from "./ecr.js";
import { registryImagePlatforms } from "./registry-manifest.js";

// Kept importable from here, where they were: the SDK's index and callers name this module.
export {
  type FolderBuildOptions,
  type PreparedBuild,
  prepareBuild,
  prepareFolderBuild,
} from "./prepare-build.js";

export type { BuildResolverOptions };

/**
 * The image resolver that builds: `image:` jobs run as given (for `arch: flex`, on the
 * architecture the image offers), `source:` jobs are built and pushed to the job's ECR repository
 * — unless the repository already has the tag for this exact source and build input, in which
 * case nothing is built at all.
 * @example
 * const resolveImage = buildImageResolver({ configDir: dirname(file) });
 * await deploy(config, { resolveImage }, deps);
 */
export function buildImageResolver(options: BuildResolverOptions): ImageResolver {
  return async (job, context, deps) => {
    if (job.source === undefined) return registryJobImage(job, context, deps, options.fetch);
    const { buildJobImage } = await import("./build-job-image.js");
    return buildJobImage(job, job.source, context, deps, options);
  };
}

async function registryJobImage(
  job: JobSpec,
  context: ImageContext,
  deps: Deps,
  fetcher: typeof fetch | undefined,
): Promise<ResolvedImage> {
  const image = job.image ?? "";
  if (job.arch !== "flex") return { image };
  const ecr = image.match(/^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)[:@](.+)$/);
  const platforms =
    ecr && ecr[1] === context.accountId && ecr[2] === context.region
      ? await imagePlatforms(deps.clients, ecr[3] ?? "", ecr[4] ?? "")
      : await registryImagePlatforms(image, fetcher);
  if (platforms === undefined) {
    deps.logger.warn(
      `${job.name}: could not read the platforms of ${image}; running it on x86_64 (set arch to choose)`,
    );
    return { image, cpuArchitecture: "X86_64" };
  }
  return { image, cpuArchitecture: flexArchitectureOf(platforms) };
}
