import ignore, { type Ignore } from "ignore";
import type { RepoFiles } from "./repo-files.js";

/** One .gitignore: its rules apply to paths below the folder it is in. */
interface Rules {
  /** The folder, relative to the repository root; `""` for the root. */
  base: string;
  rules: Ignore;
}

/** Folders never walked: version control, and dependency trees a .gitignore usually names anyway. */
const NOT_WALKED = new Set([".git", "node_modules"]);

function join(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

async function rulesIn(files: RepoFiles, dir: string): Promise<Rules | undefined> {
  const text = await files.read(join(dir, ".gitignore"));
  return text === undefined ? undefined : { base: dir, rules: ignore().add(text) };
}

/**
 * Whether git ignores the path: every .gitignore from the root down is asked in turn, and a
 * deeper file's verdict (an ignore, or a `!` exception) overrides a shallower one's, as in git.
 */
function ignoredBy(levels: readonly Rules[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, rules } of levels) {
    const relative = base === "" ? path : path.slice(base.length + 1);
    const verdict = rules.test(isDir ? `${relative}/` : relative);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

async function walk(files: RepoFiles, dir: string, levels: readonly Rules[], out: string[]): Promise<void> {
  const here = await rulesIn(files, dir);
  const active = here === undefined ? levels : [...levels, here];
  for (const entry of await files.list(dir)) {
    const isDir = entry.endsWith("/");
    const name = isDir ? entry.slice(0, -1) : entry;
    const path = join(dir, name);
    // A folder git ignores is left out whole: git never looks inside it, so nothing there can be re-included.
    if (ignoredBy(active, path, isDir)) out.push(path);
    else if (isDir && !NOT_WALKED.has(name)) await walk(files, path, active, out);
  }
}

/**
 * The paths under `start` that the repository's .gitignore files ignore (those of `start`'s
 * parent folders included), relative to `start`, topmost only: a folder stands for everything
 * in it. Read through {@link RepoFiles} rooted at the repository, so links are not followed.
 * Git's other sources of ignores (`.git/info/exclude`, `core.excludesFile`) belong to one
 * machine, not the repository, and are not read.
 *
 * @param start the build context, relative to the repository root (`""` for the root)
 */
export async function gitignoredPaths(files: RepoFiles, start = ""): Promise<string[]> {
  const levels: Rules[] = [];
  const parts = start.split("/").filter((part) => part !== "");
  for (let depth = 0; depth < parts.length; depth++) {
    const rules = await rulesIn(files, parts.slice(0, depth).join("/"));
    if (rules !== undefined) levels.push(rules);
  }
  const out: string[] = [];
  await walk(files, parts.join("/"), levels, out);
  const prefix = parts.length === 0 ? 0 : parts.join("/").length + 1;
  return out.map((path) => path.slice(prefix)).sort();
}
