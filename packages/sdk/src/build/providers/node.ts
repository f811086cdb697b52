import { showValue } from "../../errors.js";
import { lineVersion, NODE_LTS_LINE, RUNTIMES } from "../base-images.js";
import {
  type DetectContext,
  inputError,
  isObject,
  type JsonObject,
  readJsonFile,
  readToolVersions,
  readVersionFile,
  resolveVersion,
  type Start,
  stringAt,
  type VersionSource,
} from "../context.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart, commandWords } from "../start.js";
import { parseConstraint, satisfies, toVersion, versionParts } from "../version-constraint.js";

/**
 * Node.js (and Bun) from package.json.
 *
 * - Package manager: package.json `packageManager` (exact version, run by corepack), else the
 *   lockfile by precedence bun.lock(b) > pnpm-lock.yaml > yarn.lock > package-lock.json, else npm.
 *   Yarn 2+ needs a known version: `packageManager` or `.yarnrc.yml` yarnPath.
 * - Version: .nvmrc > .node-version > .tool-versions `nodejs` > `engines.node` > default. The
 *   files name the version developers run; engines is a range, checked against it in a note.
 * - Start: a Procfile, then `scripts.start` (run directly when it is a plain command), `main`,
 *   index.js, server.js, then start.sh. Build: `scripts.build`, after which devDependencies go.
 */
type Manager = "npm" | "pnpm" | "yarn" | "bun";

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

/** Yarn 2+ ("berry") runs the version the project pins; its lockfile says which major family. */
async function yarnRelease(ctx: DetectContext, choice: ManagerChoice): Promise<string | undefined> {
  if (choice.version !== undefined) return choice.version;
  const yarnrc = (await ctx.files.read(".yarnrc.yml")) ?? "";
  const yarnPath = /^yarnPath:\s*["']?([^"'\s]+)/m.exec(yarnrc)?.[1];
  const pinned = yarnPath === undefined ? undefined : /yarn-(\d+\.\d+\.\d+[^/]*)\.c?js$/.exec(yarnPath)?.[1];
  if (pinned) {
    choice.source = `.yarnrc.yml yarnPath`;
    return pinned;
  }
  const lock = choice.lockfile === "yarn.lock" ? ((await ctx.files.read("yarn.lock")) ?? "") : "";
  const berry = /^__metadata:/m.test(lock) || yarnrc !== "";
  if (!berry) return undefined;
  throw inputError(
    `${ctx.dir} uses Yarn 2 or later (${lock === "" ? ".yarnrc.yml" : "yarn.lock"}), but neither package.json packageManager nor .yarnrc.yml yarnPath says which version`,
    'run "corepack use yarn@4" (it adds "packageManager" to package.json) and commit the change',
  );
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
    toolVersion === undefined ? undefined : { text: toolVersion, source: ".tool-versions nodejs" },
    engines === undefined ? undefined : { text: engines, source: "package.json engines.node", flavor: "npm" },
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

export async function planNode(ctx: DetectContext): Promise<BuildPlan> {
  const pkg = (await readJsonFile(ctx, "package.json")) ?? {};
  const choice = await chooseManager(ctx, pkg);
  const release = choice.name === "yarn" ? await yarnRelease(ctx, choice) : choice.version;
  const bun = choice.name === "bun";
  const runtime = bun ? "bun" : "node";

  const bunTool = (await readToolVersions(ctx)).get("bun");
  const sources = bun
    ? [
        release === undefined ? undefined : { text: release, source: "package.json packageManager" },
        bunTool === undefined ? undefined : { text: bunTool, source: ".tool-versions bun" },
      ]
    : await nodeVersionSources(ctx, pkg);
  const version = resolveVersion(ctx, runtime, sources);
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

  const scripts = isObject(pkg.scripts) ? pkg.scripts : {};
  const script = (name: string) =>
    typeof scripts[name] === "string" ? (scripts[name] as string) : undefined;
  const yarnrc = (await ctx.files.read(".yarnrc.yml")) ?? "";
  const pnp = choice.name === "yarn" && isBerry(release) && !/^nodeLinker:\s*["']?node-modules/m.test(yarnrc);
  const buildScript = script("build");
  const buildCommand = buildScript === undefined ? undefined : runScript(choice.name, "build");
  const hasBuild = (ctx.overrides.BUILD_CMD ?? buildCommand ?? "") !== "";
  const steps = commands(choice.name, release, choice.lockfile !== undefined, hasBuild);
  ctx.notes.push(...steps.notes);

  const runner = bun ? "bun" : "node";
  const start = await chooseStart(ctx, {
    procfile: true,
    lookedFor: `package.json has no "start" script or "main" field, and there is no index.js, server.js, Procfile or start.sh`,
    remedy: 'add a "start" script to package.json',
    conventional: async (): Promise<Start | undefined> => {
      const startScript = script("start");
      if (startScript !== undefined) {
        const words = commandWords(startScript);
        // A plain command runs directly (node_modules/.bin is on PATH), so the job's process gets
        // SIGTERM itself; lifecycle hooks, shell syntax and Plug'n'Play need the package manager.
        const direct = words[0] !== "/bin/sh" && !script("prestart") && !script("poststart") && !pnp;
        if (direct) return { command: words, source: "package.json scripts.start" };
        if (bun) return { command: ["bun", "run", "start"], source: "package.json scripts.start" };
        if (choice.name === "pnpm" && release === undefined) {
          // Without packageManager the runtime image cannot hold a pinned pnpm; npm runs scripts too.
          ctx.notes.push(
            "scripts.start runs through npm start: package.json names no pnpm version to install in the image",
          );
          return { command: ["npm", "start"], source: "package.json scripts.start" };
        }
        return { command: [choice.name, "start"], source: "package.json scripts.start" };
      }
      const main = stringAt(pkg, "main");
      if (main !== undefined) return { command: [runner, main], source: "package.json main" };
      for (const file of ["index.js", "server.js"]) {
        if (await ctx.files.exists(file)) return { command: [runner, file], source: file };
      }
      return undefined;
    },
  });

  const dependencyFiles = ["package.json"];
  if (choice.lockfile) dependencyFiles.push(choice.lockfile);
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
    buildPackages: [],
    baseImages: { build: table.buildImage(version.tag), runtime: table.runtimeImage(version.tag) },
    notes: ctx.notes,
    dependencyFiles,
  };
}
