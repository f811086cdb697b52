import { readdir, readFile, stat } from "node:fs/promises";
import { join, posix } from "node:path";

/**
 * The only way detection sees a repository: by relative, `/`-separated paths inside the job's
 * rootDir. Detection never looks at the build machine itself (its Node version, its PATH), so a
 * plan depends on the repository alone, and tests run detection on in-memory trees.
 */
export interface RepoFiles {
  /** The file's text, or undefined when there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** Whether a file or folder exists at the path. */
  exists(path: string): Promise<boolean>;
  /** Names of the entries of a folder (`""` is the root), sorted; a folder's name ends in `/`. */
  list(dir: string): Promise<string[]>;
}

function missing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

/** A {@link RepoFiles} over a folder on disk. */
export function nodeRepoFiles(root: string): RepoFiles {
  const at = (path: string) => join(root, ...path.split("/").filter((part) => part !== ""));
  return {
    async read(path) {
      try {
        return await readFile(at(path), "utf8");
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    async exists(path) {
      try {
        await stat(at(path));
        return true;
      } catch (error) {
        if (missing(error)) return false;
        throw error;
      }
    },
    async list(dir) {
      try {
        const entries = await readdir(at(dir), { withFileTypes: true });
        return entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
      } catch (error) {
        if (missing(error)) return [];
        throw error;
      }
    },
  };
}

/**
 * A {@link RepoFiles} over a plain object of path → content, for tests and for callers that
 * already hold the files. Folders exist implicitly through the paths beneath them.
 */
export function memoryRepoFiles(tree: Readonly<Record<string, string>>): RepoFiles {
  const normalise = (path: string) => posix.normalize(path).replace(/^(\.\/)+|\/$/g, "");
  const files = new Map(Object.entries(tree).map(([path, content]) => [normalise(path), content]));
  return {
    async read(path) {
      return files.get(normalise(path));
    },
    async exists(path) {
      const wanted = normalise(path);
      if (wanted === "" || wanted === ".") return true;
      return files.has(wanted) || [...files.keys()].some((file) => file.startsWith(`${wanted}/`));
    },
    async list(dir) {
      const wanted = normalise(dir);
      const prefix = wanted === "" || wanted === "." ? "" : `${wanted}/`;
      const names = new Set<string>();
      for (const file of files.keys()) {
        if (!file.startsWith(prefix)) continue;
        const rest = file.slice(prefix.length);
        const slash = rest.indexOf("/");
        names.add(slash === -1 ? rest : `${rest.slice(0, slash)}/`);
      }
      return [...names].sort();
    },
  };
}
