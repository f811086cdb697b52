import { type DetectContext, resolveVersion } from "../context.js";
import type { BuildPlan } from "../plan.js";
import { PROCFILE_TYPES } from "../procfile-lines.js";
import { chooseStart } from "../start.js";
import { debianPlan, toolsNamedBy } from "./shell.js";

export async function isProcfileProject(ctx: DetectContext): Promise<boolean> {
  return (await ctx.files.exists("Procfile")) || (await ctx.files.exists("start.sh"));
}

/**
 * No language detected, but the repository says how to start: run that on plain Debian, with
 * the Debian packages of the tools the start line and the scripts it runs name.
 */
export async function planProcfile(ctx: DetectContext): Promise<BuildPlan> {
  const version = resolveVersion(ctx, "debian", []);
  const start = await chooseStart(ctx, {
    procfile: true,
    lookedFor: `the Procfile has no ${PROCFILE_TYPES.map((type) => `"${type}:"`).join(", ")} line and there is no start.sh`,
    remedy: 'add a "cron:" line to the Procfile',
    conventional: async () => undefined,
  });
  const tools = await toolsNamedBy(ctx, start);
  ctx.notes.push(
    tools.packages.length === 0
      ? "no language detected: the image is plain Debian with the folder's files; add packages with APT_PACKAGES"
      : `no language detected: the image is plain Debian with the folder's files and the tools the start command names: ${tools.reasons.join(", ")}; add others with APT_PACKAGES`,
  );
  return debianPlan("procfile", ctx, version, start, tools);
}
