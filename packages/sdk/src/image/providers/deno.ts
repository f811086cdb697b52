import { RUNTIMES } from "../base-images.js";
import {
  type DetectContext,
  isObject,
  type JsonObject,
  jobCommandPath,
  readJsonFile,
  resolveVersion,
  type Start,
  toolVersionsSource,
  versionFileSource,
} from "../context.js";
import { shellWord } from "../dockerfile-syntax.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart, commandWords } from "../start.js";

/**
 * Deno from deno.json / deno.jsonc / deno.lock.
 *
 * - Version: .dvmrc > .tool-versions `deno` > default.
 * - Start: a Procfile, then tasks.start (run directly when it is a plain `deno …` command), then
 *   main.ts, main.js, mod.ts, then start.sh.
 */
const CONFIGS = ["deno.json", "deno.jsonc"];
const ENTRIES = ["main.ts", "main.js", "mod.ts"];

/**
 * A job whose command runs `deno` (`deno run -A main.ts`) in a folder with no deno.json: a Deno
 * script as people write them, which needs no config file to run.
 */
export function runsDeno(start: Start | undefined): boolean {
  return start?.command[0] === "deno";
}

export async function isDenoProject(ctx: DetectContext): Promise<boolean> {
  for (const file of [...CONFIGS, "deno.lock"]) if (await ctx.files.exists(file)) return true;
  return false;
}

/** The module `deno run … file` starts, so the build can cache its remote imports. */
function entryOf(command: readonly string[]): string | undefined {
  if (command[0] !== "deno" || command[1] !== "run") return undefined;
  return command.slice(2).find((word) => !word.startsWith("-"));
}

export async function planDeno(ctx: DetectContext): Promise<BuildPlan> {
  let configFile: string | undefined;
  for (const file of CONFIGS)
    if (configFile === undefined && (await ctx.files.exists(file))) configFile = file;
  const config = configFile === undefined ? undefined : await readJsonFile(ctx, configFile, true);
  const version = resolveVersion(ctx, "deno", [
    await versionFileSource(ctx, ".dvmrc"),
    await toolVersionsSource(ctx, "deno"),
  ]);

  const start = await chooseDenoStart(ctx, configFile, config);

  const locked = await ctx.files.exists("deno.lock");
  const dependencyFiles = [...(configFile ? [configFile] : []), ...(locked ? ["deno.lock"] : [])];
  for (const file of ["package.json", "import_map.json"])
    if (await ctx.files.exists(file)) dependencyFiles.push(file);
  const entry = entryOf(start.command);
  if (configFile === undefined && !locked) {
    ctx.notes.push(
      `no deno.json: assumed a Deno script because ${start.source === "build arg START_CMD" ? "build arg START_CMD" : jobCommandPath(ctx)} runs deno${entry === undefined ? "" : `; ${entry}'s imports are cached at build time`}`,
    );
  }
  // `deno install` reads deno.json or package.json; with neither there is nothing to install.
  const install = dependencyFiles.some((file) => file !== "import_map.json");
  return {
    provider: "deno",
    language: RUNTIMES.deno.language,
    version: { value: version.value, source: version.source },
    ...(install ? { installCommand: `deno install${locked ? " --frozen" : ""}` } : {}),
    ...(entry === undefined ? {} : { buildCommand: `deno cache ${shellWord(entry, "the start module")}` }),
    startCommand: start.command,
    startSource: start.source,
    systemPackages: [],
    buildPackages: [],
    baseImages: {
      build: RUNTIMES.deno.buildImage(version.tag),
      runtime: RUNTIMES.deno.runtimeImage(version.tag),
    },
    notes: ctx.notes,
    dependencyFiles,
  };
}

/** The config's start task, else the first conventional entry module, run with every permission. */
function chooseDenoStart(ctx: DetectContext, configFile: string | undefined, config: JsonObject | undefined) {
  const tasks = isObject(config?.tasks) ? config.tasks : {};
  const task = tasks.start;
  const taskCommand =
    typeof task === "string"
      ? task
      : isObject(task) && typeof task.command === "string"
        ? task.command
        : undefined;
  return chooseStart(ctx, {
    procfile: true,
    lookedFor: `${configFile ?? "deno.json"} has no "start" task and there is no main.ts, main.js, mod.ts, Procfile or start.sh`,
    remedy: `add a "start" task to ${configFile ?? "deno.json"}`,
    conventional: async () => {
      if (taskCommand !== undefined) {
        const words = commandWords(taskCommand);
        // A plain `deno run …` task runs directly, so the job's process gets SIGTERM itself.
        return {
          command: words[0] === "deno" ? words : ["deno", "task", "start"],
          source: `${configFile} tasks.start`,
        };
      }
      for (const file of ENTRIES) {
        // A container is the job's sandbox: Deno's own permission prompts would only stop it.
        if (await ctx.files.exists(file))
          return { command: ["deno", "run", "--allow-all", file], source: file };
      }
      return undefined;
    },
  });
}
