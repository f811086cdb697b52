import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { BatchGetImageCommand, DeleteRepositoryCommand, DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { createRegistryImageStore, type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FlexjobConfig, parseConfig, readConfigFile } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { FlexjobError } from "../src/errors.js";
import { type DockerCommand, type DockerRunner, dockerCli } from "../src/image/docker.js";
import { buildImageResolver, prepareBuild } from "../src/image/resolve-image.js";
import { loadedClients } from "./harness.js";

/**
 * Real builds: Docker builds the images, a local registry stands in for ECR (fake-aws's ECR reads
 * its images from it), and the built images run. Needs the environment scripts/docker-test-env.sh
 * sets up; run through vitest.docker.config.ts (`pnpm run test:docker`), never `npm test`.
 */

const exec = promisify(execFile);
const REGION = "eu-west-1";
const EXAMPLE = resolve(import.meta.dirname, "../../../examples/node-pnpm");
const SETUP = "run `bash scripts/docker-test-env.sh && source /tmp/flexjob-docker-test/env` first";

/** Set by vitest.docker.config.ts: the default config also collects this file, and must pass without Docker. */

/** What scripts/docker-test-env.sh exports; builds need all of it (a daemon without a bridge needs `--network host`). */
const REQUIRED_ENV = [
  "FLEXJOB_TEST_REGISTRY",
  "FLEXJOB_TEST_NODE_BASE",
  "FLEXJOB_DOCKER",
  "FLEXJOB_BUILD_NETWORK",
] as const;

/** Read once; the suite fails in beforeAll, before any use, when one is unset. */
const env = {
  registry: process.env.FLEXJOB_TEST_REGISTRY ?? "",
  nodeBase: process.env.FLEXJOB_TEST_NODE_BASE ?? "",
  docker: process.env.FLEXJOB_DOCKER ?? "docker",
};

/** One Docker CLI call a deploy made, with its output and, for a build, the Dockerfile it read. */
interface Recorded {
  args: string[];
  lines: string[];
  dockerfile: string | undefined;
}

let aws: FakeAws;
let deps: Deps;
let logs: string[];
let work: string;
let dockerConfig: string;
const recorded: Recorded[] = [];
/** Unique per run: the registry outlives a run, and a tag pushed by an earlier run must not skip a build here. */
const prefix = `dk${randomBytes(3).toString("hex")}`;
const repositories: string[] = [];

/** The real Docker CLI, recording every call; its logins go to a throwaway DOCKER_CONFIG. */
const recordingDocker: DockerRunner = {
  async run(command: DockerCommand, onLine: (line: string) => void) {
    const file = command.args[0] === "build" ? command.args[command.args.indexOf("--file") + 1] : undefined;
    const entry: Recorded = {
      args: command.args,
      lines: [],
      dockerfile: file === undefined ? undefined : await readFile(file, "utf8"),
    };
    recorded.push(entry);
    return dockerCli().run({ ...command, env: { ...command.env, DOCKER_CONFIG: dockerConfig } }, (line) => {
      entry.lines.push(line);
      onLine(line);
    });
  },
  hasBuildx: () => dockerCli().hasBuildx(),
};

async function docker(args: string[]): Promise<string> {
  const { stdout } = await exec(env.docker, args, {
    env: { ...process.env, DOCKER_CONFIG: dockerConfig },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function git(dir: string, args: string[]): Promise<void> {
  await exec(
    "git",
    [
      "-c",
      "user.name=flexjob test",
      "-c",
      "user.email=test@flexjob.invalid",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    { cwd: dir },
  );
}

/** A folder of files as a fresh git repository with one commit, as a user's checkout would be. */
async function gitRepo(name: string, files: Record<string, string> = {}, from?: string): Promise<string> {
  const dir = join(work, name);
  if (from !== undefined) {
    await cp(from, dir, { recursive: true, filter: (source) => basename(source) !== "node_modules" });
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(resolve(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await git(dir, ["init", "--quiet", "--initial-branch=main"]);
  await git(dir, ["add", "--all"]);
  await git(dir, ["commit", "--quiet", "--message", "initial"]);
  return dir;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} is not a map`);
  return value as Record<string, unknown>;
}

/** The example's own flexjob.yml, with this run's app name and the local base image. */
async function exampleConfig(dir: string): Promise<FlexjobConfig> {
  const { raw } = await readConfigFile(join(dir, "flexjob.yml"));
  const config = asRecord(raw, "flexjob.yml");
  const jobs = asRecord(config.jobs, "jobs");
  for (const [name, job] of Object.entries(jobs)) {
    const source = asRecord(asRecord(job, `jobs.${name}`).source, `jobs.${name}.source`);
    source.buildArgs = { ...asRecord(source.buildArgs ?? {}, "buildArgs"), BASE_IMAGE: env.nodeBase };
  }
  return parseConfig({ ...config, app: `${prefix}-node` });
}

async function taskDefinition(family: string) {
  const { taskDefinition: found } = await deps.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: family }),
  );
  const container = found?.containerDefinitions?.[0];
  return {
    revision: found?.revision,
    image: container?.image ?? "",
    environment: (container?.environment ?? []).map(({ name, value }) => `${name}=${value}`),
  };
}

/** Runs an image as the task would, pulled from the registry (the local copy is removed first). */
async function runImage(image: string, environment: string[]): Promise<string> {
  await docker(["image", "rm", image]);
  return docker([
    "run",
    "--rm",
    "--pull=always",
    "--network=host",
    ...environment.flatMap((variable) => ["--env", variable]),
    image,
  ]);
}

const builds = () => recorded.filter((entry) => entry.args[0] === "build");

/** The plain-progress lines of the step whose header matches, e.g. `#9 [deps 5/5] RUN … install`. */
function step(lines: readonly string[], header: RegExp): string[] {
  const id = lines.find((line) => header.test(line))?.match(/^#\d+/)?.[0];
  return id === undefined ? [] : lines.filter((line) => line.startsWith(`${id} `));
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("real Docker builds (npm run test:docker)", () => {
  beforeAll(async () => {
    const missing = REQUIRED_ENV.filter((name) => process.env[name] === undefined);
    if (missing.length > 0) {
      throw new Error(`the Docker test environment is not set up (${missing.join(", ")} unset): ${SETUP}`);
    }
    await exec(env.docker, ["info"]).catch((error: unknown) => {
      throw new Error(`${env.docker} info failed, so no Docker engine answers: ${SETUP}`, { cause: error });
    });
    const answer = await fetch(`http://${env.registry}/v2/`).catch(() => undefined);
    if (answer?.status !== 200) throw new Error(`no registry answers at ${env.registry}: ${SETUP}`);

    work = await mkdtemp(join(tmpdir(), "flexjob-docker-"));
    dockerConfig = join(work, "docker-config");
    await mkdir(dockerConfig);
    aws = await startFakeAws({
      region: REGION,
      clock: { start: "2026-12-01T10:00:00Z" },
      imageStore: createRegistryImageStore({ registry: env.registry }),
    });
    logs = [];
    deps = {
      clients: await loadedClients({ region: REGION, endpoint: aws.url, maxAttempts: 3 }),
      logger: { info: (message) => logs.push(message), warn: (message) => logs.push(`warn: ${message}`) },
      sleep: async (ms) => {
        aws.clock.advance(ms);
      },
      now: () => aws.clock.now(),
    };
  });

  afterAll(async () => {
    if (aws === undefined) return;
    // The registry outlives the run: DeleteRepository (force) deletes this run's manifests from it.
    for (const repositoryName of repositories) {
      await deps.clients.ecr
        .send(new DeleteRepositoryCommand({ repositoryName, force: true }))
        .catch(() => {});
    }
    const images = (await docker(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]).catch(() => ""))
      .split("\n")
      .filter((image) => image.startsWith(`${env.registry}/flexjob/${prefix}-`));
    if (images.length > 0) await docker(["image", "rm", ...images]).catch(() => "");
    await aws.close();
    await rm(work, { recursive: true, force: true });
  });

  describe("the Node example, built for real", () => {
    const family = () => `${prefix}-node-tick`;
    const repository = () => `flexjob/${prefix}-node/tick`;
    let dir: string;
    let config: FlexjobConfig;
    let firstImage: string;

    it("builds from its generated Dockerfile on the local base, pushes to the registry standing in for ECR, and runs", async () => {
      dir = await gitRepo("node-pnpm", {}, EXAMPLE);
      config = await exampleConfig(dir);
      repositories.push(repository());
      expect(existsSync(join(dir, "Dockerfile"))).toBe(false);

      const result = await deploy(
        config,
        { resolveImage: buildImageResolver({ configDir: dir, docker: recordingDocker }) },
        deps,
      );

      expect(result.changed).toBe(true);
      expect(recorded.map((entry) => entry.args[0])).toEqual(["login", "build", "push", "push"]);
      const [job] = config.jobs;
      if (job?.source === undefined) throw new Error("the example's job builds from source");
      const generated = (await prepareBuild(job, job.source, dir)).dockerfile;
      expect(builds()[0]?.dockerfile).toBe(generated);
      expect(generated).toContain(`ARG BASE_IMAGE=${env.nodeBase}`);

      const { revision, image, environment } = await taskDefinition(family());
      expect(revision).toBe(1);
      expect(image).toMatch(new RegExp(`^${escaped(`${env.registry}/${repository()}`)}:src-[0-9a-f]{24}$`));
      firstImage = image;
      const commit = (await exec("git", ["rev-parse", "HEAD"], { cwd: dir })).stdout.trim();
      const { imageDetails = [] } = await deps.clients.ecr.send(
        new DescribeImagesCommand({
          repositoryName: repository(),
          imageIds: [{ imageTag: image.split(":").pop() }],
        }),
      );
      const pushedDigest = (
        await docker(["image", "inspect", "--format", "{{json .RepoDigests}}", image])
      ).trim();
      expect(imageDetails).toHaveLength(1);
      expect(imageDetails[0]?.imageTags?.sort()).toEqual(
        [`git-${commit.slice(0, 12)}`, image.split(":").pop()].sort(),
      );
      expect(pushedDigest).toContain(`${env.registry}/${repository()}@${imageDetails[0]?.imageDigest}`);
      const { images = [] } = await deps.clients.ecr.send(
        new BatchGetImageCommand({
          repositoryName: repository(),
          imageIds: [{ imageTag: image.split(":").pop() }],
        }),
      );
      const manifest = images[0]?.imageManifest ?? "";
      expect(`sha256:${createHash("sha256").update(manifest).digest("hex")}`).toBe(
        imageDetails[0]?.imageDigest,
      );

      expect(environment).toContain("FLEXJOB_JOB=tick");
      expect(await runImage(image, environment)).toBe("hello from tick, task 0; next run in 15 minutes\n");
    });

    it("second deploy of the same source builds nothing, says so, and sends no mutating AWS call", async () => {
      recorded.length = 0;
      logs.length = 0;
      aws.clearCalls();

      const result = await deploy(
        config,
        { resolveImage: buildImageResolver({ configDir: dir, docker: recordingDocker }) },
        deps,
      );

      expect(recorded).toEqual([]);
      expect(logs).toContainEqual(
        expect.stringMatching(/^tick: source unchanged \(git tree [0-9a-f]{12}\), reusing /),
      );
      expect(result.changed).toBe(false);
      expect(aws.mutatingCalls()).toEqual([]);
      expect((await taskDefinition(family())).image).toBe(firstImage);
    });

    it("a code-only change rebuilds with the dependency layer cached and deploys a new revision with the new image", async () => {
      recorded.length = 0;
      const index = join(dir, "index.js");
      // New to this run, so BuildKit cannot have the code layer from an earlier run.
      await writeFile(
        index,
        (await readFile(index, "utf8")).replace("hello from", `tick-tock ${prefix} from`),
      );
      await git(dir, ["commit", "--quiet", "--all", "--message", "change the code only"]);

      await deploy(
        config,
        { resolveImage: buildImageResolver({ configDir: dir, docker: recordingDocker }) },
        deps,
      );

      const [build] = builds();
      expect(build).toBeDefined();
      const install = step(build?.lines ?? [], /^#\d+ \[deps \d+\/\d+\] RUN .*pnpm install/);
      expect(install[0]).toMatch(/pnpm install --frozen-lockfile --prod$/);
      expect(install).toContainEqual(expect.stringMatching(/^#\d+ CACHED$/));
      const code = step(build?.lines ?? [], /^#\d+ \[runtime \d+\/\d+\] COPY \. \.$/);
      expect(code).not.toContainEqual(expect.stringMatching(/^#\d+ CACHED$/));

      const { revision, image, environment } = await taskDefinition(family());
      expect(revision).toBe(2);
      expect(image).toMatch(new RegExp(`^${escaped(`${env.registry}/${repository()}`)}:src-[0-9a-f]{24}$`));
      expect(image).not.toBe(firstImage);
      expect(await runImage(image, environment)).toBe(
        `tick-tock ${prefix} from tick, task 0; next run in 15 minutes\n`,
      );
    });
  });

  describe("other folders, built for real", () => {
    it("a Dockerfile in the folder is built as it is", async () => {
      recorded.length = 0;
      const app = `${prefix}-own`;
      repositories.push(`flexjob/${app}/own`);
      const dir = await gitRepo("own-dockerfile", {
        // Detection alone would generate a Node.js Dockerfile for this folder; the user's wins.
        "package.json": JSON.stringify({ name: "own", private: true, scripts: { start: "node index.js" } }),
        // The folder has no .dockerignore: flexjob's credential lines still keep these out.
        "config/.env": "DB_PASSWORD=hunter2\n",
        "greet.sh": [
          'echo "built from my own Dockerfile, job $FLEXJOB_JOB"',
          'for leak in /app/config/.env /app/.git; do [ -e "$leak" ] && echo "leaked $leak"; done',
          "true",
          "",
        ].join("\n"),
        Dockerfile: [
          "ARG BASE_IMAGE",
          "FROM $BASE_IMAGE",
          "COPY . /app",
          'CMD ["sh", "/app/greet.sh"]',
          "",
        ].join("\n"),
      });
      const config = parseConfig({
        app,
        region: REGION,
        jobs: {
          own: {
            source: { rootDir: ".", buildArgs: { BASE_IMAGE: env.nodeBase } },
            schedule: "rate(1 hour)",
          },
        },
      });

      await deploy(
        config,
        { resolveImage: buildImageResolver({ configDir: dir, docker: recordingDocker }) },
        deps,
      );

      const [build] = builds();
      // Built from a copy of the user's Dockerfile, so flexjob's .dockerignore can sit beside it
      // (BuildKit reads `<Dockerfile>.dockerignore` first); the content is the user's, unchanged.
      const file = build?.args[build.args.indexOf("--file") + 1] ?? "";
      expect(file).not.toBe(join(dir, "Dockerfile"));
      expect(basename(file)).toBe("Dockerfile");
      expect(build?.dockerfile).toBe(await readFile(join(dir, "Dockerfile"), "utf8"));
      const { image, environment } = await taskDefinition(`${app}-own`);
      expect(await runImage(image, environment)).toBe("built from my own Dockerfile, job own\n");
    });

    it("a build secret is an environment variable of the install and build steps, and no layer, history or config keeps it", async () => {
      recorded.length = 0;
      const app = `${prefix}-secret`;
      repositories.push(`flexjob/${app}/publish`);
      const token = `npm_${randomBytes(18).toString("hex")}`;
      const digest = createHash("sha256").update(token).digest("hex");
      // Each step fails without the token and leaves only its hash, which the job prints.
      const record = (step: string) =>
        `node -e "const t = process.env.NPM_TOKEN; if (!t) { console.error('NPM_TOKEN is not set'); process.exit(1); } require('fs').writeFileSync('${step}-token.sha256', require('crypto').createHash('sha256').update(t).digest('hex'))"`;
      // A secret is not part of BuildKit's cache key: a manifest new to this run keeps an install
      // layer cached by an earlier run (with its token's hash) from being reused.
      const manifest = { name: `publish-${prefix}`, version: "1.0.0", private: true };
      const dir = await gitRepo("build-secret", {
        "package.json": JSON.stringify({
          ...manifest,
          scripts: { preinstall: record("install"), build: record("build"), start: "node job.js" },
        }),
        "package-lock.json": JSON.stringify({
          ...manifest,
          lockfileVersion: 3,
          requires: true,
          packages: { "": { ...manifest, hasInstallScript: true } },
        }),
        // How a private registry's token is usually given to npm: by reference, never written out.
        ".npmrc": `//registry.npmjs.org/:_authToken=\${NPM_TOKEN}\n`,
        "job.js":
          'const read = (step) => require("fs").readFileSync(step + "-token.sha256", "utf8");\nconsole.log("install " + read("install") + " build " + read("build"));\n',
      });
      const config = parseConfig({
        app,
        region: REGION,
        jobs: {
          publish: {
            source: { rootDir: ".", buildArgs: { BASE_IMAGE: env.nodeBase }, buildSecrets: ["NPM_TOKEN"] },
            schedule: "rate(1 hour)",
          },
        },
      });

      // The deploying machine's environment, as a CI secret would set it.
      process.env.NPM_TOKEN = token;
      try {
        await deploy(
          config,
          { resolveImage: buildImageResolver({ configDir: dir, docker: recordingDocker }) },
          deps,
        );
      } finally {
        delete process.env.NPM_TOKEN;
      }

      const [build] = builds();
      expect(build?.args).toEqual(expect.arrayContaining(["--secret", "id=NPM_TOKEN,env=NPM_TOKEN"]));
      expect(build?.dockerfile).toContain("--mount=type=secret,id=NPM_TOKEN,required=true");
      expect(build?.lines.join("\n")).not.toContain(token);
      const { image, environment } = await taskDefinition(`${app}-publish`);
      expect(await runImage(image, environment)).toBe(`install ${digest} build ${digest}\n`);

      // Every layer and the image config, as `docker save` writes them (uncompressed tars).
      const archive = join(work, "build-secret.tar");
      await docker(["image", "save", "--output", archive, image]);
      const saved = await readFile(archive);
      expect(saved.includes(digest)).toBe(true);
      expect(saved.includes(token)).toBe(false);
      const history = await docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}", image]);
      // The secret's steps ran in the deps and build stages; the image's history is the runtime stage's.
      expect(history).toContain("USER 10001:10001");
      expect(history).not.toContain(token);
      const inspected = await docker(["image", "inspect", image]);
      expect(inspected).not.toContain(token);
      expect(inspected).not.toContain("NPM_TOKEN=");
    });

    it("a folder with no detectable start command fails before any build, saying what to add", async () => {
      recorded.length = 0;
      aws.clearCalls();
      const dir = await gitRepo("no-start", {
        "package.json": JSON.stringify({ name: "no-start", private: true, dependencies: {} }),
        "job.js": 'console.log("never built");\n',
      });
      const config = parseConfig({
        app: `${prefix}-none`,
        region: REGION,
        jobs: {
          sweep: {
            source: { rootDir: ".", buildArgs: { BASE_IMAGE: env.nodeBase } },
            schedule: "rate(1 hour)",
          },
        },
      });

      const failure = await deploy(
        config,
        { resolveImage: buildImageResolver({ configDir: dir, docker: recordingDocker }) },
        deps,
      ).then(
        () => undefined,
        (error: unknown) => error,
      );

      expect(failure).toBeInstanceOf(FlexjobError);
      expect(failure).toMatchObject({
        code: "INPUT_INVALID",
        message: `no start command for the job in ${dir}: package.json has no "start" script and no "main" or "bin" file that exists or that the build writes, and there is no index.js, server.js, Procfile or start.sh`,
        remedy:
          'add a "start" script to package.json (e.g. "node dist/job.js"), set jobs.sweep.command in flexjob.yml, add a Procfile line (e.g. "worker: node dist/job.js"), add a start.sh, or set build arg START_CMD',
      });
      expect(recorded).toEqual([]);
      expect(aws.mutatingCalls()).toEqual([]);
    });
  });
});
