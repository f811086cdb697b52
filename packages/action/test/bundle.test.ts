/**
 * What `pnpm run build:action` puts in dist/, built here into a temporary folder: chunks with their
 * source maps, and none of the code the Action never runs that a bundler keeps unless told.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shippedInputs } from "../../../scripts/bundling.mjs";
import { bundle } from "../scripts/bundle.mjs";

let outdir: string;
let inputs: string[];

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), "flexjob-bundle-"));
  const metafile = await bundle(outdir);
  inputs = shippedInputs(metafile);
}, 120_000);
afterAll(() => rm(outdir, { recursive: true, force: true }));

describe("the Action bundle", () => {
  it("has index.js as its entry and a source map beside every JavaScript file", () => {
    const files = readdirSync(outdir, { recursive: true, encoding: "utf8" });
    const scripts = files.filter((file) => file.endsWith(".js"));
    expect(scripts).toContain("index.js");
    expect(scripts.filter((file) => !existsSync(join(outdir, `${file}.map`)))).toEqual([]);
  });

  it("leaves out @actions/core's HTTP client, which only its unused getIDToken needs", () => {
    expect(
      inputs.filter((input) => /node_modules\/(undici|@actions\/http-client|tunnel)\//.test(input)),
    ).toEqual([]);
  });

  it("takes the AWS SDK's ES modules, which tree-shake, never its CommonJS builds", () => {
    expect(inputs.filter((input) => input.includes("/dist-cjs/"))).toEqual([]);
  });

  it("keeps zod's English messages alone of its locales", () => {
    const locales = inputs.filter((input) => /zod\/v4\/locales\/[^/]+\.js$/.test(input));
    expect(locales.map((input) => input.replace(/^.*\/locales\//, "")).sort()).toEqual(["en.js", "index.js"]);
  });

  it("keeps of EC2's schemas the shapes of the four Describe calls flexjob sends, in their own chunk", async () => {
    const files = readdirSync(join(outdir, "chunks")).filter((file) => file.endsWith(".js"));
    const ec2 = files.filter((file) => file.startsWith("ec2-"));
    expect(ec2).toHaveLength(1);
    const text = await readFile(join(outdir, "chunks", ec2[0] ?? ""), "utf8");
    expect(text).toContain("DescribeSubnetsRequest");
    // A shape only other calls use: the whole 0.5 MB of schemas used to ship.
    expect(text).not.toContain("RunInstancesRequest");
    const index = await readFile(join(outdir, "index.js"), "utf8");
    expect(index).not.toContain("DescribeSubnetsRequest");
  });

  it("lists the licenses of what it ships", async () => {
    const licenses = await readFile(join(outdir, "licenses.txt"), "utf8");
    expect(licenses).toContain("@actions/core\nMIT\n");
    expect(licenses).toContain("zod\nMIT\n");
    expect(licenses).not.toContain("undici");
  });
});
