import { posix } from "node:path";
import { showValue } from "../../errors.js";
import { type DetectContext, inputError, isObject, type JsonObject } from "../context.js";

/**
 * Dependencies that compile C/C++ with node-gyp when no prebuilt binary matches (a new Node.js
 * line, or a download from GitHub that the build cannot reach). Left out on purpose: sharp
 * (0.33 and later ship Linux binaries as npm packages), bufferutil and utf-8-validate (prebuilt
 * binaries inside the package, and optional for ws), ssh2 and cpu-features (ssh2's native part
 * is optional and falls back to JavaScript).
 */
export const NODE_GYP_PACKAGES: readonly string[] = [
  "sqlite3",
  "better-sqlite3",
  "bcrypt",
  "node-opus",
  "@discordjs/opus",
  "canvas",
  "argon2",
  "node-sass",
  "re2",
  "zeromq",
  "keytar",
];

/** What node-gyp needs on Debian: Python for gyp, make, and a C++ compiler. */
export const NODE_GYP_TOOLS: readonly string[] = ["g++", "make", "python3"];

export const DEPENDENCY_FIELDS = ["dependencies", "optionalDependencies", "devDependencies"] as const;
const INSTALL_HOOKS = ["preinstall", "install", "postinstall"] as const;

/** Why one package.json needs node-gyp, e.g. `sqlite3 in package.json dependencies`. */
function manifestReasons(file: string, pkg: JsonObject): string[] {
  const reasons: string[] = [];
  if (pkg.gypfile === true) reasons.push(`${file} gypfile`);
  const scripts = isObject(pkg.scripts) ? pkg.scripts : {};
  for (const hook of INSTALL_HOOKS) {
    const line = scripts[hook];
    if (typeof line === "string" && /(^|[\s;&|(])node-gyp(\s|$)/.test(line)) {
      reasons.push(`${file} scripts.${hook} runs node-gyp`);
    }
  }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = pkg[field];
    if (!isObject(deps)) continue;
    for (const name of NODE_GYP_PACKAGES) if (name in deps) reasons.push(`${name} in ${file} ${field}`);
  }
  return reasons;
}

/** Native packages package-lock.json marks `hasInstallScript`, transitive ones included. */
async function lockfileReasons(ctx: DetectContext, lockfile: string | undefined): Promise<string[]> {
  if (lockfile !== "package-lock.json" && lockfile !== "npm-shrinkwrap.json") return [];
  let lock: unknown;
  try {
    lock = JSON.parse((await ctx.files.read(lockfile)) ?? "{}");
  } catch {
    return []; // npm ci reports a broken lockfile with its own words.
  }
  const packages = isObject(lock) && isObject(lock.packages) ? lock.packages : {};
  const found = new Set<string>();
  for (const [path, entry] of Object.entries(packages)) {
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (isObject(entry) && entry.hasInstallScript === true && NODE_GYP_PACKAGES.includes(name)) {
      found.add(`${name} in ${lockfile} with hasInstallScript`);
    }
  }
  return [...found];
}

/**
 * Whether the install compiles with node-gyp: a binding.gyp at the root, `gypfile`, an install
 * hook running node-gyp, or a well-known native package in a manifest or the npm lockfile. When
 * it does, the deps stage (and the build stage after it) gets the compilers; the runtime stage
 * does not, since the compiled `.node` files need only the C++ runtime Node.js itself uses.
 */
export async function addNodeGyp(
  ctx: DetectContext,
  manifests: readonly { file: string; pkg: JsonObject }[],
  lockfile: string | undefined,
  buildPackages: string[],
): Promise<void> {
  const reasons: string[] = [];
  for (const { file, pkg } of manifests) {
    // npm runs `node-gyp rebuild` for any package with a binding.gyp and no install script of its own.
    const gyp = file.replace(/package\.json$/, "binding.gyp");
    if (await ctx.files.exists(gyp)) reasons.push(gyp);
    reasons.push(...manifestReasons(file, pkg));
  }
  const direct = new Set(reasons.map((reason) => reason.split(" ")[0]));
  reasons.push(...(await lockfileReasons(ctx, lockfile)).filter((r) => !direct.has(r.split(" ")[0])));
  if (reasons.length === 0) return;
  buildPackages.push(...NODE_GYP_TOOLS.filter((name) => !buildPackages.includes(name)));
  ctx.notes.push(
    `node-gyp may compile native code (${reasons.join(", ")}): the install stage gets ${NODE_GYP_TOOLS.join(", ")}; the runtime stage stays without them`,
  );
}

/**
 * Folders (and tarballs) that `file:`/`link:` dependencies install from: the deps stage copies them
 * whole before installing, since the install reads (and may compile) them. One outside the job's
 * folder is not in the build context: an error naming the dependency and the fix.
 */
export async function localDependencies(
  ctx: DetectContext,
  file: string,
  pkg: JsonObject,
): Promise<string[]> {
  const found: string[] = [];
  const base = posix.dirname(file) === "." ? "" : `${posix.dirname(file)}/`;
  for (const field of DEPENDENCY_FIELDS) {
    const deps = pkg[field];
    if (!isObject(deps)) continue;
    for (const [name, spec] of Object.entries(deps)) {
      const local = typeof spec === "string" ? /^(?:file|link):(.+)$/.exec(spec)?.[1] : undefined;
      if (local === undefined) continue;
      const path = posix.normalize(`${base}${local}`).replace(/\/+$/, "");
      if (posix.isAbsolute(local) || path === ".." || path.startsWith("../")) {
        throw inputError(
          `${file} ${field}.${name} is ${showValue(spec)}, outside the job's folder, so the build cannot see it`,
          "set source.rootDir to a folder that holds both the job and that package, or publish the package",
        );
      }
      if (path === "." || !(await ctx.files.exists(path))) continue; // npm reports a missing one itself.
      found.push(path.endsWith(".tgz") || path.endsWith(".tar.gz") ? path : `${path}/`);
    }
  }
  return found;
}
