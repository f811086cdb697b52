import { splitCommand } from "../config/shell-words.js";
import { type DetectContext, inputError, jobCommandPath, type Start } from "./context.js";
import { PROCFILE_TYPES, procfileLineWarnings } from "./procfile-lines.js";

/**
 * A command line as exec-form words when it has no shell syntax, so the job's process is PID 1
 * and gets ECS's SIGTERM itself; otherwise through `sh -c`, as a Procfile or npm would run it.
 */
export function commandWords(line: string): string[] {
  const split = splitCommand(line);
  const words = "words" in split ? split.words : [];
  // `NAME=value cmd` sets a variable for cmd: that is shell syntax too.
  const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? "");
  return words.length > 0 && !assignment ? words : ["/bin/sh", "-c", line];
}

/** The Procfile's process for a scheduled job, by {@link PROCFILE_TYPES} (cron first, web last). */
export async function procfileStart(ctx: DetectContext): Promise<Start | undefined> {
  const text = await ctx.files.read("Procfile");
  if (text === undefined) return undefined;
  const processes = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.*\S)\s*$/.exec(line);
    if (match?.[1] && match[2] && !line.trimStart().startsWith("#")) processes.set(match[1], match[2]);
  }
  for (const type of PROCFILE_TYPES) {
    const line = processes.get(type);
    if (line !== undefined) {
      const others = [...processes.keys()].filter((name) => name !== type && name !== "release");
      if (others.length > 0) {
        ctx.notes.push(
          `Procfile has ${[type, ...others].join(", ")}: using ${type} (precedence ${PROCFILE_TYPES.join(" > ")})`,
        );
      }
      ctx.notes.push(...procfileLineWarnings(type, line));
      return { command: commandWords(line), source: `Procfile ${type}` };
    }
  }
  ctx.notes.push(
    `Procfile has no ${PROCFILE_TYPES.join(", ")} process${processes.size > 0 ? ` (found: ${[...processes.keys()].join(", ")})` : ""}: ignored`,
  );
  return undefined;
}

/** `start.sh` at the root, run by the interpreter its #! line names (the exec bit may be lost). */
export async function startScript(ctx: DetectContext): Promise<Start | undefined> {
  const text = await ctx.files.read("start.sh");
  if (text === undefined) return undefined;
  const shebang = /^#!\s*(.+)/.exec(text)?.[1]?.trim().split(/\s+/) ?? ["/bin/sh"];
  return { command: [...shebang, "start.sh"], source: "start.sh" };
}

export interface StartSearch {
  /** The language's own convention (package.json scripts.start, main.py…). */
  conventional: () => Promise<Start | undefined>;
  /**
   * Whether a Procfile and start.sh may name the start. Compiled languages say no: those files
   * name paths of another build layout, while the image runs the binary it built.
   */
  procfile: boolean;
  /** What was looked for, for the error: `package.json has no "start" script…`. */
  lookedFor: string;
  /** The language's own fix, first in the remedy: `add a "start" script to package.json`. */
  remedy: string;
  /** The remedy already names the job command and START_CMD: do not append them again. */
  remedyIsComplete?: boolean;
}

/**
 * The start command, by precedence: the job's command or START_CMD, then a Procfile, then the
 * language's convention, then start.sh. Without one the build stops here, before anything runs.
 */
export async function chooseStart(ctx: DetectContext, search: StartSearch): Promise<Start> {
  if (ctx.start) return ctx.start;
  if (search.procfile) {
    const fromProcfile = await procfileStart(ctx);
    if (fromProcfile) return fromProcfile;
  }
  const conventional = await search.conventional();
  if (conventional) return conventional;
  if (search.procfile) {
    const script = await startScript(ctx);
    if (script) return script;
  }
  throw inputError(
    `no start command for the job in ${ctx.dir}: ${search.lookedFor}`,
    search.remedyIsComplete
      ? search.remedy
      : `${search.remedy}, set ${jobCommandPath(ctx)} in flexjob.yml, or set build arg START_CMD`,
  );
}
