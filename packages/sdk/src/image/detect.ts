import { parseImageReference } from "../config/image-reference.js";
import { splitCommand } from "../config/shell-words.js";
import { type DetectContext, inputError, jobCommandPath, type Start } from "./context.js";
import type { BuildOverrides, BuildPlan, BuildProvider, DetectOptions } from "./plan.js";
import { isDenoProject, planDeno, runsDeno } from "./providers/deno.js";
import { isGoProject, planGo } from "./providers/go.js";
import { isJavaProject, planJava } from "./providers/java.js";
import { isNodeProject, planNode } from "./providers/node.js";
import { isPhpProject, planPhp } from "./providers/php.js";
import { isProcfileProject, planProcfile } from "./providers/procfile.js";
import { hasPythonEntry, isPythonProject, planPython } from "./providers/python.js";
import { isRubyProject, planRuby } from "./providers/ruby.js";
import { isRustProject, planRust } from "./providers/rust.js";
import { planShell } from "./providers/shell.js";
import { planUserDockerfile, userDockerfile } from "./providers/user-dockerfile.js";
import { nodeRepoFiles } from "./repo-files.js";

interface Provider {
  name: Exclude<BuildProvider, "dockerfile">;
  /** What the user sees in notes: the language and the file that gave it away. */
  label: string;
  detect(ctx: DetectContext): Promise<boolean>;
  plan(ctx: DetectContext): Promise<BuildPlan>;
}

/**
 * Most specific first: a package.json is often only tooling (linters, asset builds) next to a
 * Python, PHP or Ruby app, and a deno.json marks a Deno project that may also have one.
 */
const PROVIDERS: readonly Provider[] = [
  { name: "go", label: "Go (go.mod)", detect: isGoProject, plan: planGo },
  { name: "rust", label: "Rust (Cargo.toml)", detect: isRustProject, plan: planRust },
  { name: "java", label: "Java (pom.xml / build.gradle)", detect: isJavaProject, plan: planJava },
  { name: "php", label: "PHP (composer.json)", detect: isPhpProject, plan: planPhp },
  { name: "ruby", label: "Ruby (Gemfile)", detect: isRubyProject, plan: planRuby },
  { name: "python", label: "Python", detect: isPythonProject, plan: planPython },
  { name: "deno", label: "Deno (deno.json)", detect: isDenoProject, plan: planDeno },
  { name: "node", label: "Node.js (package.json)", detect: isNodeProject, plan: planNode },
  // A lone main.py or app.py counts only when no manifest says otherwise.
  { name: "python", label: "Python (main.py / app.py)", detect: hasPythonEntry, plan: planPython },
  { name: "procfile", label: "Procfile / start.sh", detect: isProcfileProject, plan: planProcfile },
];
const PRECEDENCE = [...new Set(PROVIDERS.map((provider) => provider.name))].join(" > ");

/** Providers whose build and runtime stages share one image, so BASE_IMAGE sets both. */
const ONE_IMAGE: ReadonlySet<BuildProvider> = new Set([
  "node",
  "python",
  "ruby",
  "php",
  "deno",
  "procfile",
  "shell",
]);

const APT_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(?:=[A-Za-z0-9.+~:-]+)?$/;

function checkOverrides(overrides: BuildOverrides): BuildOverrides {
  for (const name of ["INSTALL_CMD", "BUILD_CMD"] as const) {
    const value = overrides[name];
    if (value !== undefined && /[\r\n]/.test(value)) {
      throw inputError(
        `build arg ${name} has a line break`,
        "write it on one line, joining commands with &&",
      );
    }
  }
  const version = overrides.VERSION;
  if (version !== undefined && !/^[vV]?\d+(\.\d+){0,2}$/.test(version.trim())) {
    throw inputError(
      `build arg VERSION ${JSON.stringify(version)} is not a version number`,
      'give a release line such as "22" or an exact version such as "22.12.0"',
    );
  }
  for (const name of ["BASE_IMAGE", "BUILD_IMAGE"] as const) {
    const image = overrides[name];
    if (image === undefined) continue;
    const parsed = parseImageReference(image);
    if ("problem" in parsed)
      throw inputError(`build arg ${name}: ${parsed.problem.message}`, parsed.problem.remedy);
  }
  for (const name of aptPackages(overrides.APT_PACKAGES)) {
    if (!APT_PACKAGE.test(name)) {
      throw inputError(
        `build arg APT_PACKAGES has ${JSON.stringify(name)}, which is not a Debian package name`,
        'list package names separated by spaces, e.g. "libpq5 fonts-dejavu-core" (a version as name=1.2-3)',
      );
    }
  }
  return overrides;
}

function aptPackages(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter((name) => name !== "");
}

function startFromOutside(
  ctx: Pick<DetectContext, "job">,
  overrides: BuildOverrides,
  options: DetectOptions,
): Start | undefined {
  const command = options.command;
  if (command !== undefined && command.length > 0) {
    return { command: [...command], source: `flexjob.yml ${jobCommandPath(ctx)}` };
  }
  const text = overrides.START_CMD;
  if (text === undefined) return undefined;
  const split = splitCommand(text);
  if ("problem" in split)
    throw inputError(`build arg START_CMD: ${split.problem.message}`, split.problem.remedy);
  if (split.words.length === 0) {
    throw inputError(
      "build arg START_CMD is empty",
      'give the command the job runs, e.g. "node dist/job.js"',
    );
  }
  return { command: split.words, source: "build arg START_CMD" };
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** The INSTALL_CMD, BUILD_CMD, APT_PACKAGES, BASE_IMAGE and BUILD_IMAGE build args, on top of detection. */
function applyOverrides(plan: BuildPlan, overrides: BuildOverrides): BuildPlan {
  const out: BuildPlan = { ...plan, notes: [...plan.notes] };
  for (const [name, field] of [
    ["INSTALL_CMD", "installCommand"],
    ["BUILD_CMD", "buildCommand"],
  ] as const) {
    const value = overrides[name]?.trim();
    if (value === undefined) continue;
    const before = out[field];
    if (value === "") {
      delete out[field];
      out.notes.push(
        `build arg ${name} is empty: no ${field === "installCommand" ? "install" : "build"} step`,
      );
    } else {
      out[field] = value;
      out.notes.push(
        `build arg ${name} ${before === undefined ? "adds" : `replaces ${JSON.stringify(before)} with`} ${JSON.stringify(value)}`,
      );
    }
  }
  const extra = aptPackages(overrides.APT_PACKAGES);
  if (extra.length > 0) {
    out.systemPackages = unique([...out.systemPackages, ...extra]);
    out.buildPackages = unique([...out.buildPackages, ...extra]);
  }
  const base = overrides.BASE_IMAGE?.trim();
  const build =
    overrides.BUILD_IMAGE?.trim() ?? (base !== undefined && ONE_IMAGE.has(plan.provider) ? base : undefined);
  out.baseImages = { build: build ?? out.baseImages.build, runtime: base ?? out.baseImages.runtime };
  return out;
}

/**
 * Nothing detected: the job's own command (or START_CMD) still says what to run, so build the
 * least that runs it — Deno when the command runs `deno`, else Debian with the tools it names.
 */
async function commandOnlyPlan(ctx: DetectContext): Promise<BuildPlan> {
  if (runsDeno(ctx.start)) return planDeno(ctx);
  if (ctx.start) return planShell(ctx, ctx.start);
  const empty = (await ctx.files.list("")).length === 0;
  const job = ctx.job === undefined ? "jobs.<name>" : `jobs.${ctx.job}`;
  throw inputError(
    `nothing in ${ctx.dir} says how to build the job${empty ? " (the folder is empty or missing)" : ""}: no Dockerfile, package.json, pyproject.toml, requirements.txt, go.mod, Gemfile, Cargo.toml, pom.xml, build.gradle, composer.json, deno.json, Procfile or start.sh, and ${jobCommandPath(ctx)} is not set`,
    `set ${jobCommandPath(ctx)} in flexjob.yml (or build arg START_CMD) to the command the job runs, e.g. ["bin/backup.sh"], and flexjob builds a Debian image with the tools it names; or add a Procfile with a "cron:" or "worker:" line, a start.sh, a Dockerfile or your language's manifest to ${ctx.dir}; or point source.rootDir at the folder that has them, or set ${job}.image to run an existing image`,
  );
}

/**
 * Decides how to build the image of a job from the files in its folder alone: the user's
 * Dockerfile when there is one, else the language and how to install, build and start it.
 * Nothing runs and nothing is built; a job that cannot start fails here, before any build.
 *
 * @param dir the job's `source.rootDir`, read from disk unless `options.files` is given
 * @param overrides the job's `source.buildArgs` that flexjob understands ({@link buildOverridesFrom})
 * @example
 * const plan = await detectBuildPlan("services/report", { VERSION: "20" }, { job: "report" });
 * const dockerfile = generateDockerfile(plan, { revision: process.env.GITHUB_SHA });
 */
export async function detectBuildPlan(
  dir: string,
  overrides: BuildOverrides = {},
  options: DetectOptions = {},
): Promise<BuildPlan> {
  const checked = checkOverrides(overrides);
  const ctx: DetectContext = {
    files: options.files ?? nodeRepoFiles(dir),
    dir,
    job: options.job,
    overrides: checked,
    start: undefined,
    notes: [],
  };
  ctx.start = startFromOutside(ctx, checked, options);
  if (options.command !== undefined && options.command.length > 0 && checked.START_CMD !== undefined) {
    ctx.notes.push(`${jobCommandPath(ctx)} is set: build arg START_CMD is not used`);
  }

  const dockerfile = await userDockerfile(ctx, options.dockerfile);
  if (dockerfile !== undefined) return planUserDockerfile(ctx, dockerfile);

  const found: Provider[] = [];
  for (const provider of PROVIDERS) {
    if (!found.some((seen) => seen.name === provider.name) && (await provider.detect(ctx)))
      found.push(provider);
  }
  const [chosen, ...others] = found.filter((provider) => provider.name !== "procfile" || found.length === 1);
  if (chosen && others.length > 0) {
    ctx.notes.push(
      `${[chosen, ...others].map((provider) => provider.label).join(" and ")} found: building as ${chosen.label.replace(/ \(.*\)$/, "")} (precedence ${PRECEDENCE}); add a Dockerfile to choose otherwise`,
    );
  }
  const plan = applyOverrides(await (chosen ? chosen.plan(ctx) : commandOnlyPlan(ctx)), checked);
  const secrets = [...new Set(options.buildSecrets ?? [])];
  return secrets.length === 0 ? plan : { ...plan, buildSecrets: secrets };
}
