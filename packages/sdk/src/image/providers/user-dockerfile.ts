import { type DetectContext, inputError } from "../context.js";
import type { BuildPlan } from "../plan.js";

/** Image of each stage: `FROM x AS name` lines, with global ARG defaults substituted. */
function fromImages(dockerfile: string): string[] {
  const args = new Map<string, string>();
  const stages = new Map<string, string>();
  const images: string[] = [];
  const lines = dockerfile.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const line of lines) {
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=("?)([^"\s]*)\2\s*$/i.exec(line);
    if (arg?.[1] && images.length === 0) args.set(arg[1], arg[3] ?? "");
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from?.[1]) continue;
    const image = from[1].replace(
      /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
      (whole, name: string) => args.get(name) ?? whole,
    );
    const resolved = stages.get(image.toLowerCase()) ?? image;
    if (from[2]) stages.set(from[2].toLowerCase(), resolved);
    images.push(resolved);
  }
  return images;
}

/** The user's Dockerfile path, when the folder has one (or source.dockerfile names one). */
export async function userDockerfile(
  ctx: DetectContext,
  named: string | undefined,
): Promise<string | undefined> {
  if (named !== undefined) {
    if (await ctx.files.exists(named)) return named;
    throw inputError(
      `source.dockerfile ${JSON.stringify(named)} does not exist in ${ctx.dir}`,
      "give the Dockerfile's path relative to source.rootDir, or remove source.dockerfile to let flexjob detect the build",
    );
  }
  return (await ctx.files.exists("Dockerfile")) ? "Dockerfile" : undefined;
}

/** The user's own Dockerfile always wins: the plan only records what it builds from. */
export async function planUserDockerfile(ctx: DetectContext, path: string): Promise<BuildPlan> {
  const images = fromImages((await ctx.files.read(path)) ?? "");
  const ownIgnore =
    (await ctx.files.exists(`${path}.dockerignore`)) || (await ctx.files.exists(".dockerignore"));
  ctx.notes.push(
    ownIgnore
      ? `${path} found: building it as is, with the repository's .dockerignore`
      : `${path} found: building it as is; with no .dockerignore in the repository, flexjob leaves only credential files (.env, .npmrc, keys, .git) out of the build context`,
  );
  const unused = Object.keys(ctx.overrides).filter((name) => name !== "START_CMD");
  if (unused.length > 0) {
    ctx.notes.push(
      `build args ${unused.join(", ")} reach ${path} as --build-arg; flexjob's own use of them applies only to Dockerfiles it generates`,
    );
  }
  return {
    provider: "dockerfile",
    language: "Dockerfile",
    version: { value: "from Dockerfile", source: path },
    startCommand: ctx.start?.command ?? [],
    startSource: ctx.start?.source ?? `${path} CMD`,
    systemPackages: [],
    buildPackages: [],
    baseImages: { build: images[0] ?? "", runtime: images[images.length - 1] ?? "" },
    notes: ctx.notes,
    dependencyFiles: [],
  };
}
