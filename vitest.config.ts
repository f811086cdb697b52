import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["flexjob-source"] },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
