#!/usr/bin/env node
// What the people who install @flexjob/sdk, @flexjob/discovery and @flexjob/cli get, checked on the
// packed tarballs as npm would publish them: LICENSE, README and repository in each, no `workspace:`
// range left, types that TypeScript resolves under ESM and CommonJS alike (arethetypeswrong), and
// both `import` and `require` of the SDK, its discovery entry and @flexjob/discovery working in Node.
// Run by `npm run check` after the packages are built.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const work = mkdtempSync(join(tmpdir(), "flexjob-packages-"));
const problems = [];

function pack(name) {
  const out = join(work, name);
  mkdirSync(out);
  execFileSync("pnpm", ["pack", "--pack-destination", out], {
    cwd: join(root, "packages", name),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [tarball] = readdirSync(out).filter((file) => file.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for packages/${name}`);
  return join(out, tarball);
}

function checkTarball(name, tarball) {
  const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
  for (const required of ["package/LICENSE", "package/README.md", "package/package.json"]) {
    if (!files.includes(required)) problems.push(`${name}: the tarball has no ${required.slice(8)}`);
  }
  const manifest = execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" });
  if (manifest.includes("workspace:")) problems.push(`${name}: a workspace: range is left in package.json`);
  if (!JSON.parse(manifest).repository) problems.push(`${name}: package.json has no repository`);
}

/**
 * Both module systems load the SDK, its discovery entry and @flexjob/discovery, as a consumer's
 * project resolves them; the SDK's entries hand out @flexjob/discovery's own functions and error
 * class, not copies.
 */
function checkRuntime() {
  const consumer = join(work, "consumer");
  mkdirSync(join(consumer, "node_modules", "@flexjob"), { recursive: true });
  for (const name of ["sdk", "discovery"]) {
    symlinkSync(join(root, "packages", name), join(consumer, "node_modules", "@flexjob", name), "dir");
  }
  // One FlexjobError class for all three: a DiscoveryError must be `instanceof` the root's class.
  const same =
    "typeof l.discover === 'function' && d.discover === l.discover && s.FlexjobError === l.FlexjobError";
  const scripts = {
    "require()": `const s = require("@flexjob/sdk"); const d = require("@flexjob/sdk/discovery");
      const l = require("@flexjob/discovery");
      if (typeof s.parseConfig !== "function" || !(${same})) process.exit(3);`,
    "import()": `const s = await import("@flexjob/sdk"); const d = await import("@flexjob/sdk/discovery");
      const l = await import("@flexjob/discovery");
      if (typeof s.parseConfig !== "function" || !(${same})) process.exit(3);`,
  };
  for (const [how, code] of Object.entries(scripts)) {
    const type = how === "require()" ? "commonjs" : "module";
    const result = spawnSync(process.execPath, [`--input-type=${type}`, "-e", code], {
      cwd: consumer,
      encoding: "utf8",
    });
    if (result.status !== 0) problems.push(`@flexjob/sdk: ${how} fails:\n${result.stderr.slice(0, 2000)}`);
  }
}

/**
 * The CLI is one bundle with no runtime dependencies: unpacked alone, outside the workspace, its
 * bin must run a command that loads the config and schedule code.
 */
function checkStandaloneCli(tarball) {
  const alone = join(work, "cli-alone");
  mkdirSync(alone);
  execFileSync("tar", ["-xzf", tarball, "-C", alone]);
  const manifest = JSON.parse(readFileSync(join(alone, "package", "package.json"), "utf8"));
  if (manifest.dependencies !== undefined)
    problems.push("@flexjob/cli: the bundled CLI declares runtime dependencies");
  const result = spawnSync(
    process.execPath,
    [join(alone, "package", "dist", "bin.js"), "next", "0 9 * * 1-5", "--count", "1"],
    {
      cwd: alone,
      encoding: "utf8",
    },
  );
  if (result.status !== 0)
    problems.push(`@flexjob/cli: its bin does not run on its own:\n${result.stderr.slice(0, 2000)}`);
}

try {
  const sdk = pack("sdk");
  const discovery = pack("discovery");
  checkTarball("@flexjob/sdk", sdk);
  checkTarball("@flexjob/discovery", discovery);
  const cli = pack("cli");
  checkTarball("@flexjob/cli", cli);
  checkStandaloneCli(cli);
  for (const [name, tarball] of [
    ["@flexjob/sdk", sdk],
    ["@flexjob/discovery", discovery],
  ]) {
    const attw = spawnSync("attw", [tarball, "--profile", "node16", "--format", "table-flipped"], {
      encoding: "utf8",
    });
    if (attw.status !== 0) problems.push(`${name}: arethetypeswrong:\n${attw.stdout}${attw.stderr}`);
  }
  checkRuntime();
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length > 0) {
  process.stderr.write(`flexjob packages: ${problems.length} problem(s)\n${problems.join("\n")}\n`);
  process.exit(1);
}
process.stderr.write(
  "flexjob packages: sdk, discovery and cli tarballs are complete; ESM and CommonJS resolve; the CLI runs alone\n",
);
