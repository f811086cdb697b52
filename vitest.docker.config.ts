import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The real-build tests: Docker builds images, a local registry stands in for ECR. They need the
 * machine scripts/docker-test-env.sh sets up, so `npm test` leaves them out and CI runs them after
 * that script: `npm run test:docker`.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["packages/*/test/**/*.docker.test.ts"],
    // Not the default config's exclude, which may leave *.docker.test.ts out.
    exclude: [...configDefaults.exclude],
    // One Docker engine and one registry: files run one at a time, and a cold build takes a while.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
