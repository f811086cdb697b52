#!/usr/bin/env node
// Builds the Action's bundle with esbuild: dist/index.js plus the chunks it imports on demand (the
// AWS SDK loads its SSO and STS credential providers only when the credentials need them),
// minified, each with a source map that the Action reads only to show a bug's stack
// (src/stack-trace.ts), and licenses.txt for what it ships. esbuild won on measurements against
// ncc and rolldown (bench/action-startup.ts prints them); with the two plugins below, start-up
// parses 1.7 MB of JavaScript where ncc's bundle had 3.9 MB.
//
//   node scripts/bundle.mjs [outdir]   outdir defaults to the repository's dist/
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import {
  englishOnlyZod,
  httpByRequire,
  licensesOf,
  literalSchemaKeys,
  shippedInputs,
} from "../../../scripts/bundling.mjs";

const actionDir = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * @actions/core imports its OIDC helper, and through it @actions/http-client and undici (0.4 MB
 * minified), for getIDToken alone, which the Action never calls. Declaring those modules free of
 * side effects lets esbuild drop them when nothing uses what they export.
 */
const unusedHttpClient = {
  name: "unused-http-client",
  setup(build) {
    const skip = Symbol("resolving");
    build.onResolve({ filter: /^@actions\/http-client|\/oidc-utils\.js$/ }, async (args) => {
      if (args.pluginData === skip) return undefined;
      const { path, errors } = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: skip,
      });
      return errors.length > 0 ? { errors } : { path, sideEffects: false };
    });
  },
};

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
    // `module` too: esbuild drops its default conditions once any are given, and without it
    // @smithy/core and @aws-sdk/core resolve to their CommonJS builds, which do not tree-shake.
    conditions: ["flexjob-source", "module"],
    mainFields: ["module", "main"],
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    minify: true,
    // Enough for stack traces to name source files and lines; the sources are in the repository.
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "none",
    plugins: [unusedHttpClient, englishOnlyZod, literalSchemaKeys, httpByRequire],
    metafile: true,
    logLevel: "warning",
    // CommonJS dependencies call require() for Node's built-ins, which ES modules do not define.
    banner: {
      js: 'import{createRequire as __flexjobRequire}from"node:module";const require=__flexjobRequire(import.meta.url);',
    },
  });
  // dist/ sits in a package.json-less repository root: this makes Node load its .js as ES modules.
  writeFileSync(join(outdir, "package.json"), `${JSON.stringify({ type: "module" }, null, 2)}\n`);
  writeFileSync(join(outdir, "licenses.txt"), licensesOf(shippedInputs(result.metafile), actionDir));
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(actionDir, "..", "..", "dist"));
  await bundle(outdir);
}
