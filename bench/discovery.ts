/**
 * What the discovery helper costs inside a job: `pick()` calls per second on a warm cache (each
 * strategy, and the Cloud Map calls they made: none, within the TTL), and the size of
 * `@flexjob/sdk/discovery` bundled with everything it imports (esbuild, minified, for Node), next
 * to the whole SDK for contrast, plus a check that no ECS/ECR/Scheduler client, zod or yaml got in.
 *
 *   pnpm exec tsx bench/discovery.ts [--seconds 1] [--instances 20]
 */

import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { createDiscovery, type PickStrategy } from "../packages/discovery/src/index.js";
import { startFakeAws } from "../packages/fake-aws/src/index.js";

// fake-aws accepts any SigV4 credentials; give the SDK some so it never looks for a profile.
process.env.AWS_ACCESS_KEY_ID ??= "AKIAFLEXJOBBENCH";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "1" }, instances: { type: "string", default: "20" } },
});
const seconds = Number(values.seconds);
const instanceCount = Number(values.instances);

// --- pick() with a warm cache -------------------------------------------------------------------
const aws = await startFakeAws({ region: "eu-west-1" });
aws.cloudmap.registerInstances(
  { namespace: "bench.internal", service: "api", region: "eu-west-1" },
  Array.from({ length: instanceCount }, (_, index) => ({
    id: `api-${index}`,
    attributes: {
      AWS_INSTANCE_IPV4: `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`,
      AWS_INSTANCE_PORT: "8080",
      weight: String((index % 4) + 1),
    },
  })),
);
// A TTL longer than the run, so what is measured is the cache, not Cloud Map.
const discovery = createDiscovery({
  ...aws.clientConfig("eu-west-1"),
  env: {},
  namespace: "bench.internal",
  ttlMs: 60_000,
});
await discovery.pick("api");

for (const strategy of ["random", "round-robin", "weighted"] as PickStrategy[]) {
  aws.clearCalls();
  const until = performance.now() + seconds * 1000;
  let picks = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) await discovery.pick("api", { strategy });
    picks += 1000;
  }
  const rate = picks / seconds;
  console.log(
    `pick() ${strategy.padEnd(11)} warm cache, ${instanceCount} instances: ${Math.round(rate).toLocaleString("en-US")} calls/s, ` +
      `${aws.calls.length} Cloud Map calls`,
  );
}
await aws.close();

// --- bundle size ---------------------------------------------------------------------------------
// esbuild comes with tsup (a root dev dependency), so the bench needs nothing installed of its own.
interface EsbuildResult {
  outputFiles: { contents: Uint8Array }[];
  metafile: {
    inputs: Record<string, unknown>;
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
}
const esbuildPath = createRequire(import.meta.resolve("tsup")).resolve("esbuild");
const esbuild = (await import(pathToFileURL(esbuildPath).href)) as {
  build(options: Record<string, unknown>): Promise<EsbuildResult>;
};

async function bundle(entry: string) {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node22",
    conditions: ["flexjob-source"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  const packages = new Set(
    Object.keys(result.metafile.inputs).flatMap((input) => {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/.*\.pnpm\/[^/]+\//, ""));
      return match?.[1] === undefined ? [] : [match[1]];
    }),
  );
  // flexjob's own share of the minified bundle: everything else is the AWS SDK's runtime.
  const own = Object.values(result.metafile.outputs)
    .flatMap((output) => Object.entries(output.inputs))
    .filter(([input]) => input.includes("packages/sdk/src/") || input.includes("packages/discovery/src/"))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return { bytes: bytes.length, gzip: gzipSync(bytes).length, packages, own };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const helper = await bundle("../packages/sdk/src/discovery/index.ts");
const sdk = await bundle("../packages/sdk/src/index.ts");
const forbidden = [...helper.packages].filter((name) =>
  /^(@aws-sdk\/client-(ecs|ecr|scheduler|iam|ec2|cloudwatch-logs|sts)|zod|yaml)$/.test(name),
);
console.log(
  `@flexjob/sdk/discovery bundled (esbuild, minified, node): ${helper.bytes.toLocaleString("en-US")} bytes (${kb(helper.bytes)}), ` +
    `${helper.gzip.toLocaleString("en-US")} gzip (${kb(helper.gzip)}); ${helper.packages.size} packages, ` +
    `ECS/ECR/Scheduler/zod/yaml: ${forbidden.length === 0 ? "none" : forbidden.join(", ")}`,
);
console.log(
  `  of which flexjob's own code: ${helper.own.toLocaleString("en-US")} bytes; packages: ${[...helper.packages].sort().join(", ")}`,
);
console.log(
  `@flexjob/sdk (whole) bundled the same way:                ${sdk.bytes.toLocaleString("en-US")} bytes (${kb(sdk.bytes)}), ` +
    `${sdk.gzip.toLocaleString("en-US")} gzip (${kb(sdk.gzip)})`,
);
if (forbidden.length > 0) process.exitCode = 1;
