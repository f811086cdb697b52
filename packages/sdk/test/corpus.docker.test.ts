import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { DeleteRepositoryCommand } from "@aws-sdk/client-ecr";
import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { createRegistryImageStore, type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { type DockerCommand, type DockerRunner, dockerCli } from "../src/image/docker.js";
import { buildImageResolver } from "../src/image/resolve-image.js";
import { loadedClients } from "./harness.js";

/**
 * Repositories shaped like the ones issue #14 found in the wild, built and started for real: each
 * is deployed through buildImageResolver (Docker builds the generated Dockerfile, a local registry
 * stands in for ECR behind fake-aws), then the image the task definition names runs and prints.
 * The base images are scripts/docker-test-env.sh's Debian stand-ins, so apt-get steps run.
 */

const exec = promisify(execFile);
const REGION = "eu-west-1";
const SETUP = "run `bash scripts/docker-test-env.sh && source /tmp/flexjob-docker-test/env` first";
const EXAMPLE_PNPM = resolve(import.meta.dirname, "../../../examples/node-pnpm");

const env = {
  registry: process.env.FLEXJOB_TEST_REGISTRY ?? "",
  nodeBase: process.env.FLEXJOB_TEST_NODE_BASE ?? "",
  debianBase: process.env.FLEXJOB_TEST_DEBIAN_BASE ?? "",
  docker: process.env.FLEXJOB_DOCKER ?? "docker",
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * A repository with its own Node-API addon (`gypfile`, binding.gyp at the root) that its build
 * script compiles with node-gyp: the build stage needs python3, make and g++, the runtime none.
 */
const ADDER = {
  "binding.gyp": json({ targets: [{ target_name: "adder", sources: ["adder.c"] }] }),
  "adder.js": 'module.exports = require("./build/Release/adder.node");\n',
  "adder.c": [
    "#include <node_api.h>",
    "static napi_value Add(napi_env env, napi_callback_info info) {",
    "  size_t argc = 2; napi_value argv[2]; double a, b; napi_value sum;",
    "  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);",
    "  napi_get_value_double(env, argv[0], &a);",
    "  napi_get_value_double(env, argv[1], &b);",
    "  napi_create_double(env, a + b, &sum);",
    "  return sum;",
    "}",
    "NAPI_MODULE_INIT() {",
    "  napi_value fn;",
    '  napi_create_function(env, "add", NAPI_AUTO_LENGTH, Add, NULL, &fn);',
    '  napi_set_named_property(env, exports, "add", fn);',
    "  return exports;",
    "}",
    "",
  ].join("\n"),
};

interface Fixture {
  /** Repository files, path → content. */
  files: Record<string, string>;
  /** The job's fields besides source and schedule (a `command`, say). */
  job?: Record<string, unknown>;
  base: () => string;
  /** What the started container prints, given this run's prefix. */
  prints: string;
}

/** Content new to each run (the prefix), so no fixture reuses an earlier run's layers. */
const FIXTURES = (prefix: string): Record<string, Fixture> => ({
  native: {
    files: {
      ...ADDER,
      "package.json": json({
        name: `native-${prefix}`,
        private: true,
        gypfile: true,
        scripts: { build: "node-gyp rebuild", start: "node job.js" },
      }),
      "job.js": `console.log("native ${prefix}: 2 + 3 = " + require("./adder.js").add(2, 3));\n`,
    },
    base: () => env.nodeBase,
    prints: `native ${prefix}: 2 + 3 = 5\n`,
  },
  locnative: {
    files: {
      ...Object.fromEntries(Object.entries(ADDER).map(([path, text]) => [`adder/${path}`, text])),
      "adder/package.json": json({ name: "adder", version: "1.0.0", main: "adder.js" }),
      "package.json": json({
        name: `local-native-${prefix}`,
        private: true,
        scripts: { start: "node job.js" },
        dependencies: { adder: "file:./adder" },
      }),
      "job.js": `console.log("local native ${prefix}: 2 + 3 = " + require("adder").add(2, 3));\n`,
    },
    base: () => env.nodeBase,
    prints: `local native ${prefix}: 2 + 3 = 5\n`,
  },
  transpile: {
    files: {
      "package.json": json({
        name: `transpile-${prefix}`,
        private: true,
        scripts: { transpile: "tsc", start: "node dist/job.js" },
        devDependencies: { typescript: "5.9.3" },
      }),
      "tsconfig.json": json({
        compilerOptions: {
          outDir: "dist",
          rootDir: "src",
          module: "commonjs",
          target: "es2022",
          strict: true,
        },
      }),
      "src/job.ts": `declare const process: { env: Record<string, string | undefined> };\nconst greet = (who: string): string => \`compiled ${prefix} for \${who}\`;\nconsole.log(greet(process.env.FLEXJOB_JOB ?? "nobody"));\n`,
    },
    base: () => env.nodeBase,
    prints: `compiled ${prefix} for transpile\n`,
  },
  pnpm: {
    files: {
      "package.json": json({
        name: `pnpm-${prefix}`,
        private: true,
        type: "module",
        scripts: { start: "node index.js" },
        dependencies: { ms: "2.1.3" },
      }),
      "index.js": `import ms from "ms";\nconsole.log("pnpm ${prefix}: " + ms(90_000, { long: true }));\n`,
    },
    base: () => env.nodeBase,
    prints: `pnpm ${prefix}: 2 minutes\n`,
  },
  procfile: {
    files: {
      "package.json": json({ name: `procfile-${prefix}`, private: true }),
      Procfile: "web: node server.js\ncron: node tasks/nightly.js\n",
      "server.js": 'console.log("the web process started");\n',
      "tasks/nightly.js": `console.log("cron ${prefix} ran");\n`,
    },
    base: () => env.nodeBase,
    prints: `cron ${prefix} ran\n`,
  },
  shell: {
    files: {
      "bin/backup.sh": [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        `echo '{"tables": 3}' | jq -r '"backup ${prefix}: \\(.tables) tables for " + env.FLEXJOB_JOB'`,
        "",
      ].join("\n"),
      "README.md": "Heroku Scheduler runs bin/backup.sh nightly.\n",
    },
    job: { command: ["bin/backup.sh"] },
    base: () => env.debianBase,
    prints: `backup ${prefix}: 3 tables for shell\n`,
  },
});

let aws: FakeAws;
let deps: Deps;
let work: string;
let dockerConfig: string;
const prefix = `cp${randomBytes(3).toString("hex")}`;
const repositories: string[] = [];
/** Each build's output, by job: printed when a fixture fails, since the build log says why. */
const buildOutput = new Map<string, string[]>();

const recordingDocker = (job: string): DockerRunner => ({
  async run(command: DockerCommand, onLine: (line: string) => void) {
    const lines: string[] = buildOutput.get(job) ?? [];
    buildOutput.set(job, lines);
    if (command.args[0] === "build") {
      const file = command.args[command.args.indexOf("--file") + 1];
      if (file !== undefined) lines.push(await readFile(file, "utf8"));
    }
    return dockerCli().run({ ...command, env: { ...command.env, DOCKER_CONFIG: dockerConfig } }, (line) => {
      lines.push(line);
      onLine(line);
    });
  },
  hasBuildx: () => dockerCli().hasBuildx(),
});

async function docker(args: string[]): Promise<string> {
  const { stdout } = await exec(env.docker, args, {
    env: { ...process.env, DOCKER_CONFIG: dockerConfig },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function gitRepo(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text, { mode: path.endsWith(".sh") ? 0o755 : 0o644 });
  }
  const git = (args: string[]) =>
    exec(
      "git",
      ["-c", "user.name=t", "-c", "user.email=t@flexjob.invalid", "-c", "commit.gpgsign=false", ...args],
      {
        cwd: dir,
      },
    );
  await git(["init", "--quiet", "--initial-branch=main"]);
  await git(["add", "--all"]);
  await git(["commit", "--quiet", "--message", "initial"]);
  return dir;
}

/** pnpm's own lockfile for the pnpm fixture: the example's, which pins the same ms 2.1.3. */
async function pnpmLockfile(): Promise<string> {
  return readFile(join(EXAMPLE_PNPM, "pnpm-lock.yaml"), "utf8");
}

/** Deploys one fixture as app `<prefix>-<name>`, job `<name>`, and runs the image its task names. */
async function buildAndStart(name: string, fixture: Fixture): Promise<string> {
  const dir = await gitRepo(name, fixture.files);
  const app = `${prefix}-${name}`;
  repositories.push(`flexjob/${app}/${name}`);
  const config = parseConfig({
    app,
    region: REGION,
    jobs: {
      [name]: {
        ...fixture.job,
        source: { rootDir: ".", buildArgs: { BASE_IMAGE: fixture.base() } },
        schedule: "rate(1 hour)",
      },
    },
  });
  try {
    await deploy(
      config,
      { resolveImage: buildImageResolver({ configDir: dir, docker: recordingDocker(name) }) },
      deps,
    );
  } catch (error) {
    throw new Error(`${name} did not build:\n${(buildOutput.get(name) ?? []).slice(-60).join("\n")}`, {
      cause: error,
    });
  }
  const { taskDefinition } = await deps.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: `${app}-${name}` }),
  );
  const container = taskDefinition?.containerDefinitions?.[0];
  const image = container?.image ?? "";
  // Pulled from the registry, as the task would: the local copy goes first.
  await docker(["image", "rm", image]);
  return docker([
    "run",
    "--rm",
    "--pull=always",
    "--network=host",
    ...(container?.environment ?? []).flatMap(({ name: key, value }) => ["--env", `${key}=${value}`]),
    // A job's command is the container's command in ECS: it replaces the image's CMD.
    image,
    ...(container?.command ?? []),
  ]);
}

describe("the corpus, built and started for real (npm run test:docker)", () => {
  beforeAll(async () => {
    const missing = [
      "FLEXJOB_TEST_REGISTRY",
      "FLEXJOB_TEST_NODE_BASE",
      "FLEXJOB_TEST_DEBIAN_BASE",
      "FLEXJOB_DOCKER",
    ].filter((name) => process.env[name] === undefined);
    if (missing.length > 0) throw new Error(`${missing.join(", ")} unset: ${SETUP}`);
    work = await mkdtemp(join(tmpdir(), "flexjob-corpus-"));
    dockerConfig = join(work, "docker-config");
    await mkdir(dockerConfig);
    aws = await startFakeAws({
      region: REGION,
      clock: { start: "2026-12-01T10:00:00Z" },
      imageStore: createRegistryImageStore({ registry: env.registry }),
    });
    deps = {
      clients: await loadedClients({ region: REGION, endpoint: aws.url, maxAttempts: 3 }),
      logger: { info: () => {}, warn: () => {} },
      sleep: async (ms) => {
        aws.clock.advance(ms);
      },
      now: () => aws.clock.now(),
    };
  });

  afterAll(async () => {
    if (aws === undefined) return;
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

  const fixtures = FIXTURES(prefix);

  it("a native module with its own binding.gyp compiles in the build stage (python3, make, g++ there only) and loads at run time", async () => {
    const fixture = fixtures.native as Fixture;
    expect(await buildAndStart("native", fixture)).toBe(fixture.prints);
    const [dockerfile] = buildOutput.get("native")?.filter((text) => text.startsWith("# Generated")) ?? [];
    const [deps, , runtime] = (dockerfile ?? "").split(/\n(?=FROM )/).slice(1);
    expect(deps).toContain("apt-get install --yes --no-install-recommends g++ make python3");
    expect(runtime).not.toContain("apt-get");
  });

  it("a file: dependency with its own binding.gyp is copied into the install stage and compiled there", async () => {
    const fixture = fixtures.locnative as Fixture;
    expect(await buildAndStart("locnative", fixture)).toBe(fixture.prints);
  });

  it("a TypeScript project compiled by a script named transpile ships its dist/ and starts from it", async () => {
    const fixture = fixtures.transpile as Fixture;
    expect(await buildAndStart("transpile", fixture)).toBe(fixture.prints);
  });

  it("a pnpm project whose package.json has no packageManager installs with the pnpm its lockfile names", async () => {
    const fixture = fixtures.pnpm as Fixture;
    const files = { ...fixture.files, "pnpm-lock.yaml": await pnpmLockfile() };
    expect(await buildAndStart("pnpm", { ...fixture, files })).toBe(fixture.prints);
    const [dockerfile] = buildOutput.get("pnpm")?.filter((text) => text.startsWith("# Generated")) ?? [];
    expect(dockerfile).toMatch(/npm install --global pnpm@\d+\.\d+\.\d+\n/);
    expect(dockerfile).not.toContain("corepack");
  });

  it("a Procfile with web and cron lines starts the cron process", async () => {
    const fixture = fixtures.procfile as Fixture;
    expect(await buildAndStart("procfile", fixture)).toBe(fixture.prints);
  });

  it("a shell-only repository builds from the job's command on Debian with the tools its script names", async () => {
    const fixture = fixtures.shell as Fixture;
    expect(await buildAndStart("shell", fixture)).toBe(fixture.prints);
  });
});
