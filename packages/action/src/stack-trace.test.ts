import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { sourceMappedFrames } from "./stack-trace.js";

const root = await mkdtemp(join(tmpdir(), "flexjob-stack-"));
afterAll(() => rm(root, { recursive: true, force: true }));

/**
 * The stack of an error thrown in a minified chunk with a linked map, laid out as dist/chunks/ is,
 * as a Node process without source maps turned on writes it (vitest turns them on for itself).
 */
async function stackFromBundle(): Promise<string> {
  await mkdir(join(root, "src"));
  await writeFile(
    join(root, "src/fail.ts"),
    'export function fail(): void {\n  throw new TypeError("boom");\n}\n',
  );
  await writeFile(
    join(root, "src/entry.ts"),
    'import { fail } from "./fail.js";\nexport const run = () => fail();\n',
  );
  await build({
    entryPoints: [join(root, "src/entry.ts")],
    outdir: join(root, "dist/chunks"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    minify: true,
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "silent",
  });
  const chunk = pathToFileURL(join(root, "dist/chunks/entry.mjs")).href;
  const script = `const { run } = await import(${JSON.stringify(chunk)}); try { run() } catch (e) { process.stdout.write(e.stack) }`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
}

describe("sourceMappedFrames", () => {
  it("names the source file and line of each frame in a bundled file, and drops the message", async () => {
    const thrown = new TypeError("boom");
    thrown.stack = await stackFromBundle();
    expect(thrown.stack).toMatch(/entry\.mjs:1:\d+\)/);
    const frames = sourceMappedFrames(thrown);
    // Function names stay minified: the positions are what a reader follows.
    expect(frames.slice(0, 2).map((frame) => frame.replace(/^at \S+ /, "at _ "))).toEqual([
      "at _ (src/fail.ts:2:9)",
      "at _ (src/entry.ts:2:26)",
    ]);
    expect(frames.join("\n")).not.toContain("boom");
  });

  it("keeps positions in files without a map as they are", () => {
    const error = new Error("plain");
    error.stack = "Error: plain\n    at main (file:///nowhere/index.js:3:7)\n    at node:internal/main:1:1";
    expect(sourceMappedFrames(error)).toEqual([
      "at main (file:///nowhere/index.js:3:7)",
      "at node:internal/main:1:1",
    ]);
  });
});
