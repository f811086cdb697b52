import { defineConfig } from "tsup";

export default defineConfig({
  // errors is the SDK's way to the one FlexjobError class without the Cloud Map client: the SDK's
  // offline entries (config, schedule) import it, and must load no AWS client.
  entry: { index: "src/index.ts", errors: "src/flexjob-error.ts" },
  format: ["esm", "cjs"],
  // Shared chunks, in CJS too: errors and index hold the same FlexjobError class.
  splitting: true,
  target: "node22",
  dts: true,
  clean: true,
  sourcemap: true,
});
