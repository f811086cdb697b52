import { defineConfig } from "tsup";
import { englishOnlyZod, httpByRequire, literalSchemaKeys, writeLicenses } from "../../scripts/bundling.mjs";

/**
 * One bundle, dependencies and all: Node resolves and compiles one entry and the chunks a command
 * imports (each command's action, each AWS service), not the hundreds of files zod, yaml and the
 * AWS clients ship as. Offline commands start faster and lighter (bench/cli-startup.ts), and the
 * installed CLI needs nothing from npm at run time.
 */
export default defineConfig({
  entry: { bin: "src/bin.ts" },
  format: ["esm"],
  target: "node22",
  platform: "node",
  clean: true,
  splitting: true,
  minify: true,
  sourcemap: true,
  noExternal: [/./],
  // What the bundle ships of npm packages carries their licenses, as the Action's bundle does.
  esbuildPlugins: [englishOnlyZod, literalSchemaKeys, httpByRequire, writeLicenses("dist/licenses.txt")],
  esbuildOptions(options) {
    // The SDK from its sources, the AWS SDK's ES modules (which tree-shake): as the Action's bundle.
    options.conditions = ["flexjob-source", "module"];
    options.mainFields = ["module", "main"];
    options.legalComments = "none";
  },
  banner: {
    // CommonJS dependencies call require() for Node's built-ins, which ES modules do not define.
    js: '#!/usr/bin/env node\nimport{createRequire as __flexjobRequire}from"node:module";const require=__flexjobRequire(import.meta.url);',
  },
});
