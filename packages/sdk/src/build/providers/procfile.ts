import { RUNTIMES } from "../base-images.js";
import { type DetectContext, resolveVersion } from "../context.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart } from "../start.js";

export async function isProcfileProject(ctx: DetectContext): Promise<boolean> {
  return (await ctx.files.exists("Procfile")) || (await ctx.files.exists("start.sh"));
}

/** No language detected, but the repository says how to start: run that on plain Debian. */
export async function planProcfile(ctx: DetectContext): Promise<BuildPlan> {
  const version = resolveVersion(ctx, "debian", []);
  const start = await chooseStart(ctx, {
    procfile: true,
    lookedFor: 'the Procfile has no "worker:", "job:" or "web:" line and there is no start.sh',
    remedy: 'add a "worker:" line to the Procfile',
    conventional: async () => undefined,
  });
  ctx.notes.push(
    "no language detected: the image is plain Debian with the folder's files; add packages with APT_PACKAGES",
  );
  return {
    provider: "procfile",
    language: RUNTIMES.debian.language,
    version: { value: version.value, source: version.source },
    startCommand: start.command,
    startSource: start.source,
    systemPackages: [],
    buildPackages: [],
    baseImages: {
      build: RUNTIMES.debian.buildImage(version.tag),
      runtime: RUNTIMES.debian.runtimeImage(version.tag),
    },
    notes: ctx.notes,
    dependencyFiles: [],
  };
}
