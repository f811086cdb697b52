import { constants } from "node:fs";
import { lstat, open, readdir, realpath, stat } from "node:fs/promises";
import { dirname, join, posix, resolve, sep } from "node:path";
import { FlexjobError } from "../errors.js";

/**
 * The largest file flexjob reads from a repository. Manifests and version files are tiny; the
 * biggest thing detection reads is a lockfile, and those of large monorepos stay well below
 * this. A link to something endless (a device, /proc) is refused before any read; the cap is
 * the second line.
 */
export const MAX_REPO_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The only way detection sees a repository: by relative, `/`-separated paths inside the job's
 * rootDir. Detection never looks at the build machine itself (its Node version, its PATH), so a
 * plan depends on the repository alone, and tests run detection on in-memory trees.
 *
 * Files are data: a path that is, or passes through, a link leading out of the repository, a
 * folder or special file where a file is read, or a file over {@link MAX_REPO_FILE_BYTES} is an
 * error naming the path — never the content of whatever the link points at.
 */
export interface RepoFiles {
  /** The file's text, or undefined when there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** Whether a file or folder exists at the path. */
  exists(path: string): Promise<boolean>;
  /** Names of the entries of a folder (`""` is the root), sorted; a folder's name ends in `/`. */
  list(dir: string): Promise<string[]>;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function missing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

function unreadable(path: string, root: string, why: string, remedy: string): FlexjobError {
  return new FlexjobError(`${path} in ${root} ${why}`, { code: "INPUT_INVALID", fault: "user", remedy });
}

function notAFile(path: string, root: string, what: string): FlexjobError {
  return unreadable(
    path,
    root,
    `is ${what}, not a file`,
    `make ${path} a regular file, or rename the ${what === "a folder" ? "folder" : "entry"}; flexjob reads it to decide how to build the image`,
  );
}

function tooBig(path: string, root: string, size: number): FlexjobError {
  return unreadable(
    path,
    root,
    `is ${size} bytes, over the ${MAX_REPO_FILE_BYTES} bytes flexjob reads from a repository file`,
    `shrink ${path}, or add a Dockerfile so flexjob does not need to read it`,
  );
}

function isInside(boundary: string, real: string): boolean {
  return real === boundary || real.startsWith(boundary.endsWith(sep) ? boundary : `${boundary}${sep}`);
}

/** Reads a regular file without following a link and without blocking on a FIFO. */
async function readCapped(real: string, path: string, root: string): Promise<string> {
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notAFile(path, root, "a special file (a device, FIFO or socket)");
    if (info.size > MAX_REPO_FILE_BYTES) throw tooBig(path, root, info.size);
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * A {@link RepoFiles} over a folder on disk. `boundary` is the repository the folder belongs to
 * (default: the folder itself): a link to another place inside it is followed, a link out of it
 * is an error.
 */
export function nodeRepoFiles(root: string, options: { boundary?: string } = {}): RepoFiles {
  const at = (path: string) => join(root, ...path.split("/").filter((part) => part !== ""));
  let boundaryReal: Promise<string> | undefined;
  /** The real path of `path`, checked to be inside the boundary; undefined when nothing is there. */
  const locate = async (path: string): Promise<string | undefined> => {
    boundaryReal ??= realpath(options.boundary ?? root);
    let real: string;
    try {
      real = await realpath(at(path));
    } catch (error) {
      if (missing(error)) return undefined;
      if (errorCode(error) === "ELOOP")
        throw unreadable(path || ".", root, "is a symbolic link loop", `remove the link loop at ${path}`);
      throw error;
    }
    if (!isInside(await boundaryReal, real)) {
      throw unreadable(
        path || ".",
        root,
        "is a symbolic link (or inside one) that leads out of the repository",
        `replace the link with the file itself, or point it at a file inside ${options.boundary ?? root}`,
      );
    }
    return real;
  };
  return {
    async read(path) {
      const real = await locate(path);
      if (real === undefined) return undefined;
      const info = await stat(real);
      if (info.isDirectory()) throw notAFile(path, root, "a folder");
      if (!info.isFile()) throw notAFile(path, root, "a special file (a device, FIFO or socket)");
      if (info.size > MAX_REPO_FILE_BYTES) throw tooBig(path, root, info.size);
      return readCapped(real, path, root);
    },
    async exists(path) {
      return (await locate(path)) !== undefined;
    },
    async list(dir) {
      const real = await locate(dir);
      if (real === undefined) return [];
      try {
        const entries = await readdir(real, { withFileTypes: true });
        return entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort();
      } catch (error) {
        if (missing(error)) return [];
        throw error;
      }
    },
  };
}

/**
 * The repository a folder belongs to: the nearest folder at or above it holding `.git` (a git
 * work tree, where .gitignore files apply), else the folder itself. Links out of it are refused.
 */
export async function findRepositoryRoot(dir: string): Promise<string> {
  const start = resolve(dir);
  for (let current = start; ; current = dirname(current)) {
    if (
      await lstat(join(current, ".git")).then(
        () => true,
        () => false,
      )
    )
      return current;
    if (dirname(current) === current) return start;
  }
}

/**
 * A {@link RepoFiles} over a plain object of path → content, for tests and for callers that
 * already hold the files. Folders exist implicitly through the paths beneath them.
 */
export function memoryRepoFiles(tree: Readonly<Record<string, string>>): RepoFiles {
  const normalise = (path: string) => posix.normalize(path).replace(/^(\.\/)+|\/$/g, "");
  const files = new Map(Object.entries(tree).map(([path, content]) => [normalise(path), content]));
  const isFolder = (wanted: string) =>
    wanted === "" || wanted === "." || [...files.keys()].some((file) => file.startsWith(`${wanted}/`));
  return {
    async read(path) {
      const wanted = normalise(path);
      const content = files.get(wanted);
      if (content === undefined && isFolder(wanted)) throw notAFile(path, "the repository", "a folder");
      return content;
    },
    async exists(path) {
      const wanted = normalise(path);
      return files.has(wanted) || isFolder(wanted);
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
