/**
 * The README's `npm start -- <command>`: flexjob's output alone on stdout (set-up and build output
 * go to stderr), run in the folder the user called it from (npm's INIT_CWD), not the repo root.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");
let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** `npm start -- ...args` as npm runs it: the script in the repo root, INIT_CWD where npm was called. */
function npmStart(args: string[], initCwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "scripts/toolchain.mjs"), "start", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, INIT_CWD: initCwd },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout }));
  });
}

describe("npm start -- <command>", () => {
  it("prints only flexjob's JSON on stdout, for the config in the folder it was called from", async () => {
    dir = await mkdtemp(join(tmpdir(), "flexjob-npm-start-"));
    await writeFile(
      join(dir, "flexjob.yml"),
      "app: elsewhere\njobs:\n  tick:\n    image: redis:alpine\n    schedule: rate(1 hour)\n",
    );
    const { code, stdout } = await npmStart(["validate", "--json"], dir);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { app: string }).app).toBe("elsewhere");
  }, 180_000);

  it("writes init's starter into the folder it was called from, not the repository root", async () => {
    dir = await mkdtemp(join(tmpdir(), "flexjob-npm-start-"));
    const { code } = await npmStart(["init"], dir);
    expect(code).toBe(0);
    expect(await readFile(join(dir, "flexjob.yml"), "utf8")).toContain("jobs:");
  }, 180_000);
});
