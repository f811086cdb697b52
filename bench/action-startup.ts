/**
 * What the bundled GitHub Action costs before it does anything: the size of dist/ (bytes and
 * gzip), and the time from spawning `node dist/index.js` (Node 24, as `using: node24` runs it) to
 * the first AWS request arriving, and to the step's end, for a no-op deploy. Median of 7 runs,
 * against fake-aws behind a recording proxy. dist/ is rebuilt first if it is stale (by content).
 *
 *   pnpm exec tsx bench/action-startup.ts [--runs 7]
 */
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import {
  buildDist,
  DIST_ENTRY,
  node24,
  REPO_ROOT,
  removeTemporaryDirs,
  runnerEnv,
  workspaceWith,
} from "../packages/action/test/harness.js";
import { startFakeAws } from "../packages/fake-aws/src/index.js";
import { distIsFresh } from "../scripts/fingerprint.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Number(values.runs);

const CONFIG = `app: bench
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    command: ["sh", "-c", "echo report"]
    schedule: every day at 03:30
    timezone: Europe/Berlin
  cleanup:
    image: public.ecr.aws/docker/library/alpine:3
    schedule: rate(1 hour)
`;

const built = distIsFresh() ? "fresh" : "built";
if (built === "built") buildDist();
const node = node24();

const distDir = join(REPO_ROOT, "dist");
const files = readdirSync(distDir).map((name) => join(distDir, name));
const entry = readFileSync(DIST_ENTRY);
const total = files.reduce((sum, file) => sum + statSync(file).size, 0);
const totalGzip = files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
const kb = (bytes: number) => `${bytes.toLocaleString("en")} bytes (${(bytes / 1024).toFixed(0)} KiB)`;
console.log(
  `dist/index.js: ${kb(entry.length)}, gzip ${kb(gzipSync(entry).length)}${built === "built" ? " (just rebuilt)" : ""}`,
);
console.log(`dist/ (${files.length} files): ${kb(total)}, gzip ${kb(totalGzip)}`);

const aws = await startFakeAws({ region: "eu-west-1" });
let firstRequestAt: number | undefined;
// Forwards to fake-aws unchanged and notes when the first request of a run arrives.
const proxy = createServer((incoming, outgoing) => {
  firstRequestAt ??= performance.now();
  const upstream = request(
    {
      host: "127.0.0.1",
      port: aws.port,
      path: incoming.url,
      method: incoming.method,
      headers: incoming.headers,
    },
    (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    },
  );
  incoming.pipe(upstream);
});
await new Promise<void>((listening) => proxy.listen(0, "127.0.0.1", listening));
const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

const workspace = await workspaceWith({ "flexjob.yml": CONFIG });
const runnerFiles = await workspaceWith({});

async function step(): Promise<{ firstRequestMs: number; doneMs: number }> {
  const output = join(runnerFiles, "output");
  const summary = join(runnerFiles, "summary");
  await writeFile(output, "");
  await writeFile(summary, "");
  firstRequestAt = undefined;
  const started = performance.now();
  const child = spawn(node, [DIST_ENTRY], {
    cwd: workspace,
    env: runnerEnv({ workspace, awsEndpoint: endpoint }, { output, summary }),
    stdio: "ignore",
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  const doneMs = performance.now() - started;
  if (code !== 0 || firstRequestAt === undefined) throw new Error(`the step failed (exit ${code})`);
  return { firstRequestMs: firstRequestAt - started, doneMs };
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const describe = (numbers: number[]) =>
  `median ${median(numbers).toFixed(0)} ms (min ${Math.min(...numbers).toFixed(0)}, max ${Math.max(...numbers).toFixed(0)})`;

const first = await step();
console.log(`runner Node: ${execFileSync(node, ["--version"], { encoding: "utf8" }).trim()} (${node})`);
console.log(
  `first deploy (creates, 2 jobs): first AWS request after ${first.firstRequestMs.toFixed(0)} ms, done after ${first.doneMs.toFixed(0)} ms`,
);
const samples: { firstRequestMs: number; doneMs: number }[] = [];
for (let run = 0; run < runs; run++) samples.push(await step());
console.log(
  `process start → first AWS request: ${describe(samples.map((sample) => sample.firstRequestMs))} over ${runs} runs`,
);
console.log(
  `process start → step done (no-op deploy, 2 jobs): ${describe(samples.map((sample) => sample.doneMs))}`,
);

proxy.close();
await aws.close();
await removeTemporaryDirs();
