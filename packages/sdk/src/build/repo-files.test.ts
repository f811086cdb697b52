import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { memoryRepoFiles, nodeRepoFiles, type RepoFiles } from "./repo-files.js";

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
  it("reads files, and undefined for a missing one or a folder", async () => {
    const files = await make();
    expect(await files.read("go.mod")).toBe("module x\n");
    expect(await files.read("cmd/sync/main.go")).toBe("package main\n");
    expect(await files.read("missing.txt")).toBeUndefined();
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
