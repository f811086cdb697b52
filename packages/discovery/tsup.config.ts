import { join } from "node:path";
import { defineConfig } from "tsup";
import { writeLicenses } from "../../scripts/bundling.mjs";

/**
 * The Cloud Map client is bundled in, with everything it pulls in: installed from npm, the AWS SDK
 * is a tree of @smithy/@aws-sdk packages each shipping three builds in thousands of small files
 * (17.7 MB by `du` for 8.4 MB of bytes), where a job needs the few hundred kilobytes it runs. The
 * package then has no runtime dependencies. The credential providers the SDK imports lazily
 * (container, env, SSO, ini) stay lazy: each dynamic import is a chunk, loaded only when the chain
 * reaches it.
 */
export default defineConfig({
  // errors is the SDK's way to the one FlexjobError class without the Cloud Map client: the SDK's
  // offline entries (config, schedule) import it, and must load no AWS client.
  entry: { index: "src/index.ts", errors: "src/flexjob-error.ts" },
  format: ["esm", "cjs"],
  // Shared chunks, in CJS too: errors and index hold the same FlexjobError class.
  splitting: true,
  target: "node22",
  platform: "node",
  dts: true,
  clean: true,
  sourcemap: true,
  minify: true,
  noExternal: [/./],
  esbuildPlugins: [
    {
      // Beside the build wherever it goes (a test builds into a temporary folder).
      name: "licenses-beside-the-build",
      setup(build) {
        const outdir = build.initialOptions.outdir ?? "dist";
        writeLicenses(join(outdir, "licenses.txt")).setup(build);
      },
    },
  ],
  esbuildOptions(options, { format }) {
    // tsup splits CommonJS by building ES modules and rewriting their imports with sucrase, which
    // garbles a minified class field (it inserts a statement into a comma expression): esbuild
    // lowers class fields to plain assignments first.
    if (format === "cjs") options.supported = { ...options.supported, "class-field": false };
    // The AWS SDK's ES modules, which tree-shake, as the CLI's and the Action's bundles take them.
    options.conditions = ["module"];
    options.mainFields = ["module", "main"];
    options.legalComments = "none";
  },
  banner: ({ format }) =>
    // CommonJS dependencies call require() for Node's built-ins, which ES modules do not define.
    format === "esm"
      ? {
          js: 'import{createRequire as __flexjobRequire}from"node:module";const require=__flexjobRequire(import.meta.url);',
        }
      : undefined,
});
