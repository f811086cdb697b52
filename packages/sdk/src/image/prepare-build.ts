import { realpath } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import type { JobSpec, SourceSpec } from "../config/index.js";
import { FlexjobError, showValue } from "../errors.js";
import { DEFAULT_ARCHITECTURE, imagePlatformsFor } from "../sizing/index.js";
import { detectBuildPlan } from "./detect.js";
import { generateDockerignore } from "./dockerignore.js";
import { generateDockerfile } from "./generate-dockerfile.js";
import { gitignoredPaths } from "./gitignore.js";
import { BUILD_OVERRIDE_NAMES, type BuildPlan, buildOverridesFrom } from "./plan.js";
import { findRepositoryRoot, nodeRepoFiles } from "./repo-files.js";

// Reading a folder and writing its Dockerfile, apart from the build and ECR push in
// resolve-image.ts: `flexjob dockerfile` runs offline and must not load the ECR client.

/** What a build of one job's source would use: for `flexjob dockerfile` and for the build itself. */
export interface PreparedBuild {
  dir: string;
  plan: BuildPlan;
  /** The Dockerfile that builds: the user's own, or the generated one. */
  dockerfile: string;
  /** Where the user's Dockerfile is; undefined for a generated one. */
  userDockerfile: string | undefined;
  /** The .dockerignore the build uses: what is left out of the build context. */
  dockerignore: string;
  platforms: string[];
  /** Build args sent to docker: the user's, less flexjob's own override names (already in a generated Dockerfile). */
  buildArgs: Record<string, string>;
}

function outsideRepository(job: string, field: "rootDir" | "dockerfile", value: string, root: string) {
  return new FlexjobError(
    `jobs.${job}.source.${field} ${showValue(value)} leads out of the repository ${root} through a symbolic link`,
    {
      code: "INPUT_INVALID",
      fault: "user",
      remedy: `point source.${field} at a ${field === "rootDir" ? "folder" : "file"} inside ${root}, or replace the link with what it points at`,
    },
  );
}

/** Refuses a path that a link takes out of the repository; a missing one is detection's to report. */
async function checkInside(
  job: string,
  field: "rootDir" | "dockerfile",
  value: string,
  path: string,
  root: string,
): Promise<void> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined && real !== root && !real.startsWith(`${root}${sep}`))
    throw outsideRepository(job, field, value, root);
}

/**
 * Detects the build of a job's folder and writes its Dockerfile and .dockerignore, reading files only.
 * @example
 * const job = config.jobs[0];
 * if (job?.source) console.log((await prepareBuild(job, job.source, ".")).dockerfile);
 */
export async function prepareBuild(
  job: JobSpec,
  source: SourceSpec,
  configDir: string,
): Promise<PreparedBuild> {
  const root = await realpath(await findRepositoryRoot(configDir));
  const dir = resolve(configDir, source.rootDir);
  await checkInside(job.name, "rootDir", source.rootDir, dir, root);
  if (source.dockerfile !== undefined)
    await checkInside(job.name, "dockerfile", source.dockerfile, resolve(dir, source.dockerfile), root);
  return prepareFolderBuild(dir, {
    repositoryRoot: root,
    job: job.name,
    ...(job.command === undefined ? {} : { command: job.command }),
    ...(source.dockerfile === undefined ? {} : { dockerfile: source.dockerfile }),
    buildArgs: source.buildArgs,
    buildSecrets: source.buildSecrets,
    platforms: imagePlatformsFor(job.arch),
  });
}

export interface FolderBuildOptions {
  /**
   * Links out of it are refused and its .gitignore files apply. Default: the nearest folder at
   * or above the job's folder holding `.git`, else the job's folder.
   */
  repositoryRoot?: string;
  job?: string;
  command?: readonly string[];
  dockerfile?: string;
  buildArgs?: Readonly<Record<string, string>>;
  /** `source.buildSecrets`: the generated Dockerfile's install and build steps read them. */
  buildSecrets?: readonly string[];
  /** Default: the platforms of a job without `arch`. */
  platforms?: string[];
}

/**
 * {@link prepareBuild} for a folder without flexjob.yml, as `flexjob dockerfile DIR` shows it.
 * @example
 * const { plan, dockerfile } = await prepareFolderBuild("jobs/report");
 */
export async function prepareFolderBuild(
  dir: string,
  options: FolderBuildOptions = {},
): Promise<PreparedBuild> {
  const root = await realpath(options.repositoryRoot ?? (await findRepositoryRoot(dir)));
  const buildArgs = options.buildArgs ?? {};
  const files = nodeRepoFiles(dir, { boundary: root });
  const plan = await detectBuildPlan(dir, buildOverridesFrom(buildArgs), {
    ...(options.command === undefined ? {} : { command: options.command }),
    ...(options.dockerfile === undefined ? {} : { dockerfile: options.dockerfile }),
    ...(options.job === undefined ? {} : { job: options.job }),
    ...(options.buildSecrets === undefined ? {} : { buildSecrets: options.buildSecrets }),
    files,
  });
  const platforms = options.platforms ?? imagePlatformsFor(DEFAULT_ARCHITECTURE);
  if (plan.provider === "dockerfile") {
    const path = options.dockerfile ?? "Dockerfile";
    // BuildKit prefers the ignore file beside the Dockerfile to the one at the context's root.
    const existing = (await files.read(`${path}.dockerignore`)) ?? (await files.read(".dockerignore"));
    return {
      dir,
      plan,
      dockerfile: (await files.read(path)) ?? "",
      userDockerfile: resolve(dir, path),
      dockerignore: generateDockerignore(plan, { existing }),
      platforms,
      buildArgs: { ...buildArgs },
    };
  }
  const overrides = new Set<string>(BUILD_OVERRIDE_NAMES);
  // Inside the repository by now: detection read the folder through the link-checking reader.
  const start = relative(root, await realpath(dir))
    .split(sep)
    .join("/");
  const gitignored = await gitignoredPaths(nodeRepoFiles(root), start);
  return {
    dir,
    plan,
    dockerfile: generateDockerfile(plan),
    userDockerfile: undefined,
    dockerignore: generateDockerignore(plan, { existing: await files.read(".dockerignore"), gitignored }),
    platforms,
    buildArgs: Object.fromEntries(Object.entries(buildArgs).filter(([name]) => !overrides.has(name))),
  };
}
