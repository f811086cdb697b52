/**
 * @flexjob/sdk/image — what a job's source builds as, without building it: the detected build
 * plan, the generated Dockerfile and .dockerignore. Reads files only; nothing here imports an AWS
 * client (`flexjob dockerfile` runs on it), unlike the building resolver in the root entry.
 *
 * ```ts
 * import { prepareFolderBuild } from "@flexjob/sdk/image";
 * const { plan, dockerfile } = await prepareFolderBuild("jobs/report");
 * ```
 */

export type { BuildPlan, BuildProvider } from "./image/plan.js";
export {
  type FolderBuildOptions,
  type PreparedBuild,
  prepareBuild,
  prepareFolderBuild,
} from "./image/prepare-build.js";
export * from "./public-errors.js";
