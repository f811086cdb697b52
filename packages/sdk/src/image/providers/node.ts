import { showValue } from "../../errors.js";
import { lineVersion, NODE_LTS_LINE, RUNTIMES } from "../base-images.js";
import {
  type DetectContext,
  isObject,
  type JsonObject,
  jobCommandPath,
  type ResolvedVersion,
  readJsonFile,
  readToolVersions,
  readVersionFile,
  resolveVersion,
  type Start,
  stringAt,
  toolVersionsSource,
  type VersionSource,
  versionSource,
} from "../context.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart, commandWords } from "../start.js";
import { parseConstraint, satisfies, toVersion, versionParts } from "../version-constraint.js";
import {
  checkNpmLockfile,
  type Manager,
  type PinnedManager,
  pinDeclared,
  pinPnpm,
  pinYarn,
} from "./node-managers.js";
import { addNodeGyp, localDependencies } from "./node-native.js";

/**
 * Node.js (and Bun) from package.json.
 *
 * - Package manager: package.json `packageManager`, else the lockfile by precedence
 *   bun.lock(b) > pnpm-lock.yaml > yarn.lock > package-lock.json, else npm; pnpm and Yarn are
 *   pinned to an exact release from `packageManager`, yarnPath or the lockfile's version field
 *   (node-managers.ts).
 * - Version: .nvmrc > .node-version > .tool-versions `nodejs` > `engines.node` > default. The
 *   files name the version developers run; engines is a range, checked against it in a note.
 * - Start: a Procfile, then `scripts.start` (run directly when it is a plain command), `main`
 *   or `bin` when the file exists or the build writes it, index.js, server.js, then start.sh.
 *   Build: `scripts.build`, else a script that runs a compiler; devDependencies go after it.
 */

/** Lockfiles by the manager that writes them, in the order that breaks a tie. */
const LOCKFILES: readonly (readonly [Manager, string])[] = [
  ["bun", "bun.lock"],
  ["bun", "bun.lockb"],
  ["pnpm", "pnpm-lock.yaml"],
  ["yarn", "yarn.lock"],
  ["npm", "package-lock.json"],
  ["npm", "npm-shrinkwrap.json"],
];
const LOCKFILE_PRECEDENCE = "bun > pnpm > yarn > npm";

/** nvm's aliases for release lines, as .nvmrc may name them. */
const LTS_CODENAMES: Readonly<Record<string, string>> = {
  argon: "4",
  boron: "6",
  carbon: "8",
  dubnium: "10",
  erbium: "12",
  fermium: "14",
  gallium: "16",
  hydrogen: "18",
  iron: "20",
  jod: "22",
  krypton: "24",
  lithium: "26",
};

export async function isNodeProject(ctx: DetectContext): Promise<boolean> {
  return ctx.files.exists("package.json");
}

interface ManagerChoice {
  name: Manager;
  version: string | undefined;
  source: string;
  lockfile: string | undefined;
}

async function chooseManager(ctx: DetectContext, pkg: JsonObject): Promise<ManagerChoice> {
  const present: (readonly [Manager, string])[] = [];
  for (const entry of LOCKFILES) if (await ctx.files.exists(entry[1])) present.push(entry);
  const field = stringAt(pkg, "packageManager");
  const declared = field === undefined ? undefined : /^(npm|pnpm|yarn|bun)@([^+\s]+)/.exec(field);
  if (field !== undefined && !declared) {
    ctx.notes.push(`package.json packageManager ${showValue(field)} is not npm, pnpm, yarn or bun: ignored`);
  }
  if (declared) {
    const name = declared[1] as Manager;
    const lockfile = present.find(([manager]) => manager === name)?.[1];
    const others = present.filter(([manager]) => manager !== name).map(([, file]) => file);
    if (others.length > 0) {
      ctx.notes.push(
        `${[lockfile, ...others].filter((file) => file !== undefined).join(" and ")} found: using ${name} (package.json packageManager)`,
      );
    }
    return { name, version: declared[2], source: "package.json packageManager", lockfile };
  }
  const first = present[0];
  if (!first) {
    ctx.notes.push(
      "no lockfile: npm resolves dependency versions at build time; commit package-lock.json for reproducible builds",
    );
    return { name: "npm", version: undefined, source: "default (no lockfile)", lockfile: undefined };
  }
  const others = present.filter(([manager]) => manager !== first[0]);
  if (others.length > 0) {
    ctx.notes.push(
      `${present.map(([, file]) => file).join(" and ")} found: using ${first[0]} (precedence ${LOCKFILE_PRECEDENCE}; set package.json packageManager to choose)`,
    );
  }
  return { name: first[0], version: undefined, source: first[1], lockfile: first[1] };
}

/**
 * The exact pnpm or Yarn release the build installs, and the npm lockfile check. `packageManager`
 * pins it when set; else Yarn's committed release (.yarnrc.yml yarnPath), else the lockfile's
 * own version field, mapped in node-managers.ts.
 */
async function pinManager(ctx: DetectContext, choice: ManagerChoice): Promise<string | undefined> {
  if (choice.version !== undefined) return pinDeclared(ctx, choice.name, choice.version);
  if (choice.name === "pnpm") return setSource(choice, await pinPnpm(ctx));
  if (choice.name === "npm" && choice.lockfile !== undefined) await checkNpmLockfile(ctx, choice.lockfile);
  if (choice.name !== "yarn") return undefined;
  const yarnrc = (await ctx.files.read(".yarnrc.yml")) ?? "";
  const yarnPath = /^yarnPath:\s*["']?([^"'\s]+)/m.exec(yarnrc)?.[1];
  const pinned = yarnPath === undefined ? undefined : /yarn-(\d+\.\d+\.\d+[^/]*)\.c?js$/.exec(yarnPath)?.[1];
  if (pinned) {
    choice.source = ".yarnrc.yml yarnPath";
    return pinned;
  }
  return setSource(choice, await pinYarn(ctx));
}

function setSource(choice: ManagerChoice, pinned: PinnedManager): string | undefined {
  choice.source = pinned.source;
  return pinned.version;
}

function isBerry(version: string | undefined): boolean {
  return version !== undefined && !version.startsWith("1.") && version !== "1";
}

function nvmrcSource(text: string | undefined, file: string): VersionSource | undefined {
  if (text === undefined) return undefined;
  const alias = text.toLowerCase();
  const lines = Object.keys(RUNTIMES.node.lines);
  const newest = lines[lines.length - 1] ?? RUNTIMES.node.defaultLine;
  const line =
    alias === "lts/*"
      ? NODE_LTS_LINE
      : alias === "node" || alias === "stable" || alias === "latest" || alias === "current"
        ? newest
        : alias.startsWith("lts/")
          ? LTS_CODENAMES[alias.slice(4)]
          : undefined;
  return line === undefined ? { text, source: file } : { text: line, source: `${file} ${showValue(text)}` };
}

async function nodeVersionSources(
  ctx: DetectContext,
  pkg: JsonObject,
): Promise<(VersionSource | undefined)[]> {
  const tools = await readToolVersions(ctx);
  const toolVersion = tools.get("nodejs") ?? tools.get("node");
  const engines = stringAt(pkg, "engines", "node");
  return [
    nvmrcSource(await readVersionFile(ctx, ".nvmrc"), ".nvmrc"),
    nvmrcSource(await readVersionFile(ctx, ".node-version"), ".node-version"),
    versionSource(toolVersion, ".tool-versions nodejs"),
    versionSource(engines, "package.json engines.node", "npm"),
  ];
}

/** Member folders of an npm/yarn/bun `workspaces` field or pnpm-workspace.yaml (`dir/*` or `dir`). */
async function workspaceManifests(ctx: DetectContext, pkg: JsonObject): Promise<string[]> {
  const field = pkg.workspaces;
  const patterns: string[] = Array.isArray(field)
    ? field.filter((entry): entry is string => typeof entry === "string")
    : isObject(field) && Array.isArray(field.packages)
      ? field.packages.filter((entry): entry is string => typeof entry === "string")
      : [];
  const pnpmWorkspace = await ctx.files.read("pnpm-workspace.yaml");
  for (const match of pnpmWorkspace?.matchAll(/^\s*-\s*["']?([^"'\s#]+)["']?/gm) ?? []) {
    if (match[1]) patterns.push(match[1]);
  }
  const manifests: string[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) continue;
    const base = pattern.replace(/\/\*\*?$/, "");
    const folders = pattern.endsWith("*")
      ? (await ctx.files.list(base))
          .filter((name) => name.endsWith("/"))
          .map((name) => `${base}/${name.slice(0, -1)}`)
      : [base];
    for (const folder of folders) {
      if (await ctx.files.exists(`${folder}/package.json`)) manifests.push(`${folder}/package.json`);
    }
  }
  return [...new Set(manifests)].sort();
}

function runScript(manager: Manager, script: string): string {
  return manager === "npm" || manager === "pnpm" || manager === "bun"
    ? `${manager} run ${script}`
    : `yarn ${script}`;
}

function commands(
  manager: Manager,
  release: string | undefined,
  locked: boolean,
  hasBuild: boolean,
): { install: string; prune: string | undefined; notes: string[] } {
  switch (manager) {
    case "npm": {
      const install = locked ? "npm ci" : "npm install";
      return hasBuild
        ? { install, prune: "npm prune --omit=dev", notes: [] }
        : { install: `${install} --omit=dev`, prune: undefined, notes: [] };
    }
    case "pnpm": {
      const install = locked ? "pnpm install --frozen-lockfile" : "pnpm install";
      return hasBuild
        ? { install, prune: "pnpm prune --prod", notes: [] }
        : { install: `${install} --prod`, prune: undefined, notes: [] };
    }
    case "bun": {
      const install = locked ? "bun install --frozen-lockfile" : "bun install";
      return hasBuild
        ? { install, prune: `rm -rf node_modules && ${install} --production`, notes: [] }
        : { install: `${install} --production`, prune: undefined, notes: [] };
    }
    case "yarn": {
      if (!isBerry(release)) {
        const install = locked ? "yarn install --frozen-lockfile" : "yarn install";
        // Yarn 1 has no prune: installing again for production removes devDependencies.
        return hasBuild
          ? { install, prune: `${install} --production --ignore-scripts --prefer-offline`, notes: [] }
          : { install: `${install} --production`, prune: undefined, notes: [] };
      }
      const install = locked ? "yarn install --immutable" : "yarn install";
      // `workspaces focus` is built into Yarn 4; Yarn 2 and 3 need a plugin for it.
      const focus =
        Number(release?.split(".")[0]) >= 4 ? "yarn workspaces focus --all --production" : undefined;
      if (focus === undefined) {
        return {
          install,
          prune: undefined,
          notes: [
            `Yarn ${release} cannot drop devDependencies without the workspace-tools plugin: they stay in the image`,
          ],
        };
      }
      return hasBuild
        ? { install, prune: focus, notes: [] }
        : { install: focus, prune: undefined, notes: [] };
    }
  }
}

/** A registry credential written out, rather than read from the environment as `${NPM_TOKEN}`. */
const NPMRC_LITERAL_CREDENTIAL = /^\s*(?:[^#;\s=][^=]*)?_(?:authToken|auth|password)\s*=\s*(?!\$\{)\S/m;

/**
 * Whether the root .npmrc goes into the build, where the install reads its settings. One holding
 * a literal token stays out (the .dockerignore leaves every .npmrc out unless this says so), so a
 * token written by CI before the build never lands in an image layer.
 */
async function npmrcForInstall(ctx: DetectContext): Promise<boolean> {
  const text = await ctx.files.read(".npmrc");
  if (text === undefined) return false;
  if (!NPMRC_LITERAL_CREDENTIAL.test(text)) return true;
  ctx.notes.push(
    `.npmrc holds a registry token: it is left out of the build context; reference the token as \${NPM_TOKEN} in .npmrc and pass it with source.buildSecrets`,
  );
  return false;
}

/** Script names npm runs by itself, or that never build what a job runs. */
const NOT_A_BUILD =
  /^(pre|post)?(install|prepare|prepublish|prepublishOnly|prepack|postpack|start|test)$|watch|dev|lint|serve|test|start/i;
/** A compiler or bundler run by a script: what makes it the build step whatever its name. */
const COMPILER =
  /(?:^|[\s;&|(/])(tsc|tsup|esbuild|rollup|webpack|webpack-cli|swc|babel|ncc|vite build)(?=\s|$)/;

interface CompileStep {
  script: string;
  line: string;
}

/** `scripts.build`, else the first other script that runs a compiler (`transpile: tsc`), not in watch mode. */
function compileStep(ctx: DetectContext, scripts: JsonObject): CompileStep | undefined {
  const build = scripts.build;
  if (typeof build === "string") return { script: "build", line: build };
  for (const [name, line] of Object.entries(scripts)) {
    if (typeof line !== "string" || NOT_A_BUILD.test(name) || /\s(--watch|-w)(\s|=|$)/.test(line)) continue;
    const tool = COMPILER.exec(line)?.[1];
    if (tool === undefined) continue;
    ctx.notes.push(`package.json scripts.${name} runs ${tool}: it is the build step`);
    return { script: name, line };
  }
  return undefined;
}

const folderOf = (path: string) => path.replace(/^\.\//, "").replace(/\/+$/, "");

/** Folders or files the build step writes: tsconfig's outDir and the compile script's output flags. */
async function compiledOutputs(ctx: DetectContext, line: string): Promise<string[]> {
  const outputs: string[] = [];
  let tsconfig: JsonObject | undefined;
  try {
    tsconfig = await readJsonFile(ctx, "tsconfig.json", true);
  } catch {
    tsconfig = undefined; // tsc reports its own config's errors; here it only hints at outputs.
  }
  const outDir = stringAt(tsconfig, "compilerOptions", "outDir");
  if (outDir !== undefined) outputs.push(folderOf(outDir));
  for (const match of line.matchAll(
    /(?:--outDir|--outdir|--out-dir|--outfile|--out-file|-o|-d)[=\s]+["']?([^\s"';&|]+)/g,
  )) {
    if (match[1]) outputs.push(folderOf(match[1]));
  }
  return [...new Set(outputs)];
}

/**
 * A `main` or `bin` path as a start: when the file is in the repository (as Node.js resolves it:
 * as written, with .js, or a folder's index.js), or when the build step writes it.
 */
async function startFile(ctx: DetectContext, path: string, outputs: readonly string[]): Promise<boolean> {
  const clean = folderOf(path);
  for (const candidate of [clean, `${clean}.js`, `${clean}/index.js`]) {
    if (await ctx.files.exists(candidate)) return true;
  }
  return outputs.some((output) => clean === output || clean.startsWith(`${output}/`));
}

/** `bin` as a path: the string, the only entry, or the entry named after the package. */
function binPath(pkg: JsonObject): string | undefined {
  if (typeof pkg.bin === "string") return pkg.bin;
  if (!isObject(pkg.bin)) return undefined;
  const entries = Object.entries(pkg.bin).filter(
    (entry): entry is [string, string] => typeof entry[1] === "string",
  );
  const name = stringAt(pkg, "name")?.replace(/^@[^/]+\//, "");
  const [only] = entries;
  return entries.length === 1 ? only?.[1] : entries.find(([key]) => key === name)?.[1];
}

interface StartFacts {
  manager: Manager;
  pnp: boolean;
  /** What the build step writes (empty without one): a main there exists once it has run. */
  outputs: string[];
}

/** The start of a Node.js job: a Procfile, scripts.start, main or bin that exists, index.js, server.js, start.sh. */
async function nodeStart(ctx: DetectContext, pkg: JsonObject, facts: StartFacts): Promise<Start> {
  const scripts = isObject(pkg.scripts) ? pkg.scripts : {};
  const runner = facts.manager === "bun" ? "bun" : "node";
  return chooseStart(ctx, {
    procfile: true,
    lookedFor: `package.json has no "start" script and no "main" or "bin" file that exists or that the build writes, and there is no index.js, server.js, Procfile or start.sh`,
    remedy: `add a "start" script to package.json (e.g. "node dist/job.js"), set ${jobCommandPath(ctx)} in flexjob.yml, add a Procfile line (e.g. "worker: node dist/job.js"), add a start.sh, or set build arg START_CMD`,
    remedyIsComplete: true,
    conventional: async (): Promise<Start | undefined> => {
      const startScript = scripts.start;
      if (typeof startScript === "string") {
        const words = commandWords(startScript);
        // A plain command runs directly (node_modules/.bin is on PATH), so the job's process gets
        // SIGTERM itself; lifecycle hooks, shell syntax and Plug'n'Play need the package manager.
        const hooks = scripts.prestart !== undefined || scripts.poststart !== undefined;
        if (words[0] !== "/bin/sh" && !hooks && !facts.pnp) {
          return { command: words, source: "package.json scripts.start" };
        }
        const manager = facts.manager === "bun" ? ["bun", "run"] : [facts.manager];
        return { command: [...manager, "start"], source: "package.json scripts.start" };
      }
      for (const [field, path] of [
        ["main", stringAt(pkg, "main")],
        ["bin", binPath(pkg)],
      ] as const) {
        if (path === undefined) continue;
        if (await startFile(ctx, path, facts.outputs)) {
          return { command: [runner, path], source: `package.json ${field}` };
        }
        ctx.notes.push(
          `package.json ${field} ${showValue(path)} does not exist and no build step writes it: not used as the start`,
        );
      }
      for (const file of ["index.js", "server.js"]) {
        if (await ctx.files.exists(file)) return { command: [runner, file], source: file };
      }
      return undefined;
    },
  });
}

export async function planNode(ctx: DetectContext): Promise<BuildPlan> {
  const pkg = (await readJsonFile(ctx, "package.json")) ?? {};
  const choice = await chooseManager(ctx, pkg);
  const release = await pinManager(ctx, choice);
  const bun = choice.name === "bun";
  const runtime = bun ? "bun" : "node";

  const version = await nodeRuntimeVersion(ctx, pkg, bun, release);

  const scripts = isObject(pkg.scripts) ? pkg.scripts : {};
  const script = (name: string) => (typeof scripts[name] === "string" ? scripts[name] : undefined);
  const yarnrc = (await ctx.files.read(".yarnrc.yml")) ?? "";
  const pnp = choice.name === "yarn" && isBerry(release) && !/^nodeLinker:\s*["']?node-modules/m.test(yarnrc);
  const compile = compileStep(ctx, scripts);
  const buildCommand = compile === undefined ? undefined : runScript(choice.name, compile.script);
  const hasBuild = (ctx.overrides.BUILD_CMD ?? buildCommand ?? "") !== "";
  const steps = commands(choice.name, release, choice.lockfile !== undefined, hasBuild);
  ctx.notes.push(...steps.notes);
  const outputs = hasBuild ? await compiledOutputs(ctx, compile?.line ?? ctx.overrides.BUILD_CMD ?? "") : [];
  const start = await nodeStart(ctx, pkg, { manager: choice.name, pnp, outputs });

  const { dependencyFiles, manifests } = await nodeDependencyFiles(ctx, pkg, choice.lockfile);
  const buildPackages: string[] = [];
  await addNodeGyp(ctx, manifests, choice.lockfile, buildPackages);
  for (const hook of ["preinstall", "install", "postinstall", "prepare"]) {
    if (script(hook) !== undefined) {
      ctx.notes.push(
        `package.json scripts.${hook} runs while dependencies install, before the source is copied: it sees only ${dependencyFiles.join(", ")}`,
      );
    }
  }

  const table = RUNTIMES[runtime];
  return {
    provider: "node",
    language: table.language,
    version: { value: version.value, source: version.source },
    packageManager: {
      name: choice.name,
      ...(release === undefined ? {} : { version: release }),
      source: choice.source,
    },
    installCommand: steps.install,
    ...(buildCommand === undefined ? {} : { buildCommand }),
    ...(steps.prune === undefined || !hasBuild ? {} : { pruneCommand: steps.prune }),
    startCommand: start.command,
    startSource: start.source,
    systemPackages: [],
    buildPackages,
    baseImages: { build: table.buildImage(version.tag), runtime: table.runtimeImage(version.tag) },
    notes: ctx.notes,
    dependencyFiles,
  };
}

/** The Node.js or Bun release to build with, noting when Node.js misses package.json's engines. */
async function nodeRuntimeVersion(
  ctx: DetectContext,
  pkg: JsonObject,
  bun: boolean,
  release: string | undefined,
): Promise<ResolvedVersion> {
  const sources = bun
    ? [versionSource(release, "package.json packageManager"), await toolVersionsSource(ctx, "bun")]
    : await nodeVersionSources(ctx, pkg);
  const version = resolveVersion(ctx, bun ? "bun" : "node", sources);
  const engines = stringAt(pkg, "engines", "node");
  if (!bun && engines !== undefined && !version.source.startsWith("package.json engines")) {
    const constraint = parseConstraint(engines, "npm");
    // A supported line's tag carries its newest release, which is what engines is checked against.
    const parts = versionParts(version.tag);
    const built = lineVersion("node", version.value) ?? (parts && toVersion(parts));
    if (constraint && built && !satisfies(constraint, built)) {
      ctx.notes.push(
        `Node.js ${version.value} (${version.source}) does not satisfy package.json engines.node ${showValue(engines)}`,
      );
    }
  }
  return version;
}

/**
 * What the install layer copies before the source: manifests, lockfile, manager config, workspace
 * members and local dependencies; with the manifests read on the way, for the native-module check.
 */
async function nodeDependencyFiles(
  ctx: DetectContext,
  pkg: JsonObject,
  lockfile: string | undefined,
): Promise<{ dependencyFiles: string[]; manifests: { file: string; pkg: JsonObject }[] }> {
  const dependencyFiles = ["package.json"];
  if (lockfile) dependencyFiles.push(lockfile);
  if (await npmrcForInstall(ctx)) dependencyFiles.push(".npmrc");
  for (const extra of ["pnpm-workspace.yaml", ".yarnrc.yml", ".yarnrc", "bunfig.toml"]) {
    if (await ctx.files.exists(extra)) dependencyFiles.push(extra);
  }
  for (const folder of [
    ".yarn/releases/",
    ".yarn/plugins/",
    ".yarn/patches/",
    ".yarn/cache/",
    "patches/",
    "prisma/",
  ]) {
    if (await ctx.files.exists(folder.slice(0, -1))) dependencyFiles.push(folder);
  }
  const members = await workspaceManifests(ctx, pkg);
  dependencyFiles.push(...members);
  const manifests = [{ file: "package.json", pkg }];
  for (const file of members) manifests.push({ file, pkg: (await readJsonFile(ctx, file)) ?? {} });
  for (const { file, pkg: manifest } of [...manifests]) {
    for (const local of await localDependencies(ctx, file, manifest)) {
      if (dependencyFiles.includes(local)) continue;
      dependencyFiles.push(local);
      const localManifest = local.endsWith("/") ? await readJsonFile(ctx, `${local}package.json`) : undefined;
      if (localManifest !== undefined) manifests.push({ file: `${local}package.json`, pkg: localManifest });
    }
  }
  return { dependencyFiles, manifests };
}
