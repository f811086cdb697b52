import type { RepoFiles } from "./repo-files.js";

export type BuildProvider =
  | "node"
  | "python"
  | "go"
  | "ruby"
  | "rust"
  | "java"
  | "php"
  | "deno"
  | "procfile"
  /** Nothing detected, but the job has a command: Debian with the tools the command names. */
  | "shell"
  | "dockerfile";

/**
 * Everything detection decided about how to build a job's image, as plain JSON: what a Dockerfile
 * generator needs and what a person reads to see why. Pure data, so a plan can be printed,
 * compared in tests and (later) stored.
 */
export interface BuildPlan {
  provider: BuildProvider;
  /** "Node.js", "Python", … */
  language: string;
  /**
   * The runtime version the image provides and where it came from, e.g. `{ value: "22", source:
   * ".nvmrc" }` or `{ value: "3.12", source: 'pyproject.toml requires-python ">=3.10,<3.13"' }`.
   * `baseImages` says the exact tag it is pinned to.
   */
  version: { value: string; source: string };
  packageManager?: { name: string; version?: string; source: string };
  /** Shell command installing dependencies from the manifests alone, before the source is copied. */
  installCommand?: string;
  /** Shell command run with the whole source present; compiled languages leave their output in /out. */
  buildCommand?: string;
  /** Shell command removing what only the build needed (devDependencies), after buildCommand. */
  pruneCommand?: string;
  /** Exec form; an empty list (own Dockerfile only) means the image's own CMD. */
  startCommand: string[];
  /** Where startCommand came from, e.g. `package.json scripts.start` or `Procfile worker`. */
  startSource: string;
  /** apt packages for the runtime image. */
  systemPackages: string[];
  /** apt packages for the stages that install and build (compilers, -dev headers). */
  buildPackages: string[];
  /** Pinned, e.g. `node:24-trixie-slim`; see base-images.ts. */
  baseImages: { build: string; runtime: string };
  /** Decisions a person may want to know about: ambiguities, fallbacks, ignored files. */
  notes: string[];
  /** Manifests and lockfiles copied before the source; a name ending in `/` is a folder. */
  dependencyFiles: string[];
  /**
   * `source.buildSecrets`: environment variables of the deploying machine that the install and
   * build steps see as environment variables too, read from BuildKit secret mounts so that no
   * layer keeps them. Absent when there are none.
   */
  buildSecrets?: string[];
}

/**
 * Build args that change what detection decides, by the names users write in flexjob.yml's
 * `source.buildArgs`. An empty INSTALL_CMD or BUILD_CMD skips that step.
 */
export interface BuildOverrides {
  /** Runtime version, e.g. "20" (a release line, pinned by base-images.ts) or "20.11.1" (exact). */
  VERSION?: string;
  INSTALL_CMD?: string;
  BUILD_CMD?: string;
  /** Split into words like a job's command: quotes work, shell operators need `sh -c "…"`. */
  START_CMD?: string;
  /** Extra apt packages, separated by spaces or commas, installed in the build and runtime stages. */
  APT_PACKAGES?: string;
  /** The image the job runs on (and, for languages with one image, builds on too), e.g. a mirror. */
  BASE_IMAGE?: string;
  /** The image of the build stage, when it differs from BASE_IMAGE (Go, Rust, Java). */
  BUILD_IMAGE?: string;
}

export const BUILD_OVERRIDE_NAMES = [
  "VERSION",
  "INSTALL_CMD",
  "BUILD_CMD",
  "START_CMD",
  "APT_PACKAGES",
  "BASE_IMAGE",
  "BUILD_IMAGE",
] as const satisfies readonly (keyof BuildOverrides)[];

/** The overrides among a job's `source.buildArgs`; other build args only reach `docker build`. */
export function buildOverridesFrom(buildArgs: Readonly<Record<string, string>>): BuildOverrides {
  const overrides: BuildOverrides = {};
  for (const name of BUILD_OVERRIDE_NAMES) {
    const value = buildArgs[name];
    if (value !== undefined) overrides[name] = value;
  }
  return overrides;
}

export interface DetectOptions {
  /** The job's `command` from flexjob.yml: it is the start command, ahead of everything detected. */
  command?: readonly string[];
  /** `source.dockerfile`: the user's Dockerfile, relative to the folder. */
  dockerfile?: string;
  /** The job's name, for messages that point at `jobs.<name>` in flexjob.yml. */
  job?: string;
  /** How to read the folder; default: the files on disk under `dir`. */
  files?: RepoFiles;
  /** `source.buildSecrets`, e.g. `["NPM_TOKEN"]`: see {@link BuildPlan.buildSecrets}. */
  buildSecrets?: readonly string[];
}
