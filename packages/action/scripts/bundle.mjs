#!/usr/bin/env node
// Builds the Action's bundle with esbuild: dist/index.js plus the chunks it imports on demand,
// minified, each with a source map, and licenses.txt for what it ships. esbuild won on
// measurements against ncc and rolldown (bench/action-startup.ts prints them): it reads the AWS
// SDK's ES modules, so tree shaking drops the commands flexjob never sends, and its code splitting
// keeps what a run needs only sometimes (source builds, network discovery) out of the start-up path.
//
//   node scripts/bundle.mjs [outdir]   outdir defaults to the repository's dist/
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const actionDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Bundles the Action into `outdir`, which it empties first so no chunk of an older build stays. */
export async function bundle(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: actionDir,
    entryPoints: { index: "src/index.ts" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    // The SDK from its sources, as the tests run it; the AWS SDK's ES modules, which tree-shake.
    conditions: ["flexjob-source"],
    mainFields: ["module", "main"],
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    minify: true,
    // Enough for stack traces to name source files and lines; the sources are in the repository.
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    // CommonJS dependencies call require() for Node's built-ins, which ES modules do not define.
    banner: {
      js: 'import{createRequire as __flexjobRequire}from"node:module";const require=__flexjobRequire(import.meta.url);',
    },
  });
  // dist/ sits in a package.json-less repository root: this makes Node load its .js as ES modules.
  writeFileSync(join(outdir, "package.json"), `${JSON.stringify({ type: "module" }, null, 2)}\n`);
  writeFileSync(join(outdir, "licenses.txt"), licensesOf(Object.keys(result.metafile.inputs)));
  return result.metafile;
}

/** Each bundled npm package once, with its license and license file, as ncc's --license wrote them. */
function licensesOf(inputs) {
  const roots = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) roots.add(resolve(actionDir, match[1]));
  }
  const entries = [...roots].map((root) => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const file = readdirSync(root).find((name) => /^licen[cs]e/i.test(name));
    const text = file === undefined ? "" : readFileSync(join(root, file), "utf8").trim();
    return `${manifest.name}\n${manifest.license ?? "UNKNOWN"}\n${text}`;
  });
  return `${[...new Set(entries)].sort().join("\n\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(actionDir, "..", "..", "dist"));
  await bundle(outdir);
}
