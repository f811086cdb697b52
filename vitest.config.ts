import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run the workspace packages from source, never a stale build in dist/.
    alias: [
      {
        find: /^@flexjob\/discovery\/errors$/,
        replacement: fileURLToPath(new URL("packages/discovery/src/flexjob-error.ts", import.meta.url)),
      },
      {
        find: /^@flexjob\/discovery$/,
        replacement: fileURLToPath(new URL("packages/discovery/src/index.ts", import.meta.url)),
      },
      {
        find: /^@flexjob\/sdk\/discovery$/,
        replacement: fileURLToPath(new URL("packages/sdk/src/discovery/index.ts", import.meta.url)),
      },
      {
        // The SDK's light subpaths (package.json exports): @flexjob/sdk/config -> src/entry-config.ts.
        find: /^@flexjob\/sdk\/(config|schedule|image)$/,
        replacement: fileURLToPath(new URL("packages/sdk/src/entry-$1.ts", import.meta.url)),
      },
      {
        find: /^@flexjob\/sdk$/,
        replacement: fileURLToPath(new URL("packages/sdk/src/index.ts", import.meta.url)),
      },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    // Real Docker builds need a Docker engine and a registry: `npm run test:docker` runs them.
    exclude: [...configDefaults.exclude, "**/*.docker.test.ts"],
    testTimeout: 20_000,
    // Tests reach AWS only through fake-aws, which accepts any SigV4 credentials; never a profile.
    env: { AWS_ACCESS_KEY_ID: "AKIAFLEXJOBTEST", AWS_SECRET_ACCESS_KEY: "test-secret", AWS_PROFILE: "" },
  },
});
