import { spawn } from "node:child_process";
import { FlexjobError } from "../errors.js";

/** One image build, in the terms of the Docker CLI. */
export interface DockerBuild {
  /** The build context folder (the job's rootDir). */
  context: string;
  /** Path of the Dockerfile; a generated one lives outside the context, next to its .dockerignore. */
  dockerfile: string;
  /** Full references to push, e.g. `<registry>/flexjob/app/job:src-…` and the commit tag. */
  tags: string[];
  /** `linux/amd64`, `linux/arm64`; more than one needs buildx. */
  platforms: string[];
  buildArgs: Readonly<Record<string, string>>;
  /** Build secrets, passed with `--secret` from environment variables — never as build args, which end up in the image's provenance. */
  secretEnv: readonly string[];
  labels: Readonly<Record<string, string>>;
  /** Registry reference of the layer cache (buildx only), e.g. `<repo>:buildcache`. */
  cacheRef: string | undefined;
  /** Commit time, for reproducible timestamps in the image. */
  sourceDateEpoch: number | undefined;
  /** `docker build --network`, e.g. `host` where the daemon has no bridge network. */
  network: string | undefined;
}

export type DockerMode = "buildx" | "classic";

export interface DockerCommand {
  args: string[];
  env: Record<string, string>;
  /** Text for the command's standard input (a registry password). */
  input?: string;
}

function sharedFlags(build: DockerBuild): string[] {
  return [
    "--progress=plain",
    "--file",
    build.dockerfile,
    ...build.tags.flatMap((tag) => ["--tag", tag]),
    ...Object.entries(build.buildArgs).flatMap(([key, value]) => ["--build-arg", `${key}=${value}`]),
    ...Object.entries(build.labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]),
    ...build.secretEnv.flatMap((name) => ["--secret", `id=${name},env=${name}`]),
    ...(build.network === undefined ? [] : ["--network", build.network]),
  ];
}

/**
 * The Docker CLI calls for a build and push. buildx builds every platform and pushes in one go,
 * with a registry layer cache in ECR; without buildx, BuildKit through `docker build` then
 * `docker push` of each tag (one platform only).
 */
export function dockerCommands(build: DockerBuild, mode: DockerMode): DockerCommand[] {
  const env: Record<string, string> =
    build.sourceDateEpoch === undefined ? {} : { SOURCE_DATE_EPOCH: String(build.sourceDateEpoch) };
  if (mode === "buildx") {
    const cache =
      build.cacheRef === undefined
        ? []
        : [
            "--cache-from",
            `type=registry,ref=${build.cacheRef}`,
            "--cache-to",
            `type=registry,ref=${build.cacheRef},mode=max,image-manifest=true,oci-mediatypes=true`,
          ];
    return [
      {
        args: [
          "buildx",
          "build",
          "--platform",
          build.platforms.join(","),
          "--push",
          ...sharedFlags(build),
          ...cache,
          build.context,
        ],
        env,
      },
    ];
  }
  if (build.platforms.length > 1) {
    throw new FlexjobError(
      `building for ${build.platforms.join(" and ")} needs docker buildx, which is not installed`,
      {
        code: "INPUT_INVALID",
        remedy: "install docker buildx (GitHub runners have it), or set arch: x86_64 or arm64",
      },
    );
  }
  return [
    {
      args: ["build", "--platform", build.platforms.join(","), ...sharedFlags(build), build.context],
      env: { ...env, DOCKER_BUILDKIT: "1" },
    },
    ...build.tags.map((tag) => ({ args: ["push", tag], env: {} })),
  ];
}

export function loginCommand(login: { host: string; username: string; password: string }): DockerCommand {
  return {
    args: ["login", "--username", login.username, "--password-stdin", login.host],
    env: {},
    input: login.password,
  };
}

/** Runs Docker CLI commands; swapped in tests that only check which commands would run. */
export interface DockerRunner {
  run(command: DockerCommand, onLine: (line: string) => void): Promise<{ code: number }>;
  hasBuildx(): Promise<boolean>;
}

/** The real Docker CLI: `FLEXJOB_DOCKER` names the binary (default `docker`). */
export function dockerCli(binary = process.env.FLEXJOB_DOCKER ?? "docker"): DockerRunner {
  const run = (command: DockerCommand, onLine: (line: string) => void) =>
    new Promise<{ code: number }>((resolve, reject) => {
      const child = spawn(binary, command.args, {
        env: { ...process.env, ...command.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let pending = "";
      const feed = (chunk: Buffer) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) onLine(line);
      };
      child.stdout.on("data", feed);
      child.stderr.on("data", feed);
      child.on("error", (error) =>
        reject(
          new FlexjobError(`could not run ${binary}: ${error.message}`, {
            code: "INPUT_INVALID",
            cause: error,
            remedy: "install Docker (and start its daemon), or set FLEXJOB_DOCKER to the docker binary",
          }),
        ),
      );
      child.on("close", (code) => {
        if (pending !== "") onLine(pending);
        resolve({ code: code ?? 1 });
      });
      child.stdin.end(command.input ?? "");
    });
  return {
    run,
    hasBuildx: async () => {
      try {
        return (await run({ args: ["buildx", "version"], env: {} }, () => {})).code === 0;
      } catch {
        return false;
      }
    },
  };
}

/**
 * The step a BuildKit build failed at, from its plain progress output: the header line (`#7
 * [build 3/5] RUN npm ci`) of the step that reported the error.
 */
export function failingStep(lines: readonly string[]): string | undefined {
  const failed = [...lines].reverse().find((line) => /^#\d+ ERROR:/.test(line));
  const id = failed?.match(/^(#\d+) /)?.[1];
  const header = lines.find((line) => id !== undefined && line.startsWith(`${id} [`));
  return header?.slice((id ?? "").length + 1);
}
