import { describe, expect, it } from "vitest";
import { NODE_CORPUS, type NodeCorpusName } from "../../test/corpus-node.js";
import { type ParsedInstruction, parseDockerfile } from "../../test/dockerfile-parser.js";
import { FlexjobError } from "../errors.js";
import { detectBuildPlan } from "./detect.js";
import { generateDockerfile } from "./generate-dockerfile.js";
import type { BuildPlan } from "./plan.js";
import { memoryRepoFiles } from "./repo-files.js";

const detect = (name: NodeCorpusName) =>
  detectBuildPlan(name, {}, { files: memoryRepoFiles(NODE_CORPUS[name]), job: "nightly" });

const detectTree = (tree: Record<string, string>) =>
  detectBuildPlan("jobs/report", {}, { files: memoryRepoFiles(tree), job: "report" });

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof FlexjobError)) throw new Error(`expected a FlexjobError, got ${String(error)}`);
  return { code: error.code, fault: error.fault, message: error.message, remedy: error.remedy };
}

/** The generated Dockerfile's instructions, by stage name, as `KEYWORD args` lines. */
function stages(plan: BuildPlan): Record<string, string[]> {
  const byStage: Record<string, string[]> = {};
  let current: string[] = [];
  const line = (instruction: ParsedInstruction) =>
    // Continuation lines keep their indentation: one space between words is what BuildKit runs.
    [instruction.keyword, ...instruction.flags, instruction.args].join(" ").replace(/\s+/g, " ");
  for (const instruction of parseDockerfile(generateDockerfile(plan)).instructions) {
    if (instruction.keyword === "FROM") {
      current = [];
      byStage[/ AS (\S+)$/i.exec(instruction.args)?.[1] ?? "?"] = current;
    }
    current.push(line(instruction));
  }
  return byStage;
}

const json = (value: unknown) => JSON.stringify(value);
const FROM_DEPS = `FROM \${BUILD_IMAGE} AS deps`;
const NODE_24 = { build: "node:24-trixie-slim", runtime: "node:24-trixie-slim" };
const DEFAULT_VERSION = { value: "24", source: "default (no version file)" };
const NPM_LOCKED: Omit<BuildPlan, "startCommand" | "startSource"> = {
  provider: "node",
  language: "Node.js",
  version: DEFAULT_VERSION,
  packageManager: { name: "npm", source: "package-lock.json" },
  installCommand: "npm ci --omit=dev",
  systemPackages: [],
  buildPackages: [],
  baseImages: NODE_24,
  notes: [],
  dependencyFiles: ["package.json", "package-lock.json"],
};
const GYP_TOOLS = ["g++", "make", "python3"];
const APT_GYP =
  "RUN apt-get update && apt-get install --yes --no-install-recommends g++ make python3 && rm -rf /var/lib/apt/lists/*";
const PNPM9_NOTE = `pnpm-lock.yaml lockfileVersion "9.0" is written by pnpm 9 and 10: installing pnpm 9, which runs dependencies' install scripts; set package.json packageManager for pnpm 10`;

describe("Node corpus: the package manager comes from the repository, at an exact version", () => {
  it("pnpm lockfileVersion 5.4 without packageManager installs pnpm 7.33.7, never corepack's latest", async () => {
    const plan = await detect("pnpmLock54");
    expect(plan).toEqual({
      provider: "node",
      language: "Node.js",
      version: DEFAULT_VERSION,
      packageManager: { name: "pnpm", version: "7.33.7", source: 'pnpm-lock.yaml lockfileVersion "5.4"' },
      installCommand: "pnpm install --frozen-lockfile --prod",
      startCommand: ["node", "job.js"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: NODE_24,
      notes: [],
      dependencyFiles: ["package.json", "pnpm-lock.yaml"],
    } satisfies BuildPlan);
    const dockerfile = stages(plan);
    expect(dockerfile.deps).toEqual([
      FROM_DEPS,
      "ENV PNPM_HOME=/pnpm",
      'ENV PATH="$PNPM_HOME:$PATH"',
      "RUN --mount=type=cache,target=/root/.npm npm install --global pnpm@7.33.7",
      "WORKDIR /app",
      "COPY package.json pnpm-lock.yaml ./",
      "RUN --mount=type=cache,target=/pnpm/store pnpm install --frozen-lockfile --prod",
    ]);
    expect(generateDockerfile(plan)).not.toContain("corepack");
  });

  it("pnpm lockfileVersion 6.0 installs pnpm 8.15.9; main that exists is the start", async () => {
    expect(await detect("pnpmLock60")).toEqual({
      provider: "node",
      language: "Node.js",
      version: DEFAULT_VERSION,
      packageManager: { name: "pnpm", version: "8.15.9", source: 'pnpm-lock.yaml lockfileVersion "6.0"' },
      installCommand: "pnpm install --frozen-lockfile --prod",
      startCommand: ["node", "index.js"],
      startSource: "package.json main",
      systemPackages: [],
      buildPackages: [],
      baseImages: NODE_24,
      notes: [],
      dependencyFiles: ["package.json", "pnpm-lock.yaml"],
    } satisfies BuildPlan);
  });

  it("a pnpm 9.0 workspace installs pnpm 9.15.9 with the member manifests, and says why not 10", async () => {
    expect(await detect("pnpmWorkspace")).toEqual({
      provider: "node",
      language: "Node.js",
      version: DEFAULT_VERSION,
      packageManager: { name: "pnpm", version: "9.15.9", source: 'pnpm-lock.yaml lockfileVersion "9.0"' },
      installCommand: "pnpm install --frozen-lockfile --prod",
      startCommand: ["node", "jobs/sync/sync.js"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: NODE_24,
      notes: [PNPM9_NOTE],
      dependencyFiles: ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "jobs/sync/package.json"],
    } satisfies BuildPlan);
  });

  it("yarn berry with Plug'n'Play: Yarn 3.8.7 from __metadata.version 6, started through yarn, installed in the runtime too", async () => {
    const plan = await detect("yarnBerryPnp");
    expect(plan).toEqual({
      provider: "node",
      language: "Node.js",
      version: DEFAULT_VERSION,
      packageManager: { name: "yarn", version: "3.8.7", source: 'yarn.lock __metadata.version "6"' },
      installCommand: "yarn install --immutable",
      startCommand: ["yarn", "start"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: NODE_24,
      notes: [
        "Yarn 3.8.7 cannot drop devDependencies without the workspace-tools plugin: they stay in the image",
      ],
      dependencyFiles: ["package.json", "yarn.lock", ".yarnrc.yml"],
    } satisfies BuildPlan);
    const install =
      "RUN --mount=type=cache,target=/root/.npm npm install --global --force @yarnpkg/cli-dist@3.8.7";
    const dockerfile = stages(plan);
    expect(dockerfile.deps).toContain(install);
    expect(dockerfile.runtime).toContain(install);
  });

  it("yarn 1 lockfile installs yarn 1.22.22", async () => {
    const plan = await detect("yarn1");
    expect(plan).toEqual({
      provider: "node",
      language: "Node.js",
      version: DEFAULT_VERSION,
      packageManager: { name: "yarn", version: "1.22.22", source: "yarn.lock in the Yarn 1 format" },
      installCommand: "yarn install --frozen-lockfile --production",
      startCommand: ["node", "cleanup.js"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: NODE_24,
      notes: [],
      dependencyFiles: ["package.json", "yarn.lock"],
    } satisfies BuildPlan);
    expect(stages(plan).deps).toContain(
      "RUN --mount=type=cache,target=/root/.npm npm install --global --force yarn@1.22.22",
    );
    expect(stages(plan).runtime?.join("\n")).not.toContain("npm install --global");
  });

  it("npm lockfileVersion 1: the image's own npm, with a note; npm is never installed over it", async () => {
    const plan = await detect("npmLock1");
    expect(plan).toEqual({
      ...NPM_LOCKED,
      startCommand: ["node", "mailer.js"],
      startSource: "package.json scripts.start",
      notes: [
        "package-lock.json lockfileVersion 1 is npm 6's: the image's npm reads it (fetching each package's metadata once); run npm install with npm 7 or later and commit the result to skip that",
      ],
    } satisfies BuildPlan);
    expect(generateDockerfile(plan)).not.toContain("npm install --global");
  });

  it("bun.lockb and bun.lock: Bun is the image, pinned by its tag", async () => {
    const bun = (lockfile: string, start: string[]) => ({
      provider: "node",
      language: "Bun",
      version: { value: "1", source: "default (no version file)" },
      packageManager: { name: "bun", source: lockfile },
      installCommand: "bun install --frozen-lockfile --production",
      startCommand: start,
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "oven/bun:1-slim", runtime: "oven/bun:1-slim" },
      notes: [],
      dependencyFiles: ["package.json", lockfile],
    });
    expect(await detect("bunLockb")).toEqual(bun("bun.lockb", ["bun", "poll.ts"]));
    expect(await detect("bunLock")).toEqual(bun("bun.lock", ["bun", "tick.ts"]));
  });

  it("a pnpm lockfile version no known pnpm writes is refused before the build", async () => {
    expect(await failure(detect("pnpmUnknownLock"))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        'pnpm-lock.yaml in pnpmUnknownLock has lockfileVersion "5.1", which flexjob cannot map to a pnpm version',
      remedy: 'add "packageManager": "pnpm@9.15.9" (the version you use) to package.json and commit it',
    });
  });

  it("yarn __metadata.version 8 is Yarn 4; packageManager's bare major is pinned with a note", async () => {
    const berry = await detectTree({
      "package.json": json({ scripts: { start: "node job.js" } }),
      "yarn.lock": "__metadata:\n  version: 8\n  cacheKey: 10c0\n",
    });
    expect(berry.packageManager).toEqual({
      name: "yarn",
      version: "4.18.1",
      source: 'yarn.lock __metadata.version "8"',
    });
    const major = await detectTree({
      "package.json": json({ packageManager: "pnpm@8", scripts: { start: "node job.js" } }),
      "pnpm-lock.yaml": "lockfileVersion: '6.0'\n",
    });
    expect(major.packageManager).toEqual({
      name: "pnpm",
      version: "8.15.9",
      source: "package.json packageManager",
    });
    expect(major.notes).toEqual(["package.json packageManager names pnpm 8: installing 8.15.9"]);
  });

  it("an npm lockfileVersion npm cannot read is refused", async () => {
    expect(
      await failure(
        detectTree({
          "package.json": json({ main: "job.js" }),
          "job.js": "",
          "package-lock.json": '{"lockfileVersion": 4}',
        }),
      ),
    ).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        "package-lock.json in jobs/report has lockfileVersion 4, which flexjob cannot map to an npm version",
      remedy:
        'add "packageManager": "npm@<the version you use>" to package.json, or regenerate the lockfile with npm install',
    });
  });
});

describe("Node corpus: node-gyp users get compilers in the install stage only", () => {
  it("sqlite3 in dependencies: python3, make and g++ in deps, none in the runtime stage", async () => {
    const plan = await detect("sqlite3");
    expect(plan).toEqual({
      ...NPM_LOCKED,
      startCommand: ["node", "archive.js"],
      startSource: "package.json scripts.start",
      buildPackages: GYP_TOOLS,
      notes: [
        "node-gyp may compile native code (sqlite3 in package.json dependencies): the install stage gets g++, make, python3; the runtime stage stays without them",
      ],
    } satisfies BuildPlan);
    const dockerfile = stages(plan);
    expect(dockerfile.deps?.slice(0, 2)).toEqual([FROM_DEPS, APT_GYP]);
    expect(dockerfile.runtime?.join("\n")).not.toContain("apt-get");
  });

  it("binding.gyp, gypfile and an install hook running node-gyp", async () => {
    const plan = await detect("bindingGyp");
    expect(plan).toEqual({
      ...NPM_LOCKED,
      startCommand: ["node", "index.js"],
      startSource: "package.json main",
      buildPackages: GYP_TOOLS,
      notes: [
        "node-gyp may compile native code (binding.gyp, package.json gypfile, package.json scripts.install runs node-gyp): the install stage gets g++, make, python3; the runtime stage stays without them",
        "package.json scripts.install runs while dependencies install, before the source is copied: it sees only package.json, package-lock.json",
      ],
    } satisfies BuildPlan);
    expect(stages(plan).deps).toContain(APT_GYP);
  });

  it("a workspace member's native dependency counts, in an npm monorepo", async () => {
    expect(await detect("npmWorkspaces")).toEqual({
      ...NPM_LOCKED,
      startCommand: ["node", "jobs/report/report.js"],
      startSource: "package.json scripts.start",
      buildPackages: GYP_TOOLS,
      notes: [
        "node-gyp may compile native code (better-sqlite3 in jobs/report/package.json dependencies): the install stage gets g++, make, python3; the runtime stage stays without them",
      ],
      dependencyFiles: ["package.json", "package-lock.json", "jobs/report/package.json"],
    } satisfies BuildPlan);
  });

  it("a transitive native module marked hasInstallScript in package-lock.json counts; sharp does not", async () => {
    const plan = await detectTree({
      "package.json": json({
        scripts: { start: "node job.js" },
        dependencies: { auth: "1.0.0", sharp: "0.34.4" },
      }),
      "package-lock.json": json({
        lockfileVersion: 3,
        packages: {
          "": {},
          "node_modules/auth/node_modules/bcrypt": { version: "5.1.1", hasInstallScript: true },
          "node_modules/sharp": { version: "0.34.4", hasInstallScript: true },
        },
      }),
    });
    expect(plan.buildPackages).toEqual(GYP_TOOLS);
    expect(plan.notes).toEqual([
      "node-gyp may compile native code (bcrypt in package-lock.json with hasInstallScript): the install stage gets g++, make, python3; the runtime stage stays without them",
    ]);
  });
});

describe("Node corpus: start commands that exist", () => {
  it("npm init's main: index.js with no index.js is not a start; the bin script is", async () => {
    expect(await detect("mainMissing")).toEqual({
      ...NPM_LOCKED,
      startCommand: ["node", "bin/notify.js"],
      startSource: "package.json bin",
      notes: [
        'package.json main "index.js" does not exist and no build step writes it: not used as the start',
      ],
    } satisfies BuildPlan);
  });

  it("TypeScript compiled by a transpile script: it runs as the build, and main in outDir is the start", async () => {
    const plan = await detect("tsTranspile");
    expect(plan).toEqual({
      ...NPM_LOCKED,
      installCommand: "npm ci",
      buildCommand: "npm run transpile",
      pruneCommand: "npm prune --omit=dev",
      startCommand: ["node", "dist/index.js"],
      startSource: "package.json main",
      notes: ["package.json scripts.transpile runs tsc: it is the build step"],
    } satisfies BuildPlan);
    expect(stages(plan).build).toEqual([
      "FROM deps AS build",
      "COPY . .",
      "RUN --mount=type=cache,target=/root/.npm npm run transpile",
      "RUN --mount=type=cache,target=/root/.npm npm prune --omit=dev",
    ]);
  });

  it("a bundler's output flag counts as a build output for main", async () => {
    const plan = await detectTree({
      "package.json": json({
        main: "out/job.js",
        scripts: { bundle: "esbuild src/job.ts --bundle --outdir=out" },
      }),
      "src/job.ts": "",
    });
    expect([plan.buildCommand, plan.startCommand]).toEqual(["npm run bundle", ["node", "out/job.js"]]);
  });

  it("a repository with no start at all is refused before building, listing every way to give one", async () => {
    expect(await failure(detect("noStart"))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        'no start command for the job in noStart: package.json has no "start" script and no "main" or "bin" file that exists or that the build writes, and there is no index.js, server.js, Procfile or start.sh',
      remedy:
        'add a "start" script to package.json (e.g. "node dist/job.js"), set jobs.nightly.command in flexjob.yml, add a Procfile line (e.g. "worker: node dist/job.js"), add a start.sh, or set build arg START_CMD',
    });
  });
});

describe("local file: dependencies", () => {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  it("copies a file: package into the install stage and compiles its binding.gyp there", async () => {
    const plan = await detectTree({
      "package.json": json({ name: "report", main: "index.js", dependencies: { adder: "file:./adder" } }),
      "package-lock.json": json({ name: "report", lockfileVersion: 3 }),
      "index.js": "require('adder');\n",
      "adder/package.json": json({ name: "adder", main: "index.js" }),
      "adder/binding.gyp": json({ targets: [{ target_name: "adder", sources: ["adder.cc"] }] }),
      "adder/adder.cc": "",
    });
    expect(plan).toEqual({
      ...NPM_LOCKED,
      startCommand: ["node", "index.js"],
      startSource: "package.json main",
      buildPackages: GYP_TOOLS,
      notes: [
        "node-gyp may compile native code (adder/binding.gyp): the install stage gets g++, make, python3; the runtime stage stays without them",
      ],
      dependencyFiles: ["package.json", "package-lock.json", "adder/"],
    } satisfies BuildPlan);
    expect(stages(plan).deps).toContain("COPY adder/ adder/");
  });

  it("refuses a file: package outside the job's folder, which the build cannot see", async () => {
    const tree = {
      "package.json": json({ name: "report", main: "index.js", dependencies: { shared: "file:../shared" } }),
      "index.js": "",
    };
    expect(await failure(detectTree(tree))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message: `package.json dependencies.shared is "file:../shared", outside the job's folder, so the build cannot see it`,
      remedy:
        "set source.rootDir to a folder that holds both the job and that package, or publish the package",
    });
  });
});
