#!/usr/bin/env node
// Brings the project's own toolchain (Node 24 and the pinned pnpm) so that `npm start` and
// `npm test` work on a machine with only an older Node and npm. Written for Node >= 18 with no
// dependencies, because it runs before anything is installed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { digestOf, distIsFresh } from "./fingerprint.mjs";
import { countResults } from "./test-results.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const toolsDir = join(root, ".toolchain");
const NODE_VERSION = "24.21.0";
const MIN_NODE = [22, 12];
const pnpmVersion = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];

function fail(message) {
  process.stderr.write(`flexjob toolchain: ${message}\n`);
  process.exit(1);
}

/**
 * Runs a command to its end. `quiet` sends its stdout to stderr: set-up and build output never mixes
 * with what the user asked for, so `npm start -s -- validate --json | jq` reads only flexjob's JSON.
 */
function run(command, args, env = process.env, { cwd = root, quiet = false } = {}) {
  const stdio = quiet ? ["inherit", 2, 2] : "inherit";
  const result = spawnSync(command, args, { cwd, stdio, env });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function mustRun(command, args, env) {
  const status = run(command, args, env, { quiet: true });
  if (status !== 0) process.exit(status);
}

function nodeIsRecentEnough(version) {
  const [major, minor] = version.split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** Installs `spec` with the machine's npm into its own folder under .toolchain/, once. */
function ensurePackage(name, version) {
  const prefix = join(toolsDir, name);
  const stamp = join(prefix, "installed-version");
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== version) {
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, "package.json"), '{ "private": true }\n');
    process.stderr.write(`flexjob toolchain: installing ${name}@${version} into .toolchain/\n`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    mustRun(npm, [
      "install",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `${name}@${version}`,
    ]);
    writeFileSync(stamp, version);
  }
  return join(prefix, "node_modules", name);
}

/** Node 24 when the machine's Node is too old, and the pinned pnpm, both run from .toolchain/. */
function ensureTools() {
  const node = nodeIsRecentEnough(process.versions.node)
    ? process.execPath
    : join(ensurePackage(`node-${process.platform}-${process.arch}`, NODE_VERSION), "bin", "node");
  if (!existsSync(node)) fail(`expected a Node binary at ${node}; delete .toolchain/ and try again`);
  const pnpmHome = ensurePackage("pnpm", pnpmVersion);
  const pnpmBin = join(toolsDir, "pnpm", "node_modules", ".bin");
  const path = [dirname(node), pnpmBin, join(root, "node_modules", ".bin"), process.env.PATH].join(":");
  const env = { ...process.env, PATH: path };
  const pnpmEntry = join(pnpmHome, "bin", "pnpm.mjs");
  return { node, pnpm: (args) => mustRun(node, [pnpmEntry, ...args], env), env };
}

/** What `pnpm run build` builds from: when none of it changed, the last build is still good. */
const BUILD_SOURCES = [
  "package.json",
  "pnpm-lock.yaml",
  "tsconfig.json",
  "scripts/bundling.mjs",
  ...["discovery", "sdk", "cli"].flatMap((name) => [
    `packages/${name}/src`,
    `packages/${name}/package.json`,
    `packages/${name}/tsconfig.json`,
    `packages/${name}/tsup.config.ts`,
    `packages/${name}/schema`,
  ]),
];

/** Builds the packages, unless their sources are exactly those of the last build. */
function buildPackages(tools) {
  const marker = join(root, "node_modules", ".flexjob-build-digest");
  const digest = digestOf(BUILD_SOURCES);
  const built = ["discovery/dist/index.js", "sdk/dist/index.js", "cli/dist/bin.js"].every((file) =>
    existsSync(join(root, "packages", file)),
  );
  if (built && existsSync(marker) && readFileSync(marker, "utf8") === digest) return;
  tools.pnpm(["run", "build"]);
  writeFileSync(marker, digest);
}

/** Installs the workspace's dependencies when the lockfile changed since the last install. */
function ensureDependencies(tools) {
  const lock = readFileSync(join(root, "pnpm-lock.yaml"));
  const digest = createHash("sha256").update(lock).digest("hex");
  const marker = join(root, "node_modules", ".flexjob-lock-digest");
  if (existsSync(marker) && readFileSync(marker, "utf8") === digest) return;
  tools.pnpm(["install", "--frozen-lockfile", "--reporter=append-only"]);
  writeFileSync(marker, digest);
}

const steps = {
  /**
   * The README's first command: flexjob's main job on its offline default — check the example
   * config, then plan its deploy with no AWS account. Arguments, if given, run that CLI command.
   */
  start(tools, args) {
    buildPackages(tools);
    const cli = join(root, "packages", "cli", "dist", "bin.js");
    const example = ["--config", join(root, "examples", "hello", "flexjob.yml")];
    // npm runs scripts in the package root; INIT_CWD is where the user typed the command, so
    // `npm start -- init` in examples/go writes examples/go/flexjob.yml.
    const cwd = args.length > 0 ? (process.env.INIT_CWD ?? process.cwd()) : root;
    const commands =
      args.length > 0
        ? [args]
        : [
            ["validate", ...example],
            ["plan", "--offline", ...example],
          ];
    for (const [index, command] of commands.entries()) {
      if (index > 0) process.stdout.write("\n");
      const status = run(tools.node, [cli, ...command], tools.env, { cwd });
      if (status !== 0) process.exit(status);
    }
  },
  /** The README's second command: build, then every test. */
  test(tools, args) {
    buildPackages(tools);
    // The Action's end-to-end tests run dist/; a stale one is rebuilt here, never inside a test.
    if (!distIsFresh()) tools.pnpm(["run", "build:action"]);
    const results = join(root, "node_modules", ".vitest-results.json");
    const status = run(
      tools.node,
      [
        join(root, "node_modules", "vitest", "vitest.mjs"),
        "run",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${results}`,
        ...args,
      ],
      tools.env,
    );
    if (existsSync(results)) {
      const { passed, failed, skipped } = countResults(JSON.parse(readFileSync(results, "utf8")), status);
      // The plain closing line any CI can read, whatever the test runner.
      process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    }
    process.exit(status);
  },
  /** What CI adds to the tests: types, lint and format, and a committed Action bundle that is fresh. */
  check(tools) {
    tools.pnpm(["run", "typecheck"]);
    // The SDK's layers import one way: a file or folder import cycle fails here, listing its members.
    // No SDK function over 80 lines: a long one is where the next field or kind would land. The
    // discovery helper left the SDK for its own package and keeps both rules.
    for (const name of ["sdk", "discovery"]) {
      const src = join(root, "packages", name, "src");
      mustRun(tools.node, [join(root, "scripts", "import-cycles.mjs"), src], tools.env);
      mustRun(tools.node, [join(root, "scripts", "long-functions.mjs"), src], tools.env);
    }
    tools.pnpm(["run", "lint"]);
    tools.pnpm(["run", "build:action"]);
    buildPackages(tools);
    // The SDK's public surface is chosen: api-extractor fails when the built types differ from the
    // committed api/*.api.md, so a changed export is reviewed there (`pnpm --filter @flexjob/sdk run api`).
    tools.pnpm(["--filter", "@flexjob/sdk", "run", "api:check"]);
    mustRun(tools.node, [join(root, "scripts", "check-packages.mjs")], tools.env);
    // `git status`, not `git diff`: a new chunk file ncc starts emitting is untracked, not modified.
    const stale = spawnSync("git", ["status", "--porcelain", "--", "dist/"], { cwd: root, encoding: "utf8" });
    if (stale.status !== 0 || stale.stdout.trim() !== "") {
      fail(`dist/ is not what the sources build; run "npm run check" and commit dist/:\n${stale.stdout}`);
    }
  },
};

const [step, ...args] = process.argv.slice(2);
const action = steps[step];
if (!action) fail(`unknown step "${step}"; use one of: ${Object.keys(steps).join(", ")}`);
const tools = ensureTools();
ensureDependencies(tools);
action(tools, args);
