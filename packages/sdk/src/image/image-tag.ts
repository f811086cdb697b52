import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { canonicalJson } from "../plan/canonical-json.js";

const exec = promisify(execFile);

/** What identifies a job's source: a content hash of its folder, and the commit when there is one. */
export interface SourceIdentity {
  /** Hex hash of the folder's content. */
  treeHash: string;
  /**
   * `git-tree`: the committed tree of the folder (`git rev-parse HEAD:<dir>`), free to compute.
   * `files`: a hash of the files git would include — for uncommitted changes, or outside git.
   */
  from: "git-tree" | "files";
  commit: string | undefined;
  /** Commit time in seconds since the epoch: SOURCE_DATE_EPOCH for reproducible layers. */
  commitTime: number | undefined;
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await exec("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * The folder's identity. A push that did not touch this folder leaves its git tree hash unchanged,
 * so the image tag derived from it is unchanged and the build is skipped entirely.
 */
export async function sourceIdentity(dir: string): Promise<SourceIdentity> {
  const top = await git(dir, ["rev-parse", "--show-toplevel"]);
  if (top === undefined)
    return {
      treeHash: await hashFiles(dir, await walk(dir)),
      from: "files",
      commit: undefined,
      commitTime: undefined,
    };
  const path = relative(top, dir).split(sep).join("/");
  const pathspec = path === "" ? "." : path;
  const [dirty, commit, commitTime] = await Promise.all([
    git(top, ["status", "--porcelain", "--untracked-files=all", "--", pathspec]),
    git(top, ["rev-parse", "HEAD"]),
    git(top, ["log", "-1", "--format=%ct"]),
  ]);
  const time = commitTime ? Number(commitTime) : undefined;
  if (dirty === "" && commit !== undefined) {
    const tree = await git(top, ["rev-parse", path === "" ? "HEAD^{tree}" : `HEAD:${path}`]);
    if (tree !== undefined) return { treeHash: tree, from: "git-tree", commit, commitTime: time };
  }
  // Tracked and untracked-but-not-ignored files: exactly what a commit of this state would hold.
  const listed = await git(top, [
    "ls-files",
    "-z",
    "--cached",
    "--others",
    "--exclude-standard",
    "--",
    pathspec,
  ]);
  const files = (listed ?? "")
    .split("\0")
    .filter((file) => file !== "")
    .map((file) => (path === "" ? file : file.slice(path.length + 1)));
  return { treeHash: await hashFiles(dir, files), from: "files", commit, commitTime: time };
}

async function walk(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name === ".git") continue;
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await walk(dir, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * What a path contributes to the hash, as git sees it: a file its content, a link the text of its
 * target (never what it points at, which may be outside the repository or endless), anything
 * else — a FIFO would block a read — only its kind.
 */
async function entryDigest(path: string): Promise<string> {
  const info = await lstat(path).catch(() => undefined);
  // A file deleted but still listed by git (removed in the work tree) contributes its absence.
  if (info === undefined) return "-";
  if (info.isSymbolicLink()) return `link:${await readlink(path)}`;
  if (!info.isFile()) return "special";
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

async function hashFiles(dir: string, files: string[]): Promise<string> {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) hash.update(`${file}\0${await entryDigest(join(dir, file))}\n`);
  return hash.digest("hex");
}

/** Everything that decides what an image build produces. */
export interface BuildInputs {
  treeHash: string;
  dockerfile: string;
  buildArgs: Readonly<Record<string, string>>;
  platforms: readonly string[];
  /**
   * flexjob's own build-context rules (its default .dockerignore lines for the build): when a new
   * version leaves more out (credential files, nested .env), an image built under the old rules,
   * which may hold them, is rebuilt rather than reused.
   */
  contextRules: string;
}

/**
 * The image tag: a hash of the source tree and every build input, so the same inputs always name
 * the same image and anything that changes the image changes the tag. ECR tags allow
 * `[a-zA-Z0-9_.-]`, up to 128 characters.
 */
export function imageTag(inputs: BuildInputs): string {
  const digest = createHash("sha256").update(canonicalJson(inputs)).digest("hex");
  return `src-${digest.slice(0, 24)}`;
}

/** The commit tag every built image also gets, so an image can be traced to its commit. */
export function commitTag(commit: string): string {
  return `git-${commit.slice(0, 12)}`;
}
