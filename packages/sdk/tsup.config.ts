import { defineConfig } from "tsup";

export default defineConfig({
  // discovery is its own entry: jobs import it at run time, without the deploy engine's clients.
  entry: { index: "src/index.ts", discovery: "src/discovery/index.ts" },
  format: ["esm", "cjs"],
  target: "node22",
  dts: true,
  clean: true,
  sourcemap: true,
});
