/**
 * Builds without a Dockerfile: detect how a job's folder builds (a pure {@link BuildPlan}), then
 * write the Dockerfile and .dockerignore for it. Running the build is a separate step.
 */
export {
  DEBIAN_IMAGE,
  DISTROLESS_STATIC_IMAGE,
  RUNTIMES,
  type Runtime,
  type RuntimeTable,
  TOOLS,
  tagFor,
} from "./base-images.js";
export { detectBuildPlan } from "./detect.js";
export { type DockerRunner, dockerCli } from "./docker.js";
export { type DockerignoreInputs, generateDockerignore } from "./dockerignore.js";
export {
  type GenerateOptions,
  generateDockerfile,
  LABEL_BUILD_ARGS,
  RUNTIME_USER,
} from "./generate-dockerfile.js";
export { gitignoredPaths } from "./gitignore.js";
export { commitTag, imageTag, type SourceIdentity, sourceIdentity } from "./image-tag.js";
export {
  BUILD_OVERRIDE_NAMES,
  type BuildOverrides,
  type BuildPlan,
  type BuildProvider,
  buildOverridesFrom,
  type DetectOptions,
} from "./plan.js";
export { registryImagePlatforms } from "./registry-manifest.js";
export {
  findRepositoryRoot,
  MAX_REPO_FILE_BYTES,
  memoryRepoFiles,
  nodeRepoFiles,
  type RepoFiles,
} from "./repo-files.js";
export {
  type BuildResolverOptions,
  buildImageResolver,
  type FolderBuildOptions,
  type PreparedBuild,
  prepareBuild,
  prepareFolderBuild,
} from "./resolve-image.js";
export { parseToml, type TomlTable, type TomlValue } from "./toml.js";
