import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import type { JobSpec, SourceSpec } from "../config/index.js";
import type { ImageContext, ImageResolver, ResolvedImage } from "../deploy/image-resolver.js";
import type { Deps } from "../deps.js";
import { FlexjobError, showValue } from "../errors.js";
import { names, TAG_APP, TAG_JOB, TAG_MANAGED } from "../naming.js";
import { type CpuArchitecture, DEFAULT_ARCHITECTURE, imagePlatformsFor } from "../sizing/index.js";
import { detectBuildPlan } from "./detect.js";
import {
  type DockerBuild,
  type DockerCommand,
  type DockerRunner,
  dockerCli,
  dockerCommands,
  failingStep,
  loginCommand,
} from "./docker.js";
import { generateDockerignore } from "./dockerignore.js";
import {
  ensureRepository,
  imagePlatforms,
  imageTagExists,
  type RegistryLogin,
  registryLogin,
} from "./ecr.js";
import { generateDockerfile, LABEL_BUILD_ARGS } from "./generate-dockerfile.js";
import { gitignoredPaths } from "./gitignore.js";
import { commitTag, imageTag, type SourceIdentity, sourceIdentity } from "./image-tag.js";
import { BUILD_OVERRIDE_NAMES, type BuildPlan, buildOverridesFrom } from "./plan.js";
import { registryImagePlatforms } from "./registry-manifest.js";
import { findRepositoryRoot, nodeRepoFiles } from "./repo-files.js";

export interface BuildResolverOptions {
  /** The folder flexjob.yml is in: `source.rootDir` is relative to it. */
  configDir: string;
  /** Default: the Docker CLI (`FLEXJOB_DOCKER` names the binary). */
  docker?: DockerRunner;
  /** `docker build --network`, e.g. `host` where the daemon has no bridge. Default `FLEXJOB_BUILD_NETWORK`. */
  network?: string;
  /** Environment variables passed to builds as secrets (`RUN --mount=type=secret,id=NAME`). */
  secretEnv?: readonly string[];
  /** The repository's URL, for the image's `org.opencontainers.image.source` label. */
  sourceUrl?: string;
  /** How registry manifests are fetched for `arch: flex` registry images (tests swap it). */
  fetch?: typeof fetch;
}

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

/** flex runs ARM64 (cheaper) when the image has it, x86_64 otherwise. */
function architectureOf(platforms: readonly string[]): CpuArchitecture {
  return platforms.includes("linux/arm64") ? "ARM64" : "X86_64";
}

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
  const docker = options.docker ?? dockerCli();
  return async (job, context, deps) => {
    if (job.source === undefined) return registryJobImage(job, context, deps, options.fetch);
    return buildJobImage(job, job.source, context, deps, { ...options, docker });
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
  return { image, cpuArchitecture: architectureOf(platforms) };
}

async function buildJobImage(
  job: JobSpec,
  source: SourceSpec,
  context: ImageContext,
  deps: Deps,
  options: BuildResolverOptions & { docker: DockerRunner },
): Promise<ResolvedImage> {
  const { clients, logger } = deps;
  const build = await prepareBuild(job, source, options.configDir);
  const identity = await sourceIdentity(build.dir);
  const tag = imageTag({
    treeHash: identity.treeHash,
    dockerfile: build.dockerfile,
    buildArgs: build.buildArgs,
    platforms: build.platforms,
    // flexjob's defaults only: the repository's own lines are in the tree hash already, and
    // gitignored paths differ between machines, which must not change the tag.
    contextRules: generateDockerignore(build.plan, {}),
  });
  const repository = names.repository(context.app, job.name);
  const login = await registryLogin(clients);
  const reference = `${login.host}/${repository}`;
  const image = `${reference}:${tag}`;
  const resolved: ResolvedImage = {
    image,
    ...(job.arch === "flex" ? { cpuArchitecture: architectureOf(build.platforms) } : {}),
  };
  if (await imageTagExists(clients, repository, tag)) {
    logger.info(
      `${job.name}: source unchanged (${identity.from === "git-tree" ? "git tree" : "files"} ${identity.treeHash.slice(0, 12)}), reusing ${image}`,
    );
    return resolved;
  }
  if (context.dryRun) {
    logger.info(`${job.name}: would build ${image} (${build.plan.language}, ${build.plan.version.value})`);
    return resolved;
  }
  await ensureRepository(clients, repository, {
    [TAG_MANAGED]: "true",
    [TAG_APP]: context.app,
    [TAG_JOB]: job.name,
  });
  const workDir = await mkdtemp(join(tmpdir(), "flexjob-build-"));
  try {
    // The Dockerfile built (a user's own as read, link-checked) lives outside the repository, and
    // BuildKit reads the .dockerignore beside it: flexjob's, not whatever the context holds.
    const dockerfile = join(workDir, "Dockerfile");
    await writeFile(dockerfile, build.dockerfile);
    await writeFile(`${dockerfile}.dockerignore`, build.dockerignore);
    const spec = dockerBuildSpec({ build, identity, image, reference, dockerfile }, source, options);
    await runBuild(spec, { job: job.name, image, plan: build.plan, login }, deps, options.docker);
    return resolved;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Tags, labels, secrets and cache for one build; a user's own Dockerfile gets no label build args. */
function dockerBuildSpec(
  at: {
    build: PreparedBuild;
    identity: SourceIdentity;
    image: string;
    reference: string;
    dockerfile: string;
  },
  source: SourceSpec,
  options: BuildResolverOptions,
): DockerBuild {
  const { build, identity, image, reference } = at;
  return {
    context: build.dir,
    dockerfile: at.dockerfile,
    tags: [image, ...(identity.commit === undefined ? [] : [`${reference}:${commitTag(identity.commit)}`])],
    platforms: build.platforms,
    buildArgs: {
      ...build.buildArgs,
      ...(build.userDockerfile === undefined
        ? {
            ...(options.sourceUrl === undefined ? {} : { [LABEL_BUILD_ARGS.source]: options.sourceUrl }),
            ...(identity.commit === undefined ? {} : { [LABEL_BUILD_ARGS.revision]: identity.commit }),
          }
        : {}),
    },
    secretEnv: [...new Set([...source.buildSecrets, ...(options.secretEnv ?? [])])],
    labels: {},
    cacheRef: `${reference}:buildcache`,
    sourceDateEpoch: identity.commitTime,
    network: options.network ?? process.env.FLEXJOB_BUILD_NETWORK,
  };
}

/** Logs in to the registry, then builds and pushes with buildx when Docker has it. */
async function runBuild(
  spec: DockerBuild,
  about: {
    job: string;
    image: string;
    plan: PreparedBuild["plan"];
    login: RegistryLogin;
  },
  deps: Deps,
  docker: DockerRunner,
): Promise<void> {
  const { job, image, plan, login } = about;
  const mode = (await docker.hasBuildx()) ? "buildx" : "classic";
  deps.logger.info(
    `${job}: building ${image} with ${mode === "buildx" ? "docker buildx" : "docker build"} (${plan.language} ${plan.version.value})`,
  );
  await runDocker(docker, loginCommand(login), job, deps, "logging in to the registry");
  for (const command of dockerCommands(spec, mode)) {
    await runDocker(docker, command, job, deps, command.args[0] === "push" ? "pushing" : "building");
  }
}

/** Streams a Docker command's output through the logger; a failure names the failing step and its last lines. */
async function runDocker(
  docker: DockerRunner,
  command: DockerCommand,
  job: string,
  deps: Deps,
  doing: string,
): Promise<void> {
  const lines: string[] = [];
  const { code } = await docker.run(command, (line) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    deps.logger.info(`${job} | ${line}`);
  });
  if (code === 0) return;
  const step = failingStep(lines);
  const tail = lines.slice(-15).join("\n");
  throw new FlexjobError(
    `${doing} the image of job ${job} failed${step === undefined ? "" : ` at ${step}`} (docker exit ${code}); last lines:\n${tail}`,
    {
      code: "INPUT_INVALID",
      remedy:
        doing === "building"
          ? `fix the step above; flexjob dockerfile ${job} shows the Dockerfile it builds, and build args INSTALL_CMD, BUILD_CMD, START_CMD or your own Dockerfile change it`
          : "check that Docker is running and can reach the registry, then deploy again",
    },
  );
}
