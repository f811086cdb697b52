import { showValue } from "../../errors.js";
import { type DetectContext, inputError } from "../context.js";

/**
 * Which pnpm, Yarn or npm a Node.js build installs, from the repository alone: `packageManager`
 * when it names one, else the version field of the lockfile the repository has. Never "latest":
 * a lockfile written by pnpm 7 and installed by pnpm 12 fails, and so does an old corepack
 * checking the signature of a new pnpm, which is why the Dockerfile installs the tool with
 * `npm install -g <package>@<exact>` from the registry the install already reaches.
 */
export type Manager = "npm" | "pnpm" | "yarn" | "bun";

/** The day the releases below were read from registry.npmjs.org. */
export const MANAGER_RELEASES_CHECKED = "2026-12-06";

/** The newest release of each major on {@link MANAGER_RELEASES_CHECKED}: what a major pins to. */
export const MANAGER_RELEASES: Readonly<Record<"pnpm" | "yarn", Readonly<Record<string, string>>>> = {
  pnpm: { "6": "6.35.1", "7": "7.33.7", "8": "8.15.9", "9": "9.15.9", "10": "10.34.9" },
  // Yarn 2 and later are published on npm as @yarnpkg/cli-dist (see managerPackage).
  yarn: { "1": "1.22.22", "2": "2.4.2", "3": "3.8.7", "4": "4.18.1" },
};

/**
 * pnpm-lock.yaml `lockfileVersion` → the pnpm major that writes it. pnpm 9 and 10 both write
 * 9.0; it maps to 9, because pnpm 10 no longer runs dependencies' install scripts unless
 * package.json allows each one, so a lockfile from pnpm 9 would install without its native
 * modules built. A pnpm 10 project says so with `packageManager`.
 */
const PNPM_LOCKFILES: Readonly<Record<string, string>> = { "5.3": "6", "5.4": "7", "6.0": "8", "9.0": "9" };

/** yarn.lock `__metadata.version` (Yarn 2+) → the Yarn major that writes it. */
const YARN_LOCKFILES: Readonly<Record<string, string>> = { "4": "2", "5": "3", "6": "3", "7": "4", "8": "4" };

/**
 * package-lock.json `lockfileVersion`s the npm of every supported Node.js line reads. npm is not
 * pinned: it ships with Node.js, npm 7 and later read all three, and `npm ci` never rewrites
 * the lockfile (a version 1 lockfile only costs a metadata fetch per package).
 */
const NPM_LOCKFILES = new Set(["1", "2", "3"]);

const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export interface PinnedManager {
  version: string | undefined;
  /** Where the version came from, for the plan's packageManager.source. */
  source: string;
}

/** The npm package that installs a manager's release: Yarn 2+ is not the `yarn` package. */
export function managerPackage(name: string, version: string): string {
  const major = Number(version.split(".")[0]);
  return name === "yarn" && major >= 2 ? "@yarnpkg/cli-dist" : name;
}

function addPackageManagerRemedy(name: string): string {
  const major = name === "yarn" ? "4" : "9";
  return `add "packageManager": "${name}@${MANAGER_RELEASES[name === "yarn" ? "yarn" : "pnpm"][major]}" (the version you use) to package.json and commit it`;
}

/** A `packageManager` version: exact as written, or a bare major pinned by the table. */
export function pinDeclared(ctx: DetectContext, name: Manager, version: string): string {
  if (EXACT.test(version) || name === "npm" || name === "bun") return version;
  const release = name === "pnpm" || name === "yarn" ? MANAGER_RELEASES[name][version] : undefined;
  if (release === undefined) {
    throw inputError(
      `package.json packageManager ${showValue(`${name}@${version}`)} in ${ctx.dir} is not an exact version`,
      `write an exact version, e.g. "${name}@${name === "yarn" ? MANAGER_RELEASES.yarn["4"] : MANAGER_RELEASES.pnpm["9"]}"`,
    );
  }
  ctx.notes.push(`package.json packageManager names ${name} ${version}: installing ${release}`);
  return release;
}

function unmapped(ctx: DetectContext, file: string, field: string, value: string, name: string) {
  return inputError(
    `${file} in ${ctx.dir} has ${field} ${showValue(value)}, which flexjob cannot map to a ${name} version`,
    addPackageManagerRemedy(name),
  );
}

function fromTable(name: "pnpm" | "yarn", major: string, source: string): PinnedManager {
  return { version: MANAGER_RELEASES[name][major], source };
}

/** pnpm's version from pnpm-lock.yaml's `lockfileVersion` (quoted or not). */
export async function pinPnpm(ctx: DetectContext): Promise<PinnedManager> {
  const text = (await ctx.files.read("pnpm-lock.yaml")) ?? "";
  const value = /^lockfileVersion:\s*["']?([^"'\s#]+)/m.exec(text)?.[1] ?? "";
  const major = PNPM_LOCKFILES[value];
  if (major === undefined) throw unmapped(ctx, "pnpm-lock.yaml", "lockfileVersion", value, "pnpm");
  if (value === "9.0") {
    ctx.notes.push(
      `pnpm-lock.yaml lockfileVersion "9.0" is written by pnpm 9 and 10: installing pnpm 9, which runs dependencies' install scripts; set package.json packageManager for pnpm 10`,
    );
  }
  return fromTable("pnpm", major, `pnpm-lock.yaml lockfileVersion ${showValue(value)}`);
}

/** Yarn's version from yarn.lock: `__metadata.version` for Yarn 2+, else a Yarn 1 lockfile. */
export async function pinYarn(ctx: DetectContext): Promise<PinnedManager> {
  const text = (await ctx.files.read("yarn.lock")) ?? "";
  if (!/^__metadata:/m.test(text)) return fromTable("yarn", "1", "yarn.lock in the Yarn 1 format");
  const value = /^__metadata:\s*\r?\n(?:[ \t]+.*\r?\n)*?[ \t]+version:\s*["']?(\w+)/m.exec(text)?.[1] ?? "";
  const major = YARN_LOCKFILES[value];
  if (major === undefined) throw unmapped(ctx, "yarn.lock", "__metadata.version", value, "yarn");
  return fromTable("yarn", major, `yarn.lock __metadata.version ${showValue(value)}`);
}

/** npm is the image's own; a lockfile its npm cannot read stops the build here instead. */
export async function checkNpmLockfile(ctx: DetectContext, file: string): Promise<void> {
  const text = (await ctx.files.read(file)) ?? "";
  const value = /"lockfileVersion"\s*:\s*([^,}\s]+)/.exec(text)?.[1];
  // Without the field (a stub lockfile) there is nothing to map; npm ci itself reports it.
  if (value === undefined || NPM_LOCKFILES.has(value)) {
    if (value === "1") {
      ctx.notes.push(
        `${file} lockfileVersion 1 is npm 6's: the image's npm reads it (fetching each package's metadata once); run npm install with npm 7 or later and commit the result to skip that`,
      );
    }
    return;
  }
  throw inputError(
    `${file} in ${ctx.dir} has lockfileVersion ${value}, which flexjob cannot map to an npm version`,
    'add "packageManager": "npm@<the version you use>" to package.json, or regenerate the lockfile with npm install',
  );
}
