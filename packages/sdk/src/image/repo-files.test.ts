import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_REPO_FILE_BYTES, memoryRepoFiles, nodeRepoFiles, type RepoFiles } from "./repo-files.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function onDisk(): Promise<RepoFiles> {
  dir = await mkdtemp(join(tmpdir(), "flexjob-repo-"));
  await mkdir(join(dir, "cmd", "sync"), { recursive: true });
  await writeFile(join(dir, "go.mod"), "module x\n");
  await writeFile(join(dir, "cmd", "sync", "main.go"), "package main\n");
  return nodeRepoFiles(dir);
}

const inMemory = async () =>
  memoryRepoFiles({ "go.mod": "module x\n", "cmd/sync/main.go": "package main\n" });

describe.each([
  ["nodeRepoFiles", onDisk],
  ["memoryRepoFiles", inMemory],
])("%s", (_name, make) => {
  it("reads files, undefined for a missing one, and a folder is an error", async () => {
    const files = await make();
    expect(await files.read("go.mod")).toBe("module x\n");
    expect(await files.read("cmd/sync/main.go")).toBe("package main\n");
    expect(await files.read("missing.txt")).toBeUndefined();
    await expect(files.read("cmd")).rejects.toThrow(/^cmd in .* is a folder, not a file$/);
  });

  it("knows files and folders exist", async () => {
    const files = await make();
    expect(await files.exists("cmd")).toBe(true);
    expect(await files.exists("cmd/sync/main.go")).toBe(true);
    expect(await files.exists("cmd/other")).toBe(false);
  });

  it("lists a folder sorted, folders ending in /, and nothing for a missing one", async () => {
    const files = await make();
    expect(await files.list("")).toEqual(["cmd/", "go.mod"]);
    expect(await files.list("cmd")).toEqual(["sync/"]);
    expect(await files.list("nope")).toEqual([]);
  });
});

describe("nodeRepoFiles: files are data, never links out of the repository", () => {
  async function repo(): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), "flexjob-repo-"));
    await mkdir(join(dir, "app", "src"), { recursive: true });
    await writeFile(join(dir, ".nvmrc"), "22\n");
    await writeFile(join(dir, "outside.txt"), "SECRET=1\n");
    return dir;
  }

  it("a link to /proc/self/environ is an error naming the path, never its content", async () => {
    const root = await repo();
    await symlink("/proc/self/environ", join(root, "app", ".nvmrc"));
    const error = await nodeRepoFiles(join(root, "app"))
      .read(".nvmrc")
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "INPUT_INVALID",
      message: `.nvmrc in ${join(root, "app")} is a symbolic link (or inside one) that leads out of the repository`,
      remedy: `replace the link with the file itself, or point it at a file inside ${join(root, "app")}`,
    });
  });

  it("a link inside the repository is followed; a link to a folder out of it is refused for list and exists too", async () => {
    const root = await repo();
    await symlink("../.nvmrc", join(root, "app", ".nvmrc"));
    await symlink("/etc", join(root, "app", "etc"));
    await symlink("../../outside.txt", join(root, "app", "src", "config.txt"));
    const files = nodeRepoFiles(join(root, "app"), { boundary: root });
    expect(await files.read(".nvmrc")).toBe("22\n");
    expect(await files.read("src/config.txt")).toBe("SECRET=1\n");
    await expect(files.list("etc")).rejects.toThrow("etc in");
    await expect(files.exists("etc/passwd")).rejects.toThrow("leads out of the repository");
    await expect(nodeRepoFiles(join(root, "app")).read("src/config.txt")).rejects.toThrow(
      "src/config.txt in",
    );
  });

  it("a FIFO is an error at once, not a hang, and a link loop is an error", async () => {
    const root = await repo();
    execFileSync("mkfifo", [join(root, "go.mod")]);
    await symlink("loop-b", join(root, "loop-a"));
    await symlink("loop-a", join(root, "loop-b"));
    const files = nodeRepoFiles(root);
    await expect(files.read("go.mod")).rejects.toThrow(
      `go.mod in ${root} is a special file (a device, FIFO or socket), not a file`,
    );
    await expect(files.read("loop-a")).rejects.toThrow(`loop-a in ${root} is a symbolic link loop`);
  });

  it("a file over the size cap is an error naming its size", async () => {
    const root = await repo();
    await writeFile(join(root, "yarn.lock"), "");
    await truncate(join(root, "yarn.lock"), MAX_REPO_FILE_BYTES + 1);
    await expect(nodeRepoFiles(root).read("yarn.lock")).rejects.toThrow(
      `yarn.lock in ${root} is ${MAX_REPO_FILE_BYTES + 1} bytes, over the ${MAX_REPO_FILE_BYTES} bytes flexjob reads from a repository file`,
    );
  });
});
