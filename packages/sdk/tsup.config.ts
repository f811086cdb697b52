import { defineConfig } from "tsup";

export default defineConfig({
  // discovery is its own entry: jobs import it at run time, without the deploy engine's clients.
  // config, schedule and image are the offline commands' entries: none reaches an AWS client.
  // record is the Action's first step: the deploy record, with the SSM client alone.
  entry: {
    index: "src/index.ts",
    discovery: "src/discovery/index.ts",
    config: "src/entry-config.ts",
    schedule: "src/entry-schedule.ts",
    image: "src/entry-image.ts",
    record: "src/entry-record.ts",
  },
  format: ["esm", "cjs"],
  // Shared chunks, in CJS too: one FlexjobError class whichever entries a program imports.
  splitting: true,
  target: "node22",
  dts: true,
  clean: true,
  sourcemap: true,
});
