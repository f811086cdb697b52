import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commitTag, imageTag, sourceIdentity } from "./image-tag.js";

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexjob-tag-"));
  await write(dir, files);
  const env = { ...process.env, GIT_COMMITTER_DATE: "2026-01-02T03:04:05Z" };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe", env });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A");
  git(
    "-c",
    "user.email=t@example.com",
    "-c",
    "user.name=t",
    "commit",
    "-q",
    "-m",
    "first",
    "--date=2026-01-02T03:04:05Z",
  );
  return dir;
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

function commit(dir: string, message: string): void {
  execFileSync(
    "git",
    ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-am", message],
    { cwd: dir },
  );
}

describe("sourceIdentity", () => {
  it("uses the committed git tree of the folder, with the commit and its time", async () => {
    const dir = await repo({ "apps/a/index.js": "a", "apps/b/index.js": "b" });
    const identity = await sourceIdentity(join(dir, "apps/a"));
    const tree = execFileSync("git", ["rev-parse", "HEAD:apps/a"], { cwd: dir }).toString().trim();
    expect(identity).toEqual({
      treeHash: tree,
      from: "git-tree",
      commit: execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir }).toString().trim(),
      commitTime: Date.parse("2026-01-02T03:04:05Z") / 1000,
    });
  });

  it("keeps the hash when a commit touches only another folder, and changes it when this one changes", async () => {
    const dir = await repo({ "apps/a/index.js": "a", "apps/b/index.js": "b" });
    const before = await sourceIdentity(join(dir, "apps/a"));
    await write(dir, { "apps/b/index.js": "b2" });
    commit(dir, "touch b");
    const unrelated = await sourceIdentity(join(dir, "apps/a"));
    expect(unrelated.treeHash).toBe(before.treeHash);
    expect(unrelated.commit).not.toBe(before.commit);
    await write(dir, { "apps/a/index.js": "a2" });
    commit(dir, "touch a");
    expect((await sourceIdentity(join(dir, "apps/a"))).treeHash).not.toBe(before.treeHash);
  });

  it("hashes the files git would include when the folder has uncommitted changes, ignoring ignored files", async () => {
    const dir = await repo({ "index.js": "one", ".gitignore": "*.log\n" });
    await write(dir, { "index.js": "two" });
    const dirty = await sourceIdentity(dir);
    expect(dirty.from).toBe("files");
    await write(dir, { "debug.log": "noise" });
    expect((await sourceIdentity(dir)).treeHash).toBe(dirty.treeHash);
    await write(dir, { "new.js": "untracked but not ignored" });
    expect((await sourceIdentity(dir)).treeHash).not.toBe(dirty.treeHash);
  });

  it("hashes an untracked link by its target and a FIFO by its kind, never reading through them", async () => {
    const dir = await repo({ "index.js": "one" });
    await symlink("/proc/self/environ", join(dir, "env-link"));
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const first = await sourceIdentity(dir);
    expect(first.from).toBe("files");
    expect((await sourceIdentity(dir)).treeHash).toBe(first.treeHash);
    await rm(join(dir, "env-link"));
    await symlink("/etc/hostname", join(dir, "env-link"));
    expect((await sourceIdentity(dir)).treeHash).not.toBe(first.treeHash);
  });

  it("hashes every file outside a git repository", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flexjob-nogit-"));
    await write(dir, { "main.py": "print(1)" });
    const first = await sourceIdentity(dir);
    expect(first).toMatchObject({ from: "files", commit: undefined, commitTime: undefined });
    await write(dir, { "main.py": "print(2)" });
    expect((await sourceIdentity(dir)).treeHash).not.toBe(first.treeHash);
  });
});

describe("imageTag", () => {
  const inputs = {
    treeHash: "abc",
    dockerfile: "FROM x",
    buildArgs: { A: "1" },
    platforms: ["linux/amd64"],
    contextRules: "**/.env",
  };

  it("is stable for the same inputs and a valid ECR tag", () => {
    expect(imageTag(inputs)).toBe(imageTag({ ...inputs, buildArgs: { A: "1" } }));
    expect(imageTag(inputs)).toMatch(/^src-[0-9a-f]{24}$/);
  });

  it.each([
    ["the source", { treeHash: "abd" }],
    ["the Dockerfile", { dockerfile: "FROM y" }],
    ["a build arg", { buildArgs: { A: "2" } }],
    ["the platforms", { platforms: ["linux/amd64", "linux/arm64"] }],
    // An image built when flexjob left fewer files out may hold credentials: it is rebuilt.
    ["flexjob's build-context rules", { contextRules: "**/.env\n**/.npmrc" }],
  ])("changes with %s", (_what, change) => {
    expect(imageTag({ ...inputs, ...change })).not.toBe(imageTag(inputs));
  });

  it("names the commit", () => {
    expect(commitTag("0123456789abcdef0123")).toBe("git-0123456789ab");
  });
});
