import { DEBIAN_IMAGE, RUNTIMES } from "../base-images.js";
import {
  type DetectContext,
  jobCommandPath,
  resolveVersion,
  toolVersionsSource,
  type VersionSource,
  versionSource,
} from "../context.js";
import { shellWord } from "../dockerfile-syntax.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart } from "../start.js";
import { compareVersions, toVersion, versionParts } from "../version-constraint.js";

/**
 * Go from go.mod: a static binary (CGO_ENABLED=0) on distroless.
 *
 * - Version: go.mod `toolchain` (when not older than `go`) > `go` directive > .tool-versions.
 * - Start: the main package at the root, else the only one in cmd/*; several in cmd/ is an error
 *   unless START_CMD or the job's command picks one (all are then built into /app).
 */
export async function isGoProject(ctx: DetectContext): Promise<boolean> {
  return ctx.files.exists("go.mod");
}

async function isMainPackage(ctx: DetectContext, dir: string): Promise<boolean> {
  const prefix = dir === "" ? "" : `${dir}/`;
  for (const name of await ctx.files.list(dir)) {
    if (!name.endsWith(".go") || name.endsWith("_test.go")) continue;
    const text = (await ctx.files.read(`${prefix}${name}`)) ?? "";
    if (/^package\s+main\b/m.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ""))) return true;
  }
  return false;
}

/** The binary `go build -o dir/` names after a package: its last path element, minus a /vN suffix. */
function binaryName(importPath: string): string {
  const parts = importPath.split("/").filter((part) => part !== "");
  const last = parts[parts.length - 1] ?? "app";
  return /^v\d+$/.test(last) && parts.length > 1 ? (parts[parts.length - 2] ?? "app") : last;
}

export async function planGo(ctx: DetectContext): Promise<BuildPlan> {
  const goMod = (await ctx.files.read("go.mod")) ?? "";
  const module = /^module\s+"?([^"\s]+)"?/m.exec(goMod)?.[1] ?? "app";
  const version = resolveVersion(ctx, "go", await goVersionSources(ctx, goMod));

  const rootIsMain = await isMainPackage(ctx, "");
  const mains = rootIsMain ? [] : await cmdMainPackages(ctx);
  const buildCommand = goBuildCommand(module, rootIsMain, mains);
  const binaries = rootIsMain ? [binaryName(module)] : mains;
  const start = await chooseGoStart(ctx, { rootIsMain, mains, binaries });

  const dependencyFiles = ["go.mod"];
  if (await ctx.files.exists("go.sum")) dependencyFiles.push("go.sum");
  const vendored = await ctx.files.exists("vendor/modules.txt");
  if (vendored) ctx.notes.push("vendor/ holds the modules: nothing to download before the build");

  return {
    provider: "go",
    language: RUNTIMES.go.language,
    version: { value: version.value, source: version.source },
    ...(vendored ? {} : { installCommand: "go mod download" }),
    buildCommand,
    startCommand: start.command,
    startSource: start.source,
    systemPackages: [],
    buildPackages: [],
    baseImages: {
      build: RUNTIMES.go.buildImage(version.tag),
      runtime: goRuntimeImage(ctx, start.command, version.tag),
    },
    notes: ctx.notes,
    dependencyFiles,
  };
}

async function goVersionSources(ctx: DetectContext, goMod: string): Promise<(VersionSource | undefined)[]> {
  const directive = /^go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(goMod)?.[1];
  const toolchain = /^toolchain\s+go(\d+\.\d+(?:\.\d+)?)/m.exec(goMod)?.[1];
  // The go directive is the minimum; a toolchain line names the release the module is built with.
  const newer =
    toolchain !== undefined &&
    (directive === undefined ||
      compareVersions(toVersion(versionParts(toolchain) ?? []), toVersion(versionParts(directive) ?? [])) >=
        0);
  return [
    newer ? { text: toolchain, source: "go.mod toolchain" } : undefined,
    versionSource(directive, "go.mod go directive"),
    await toolVersionsSource(ctx, "golang"),
  ];
}

/** The folder names under cmd/ that hold a main package. */
async function cmdMainPackages(ctx: DetectContext): Promise<string[]> {
  const mains: string[] = [];
  for (const entry of await ctx.files.list("cmd")) {
    if (entry.endsWith("/") && (await isMainPackage(ctx, `cmd/${entry.slice(0, -1)}`))) {
      mains.push(entry.slice(0, -1));
    }
  }
  return mains;
}

function goBuildCommand(module: string, rootIsMain: boolean, mains: readonly string[]): string {
  // The module path and cmd/ folder names come from the repository: one shell word each.
  const build = (target: string, what: string) =>
    `go build -trimpath -ldflags="-s -w" -o ${shellWord(target, what)}`;
  if (rootIsMain) return `${build(`/out/${binaryName(module)}`, "go.mod module path")} .`;
  if (mains[0] !== undefined && mains.length === 1) {
    const folder = `cmd/${mains[0]}`;
    return `${build(`/out/${mains[0]}`, "cmd/ folder name")} ${shellWord(`./${folder}`, "cmd/ folder name")}`;
  }
  return `${build("/out/", "output folder")} ./cmd/...`;
}

function chooseGoStart(
  ctx: DetectContext,
  found: { rootIsMain: boolean; mains: readonly string[]; binaries: readonly string[] },
) {
  const { rootIsMain, mains, binaries } = found;
  return chooseStart(ctx, {
    procfile: false,
    lookedFor:
      mains.length > 1
        ? `cmd/ has several main packages (${mains.map((name) => `cmd/${name}`).join(", ")}) and none is chosen`
        : "there is no main package in the folder or in cmd/*",
    remedy:
      mains.length > 1
        ? `choose the binary: flexjob builds every cmd/ package into /app, so set build arg START_CMD or ${jobCommandPath(ctx)} to one of ${mains.map((name) => `/app/${name}`).join(", ")}`
        : "add a main package (package main with func main) at the folder's root or in cmd/<name>",
    ...(mains.length > 1 ? { remedyIsComplete: true } : {}),
    conventional: async () => {
      const [only] = binaries;
      if (only === undefined || binaries.length !== 1) return undefined;
      return {
        command: [`/app/${only}`],
        source: rootIsMain ? "go.mod main package ." : `main package cmd/${only}`,
      };
    },
  });
}

/** Distroless has neither a shell nor apt: a start command or packages that need them move the image to Debian. */
function goRuntimeImage(ctx: DetectContext, startCommand: readonly string[], tag: string): string {
  const needsShell = startCommand[0] === "/bin/sh" || startCommand[0] === "sh" || startCommand[0] === "bash";
  const wantsApt = (ctx.overrides.APT_PACKAGES ?? "").trim() !== "";
  if (!needsShell && !wantsApt) return RUNTIMES.go.runtimeImage(tag);
  ctx.notes.push(
    `${wantsApt ? "APT_PACKAGES needs apt" : "the start command needs a shell"}: the image runs on ${DEBIAN_IMAGE} instead of distroless`,
  );
  return DEBIAN_IMAGE;
}
