// The build half of the image resolver, loaded only when a job has `source:`: a deploy of
// registry images never loads the Dockerfile generator, the language providers or the Docker runner.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobSpec, SourceSpec } from "../config/index.js";
import type { ImageContext, ResolvedImage } from "../deploy/image-resolver.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { names, TAG_APP, TAG_JOB, TAG_MANAGED } from "../naming.js";
import { flexArchitectureOf } from "../sizing/architecture.js";
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
import { ensureRepository, imageTagExists, type RegistryLogin, registryLogin } from "./ecr.js";
import { LABEL_BUILD_ARGS } from "./generate-dockerfile.js";
import { commitTag, imageTag, type SourceIdentity, sourceIdentity } from "./image-tag.js";
import { type PreparedBuild, prepareBuild } from "./prepare-build.js";

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

/** Builds a `source:` job's image and pushes it, unless ECR already has its tag. */
export async function buildJobImage(
  job: JobSpec,
  source: SourceSpec,
  context: ImageContext,
  deps: Deps,
  options: BuildResolverOptions,
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
    ...(job.arch === "flex" ? { cpuArchitecture: flexArchitectureOf(build.platforms) } : {}),
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
    await runBuild(
      spec,
      { job: job.name, image, plan: build.plan, login },
      deps,
      options.docker ?? dockerCli(),
    );
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
