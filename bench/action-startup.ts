/**
 * What the bundled GitHub Action costs before and while it does nothing: each candidate bundle of
 * packages/action (the build script's esbuild, ncc as it was, rolldown) is built into a temporary
 * folder and run as a runner runs it (`node index.js`, Node 24, the INPUT_ and GITHUB_ variables)
 * against fake-aws behind a recording proxy, interleaved with a one-call baseline, N times each.
 * Printed per bundle: size (JS and source maps apart), start-up alone (the step exits at once on a
 * checkout with no config: import cost), time to the first AWS request, and an unchanged redeploy
 * of one job, wall and peak RSS (median), with ratios to the baseline: as the Action runs it by
 * default (answered from the deploy record after one read) and with `verify: true` (every
 * resource read, drift repaired). Each bundle deploys its own app, since a record's key covers the
 * bundle that wrote it.
 *
 * The baseline stands in for aws-actions/amazon-ecs-deploy-task-definition making its one call: a
 * script that reads an input with @actions/core and sends one RegisterTaskDefinition with
 * @aws-sdk/client-ecs, bundled unminified as that action ships. Its dist is not reproduced here:
 * that action's published dist/index.js (4.2 MB, ncc) loads the whole ECS and CodeDeploy clients,
 * so this stand-in (1.7 MB, one client tree-shaken to one command) is the lighter, stricter bar.
 *
 *   pnpm exec tsx bench/action-startup.ts [--runs 7]
 */
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { bundle } from "../packages/action/scripts/bundle.mjs";
import { baselineBundle, nccBundle, rolldownBundle } from "../packages/action/scripts/bundle-candidates.mjs";
import { node24, removeTemporaryDirs, runnerEnv, workspaceWith } from "../packages/action/test/harness.js";
import { startFakeAws } from "../packages/fake-aws/src/index.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const runs = Number(values.runs);
const node = node24();
const scratch = await mkdtemp(join(tmpdir(), "flexjob-action-bench-"));

const CONFIG = (app: string) => `app: ${app}
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    command: ["sh", "-c", "echo report"]
    schedule: every day at 03:30
    timezone: Europe/Berlin
`;

interface Candidate {
  name: string;
  entry: string;
  dir: string;
}

async function candidate(name: string, make: (dir: string) => Promise<unknown>): Promise<Candidate> {
  const dir = join(scratch, name);
  await make(dir);
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  return { name, dir, entry: join(dir, "index.js") };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile() && /\.(js|mjs|cjs|map)$/.test(path));
}

function sizeLine({ name, dir }: Candidate): string {
  const files = filesUnder(dir);
  const js = files.filter((file) => !file.endsWith(".map"));
  const maps = files.filter((file) => file.endsWith(".map"));
  const bytes = (list: string[]) => list.reduce((sum, file) => sum + statSync(file).size, 0);
  const gzip = js.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  return `${name.padEnd(9)} ${js.length} JS files ${kib(bytes(js))} (gzip ${kib(gzip)}), ${maps.length} maps ${kib(bytes(maps))}`;
}

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

interface Sample {
  wallMs: number;
  firstRequestMs: number | undefined;
  peakMiB: number;
}

/** One step under GNU time, which reports the child's peak RSS. */
async function step(
  entry: string,
  workspace: string,
  expectCode: number,
  inputs: Record<string, string> = {},
): Promise<Sample> {
  const output = join(scratch, "output");
  const summary = join(scratch, "summary");
  const rss = join(scratch, "rss");
  await Promise.all([writeFile(output, ""), writeFile(summary, "")]);
  firstRequestAt = undefined;
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%M", "-o", rss, node, entry], {
    cwd: workspace,
    env: runnerEnv({ workspace, awsEndpoint: endpoint, inputs }, { output, summary }),
    stdio: "ignore",
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  const wallMs = performance.now() - started;
  if (code !== expectCode) throw new Error(`${entry} exited ${code}, not ${expectCode}`);
  const peakMiB = Number((await readFile(rss, "utf8")).trim().split("\n").at(-1)) / 1024;
  return { wallMs, firstRequestMs: firstRequestAt && firstRequestAt - started, peakMiB };
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const candidates = [
  // The bundle as `pnpm run build:action` makes it.
  await candidate("esbuild", (dir) => bundle(dir)),
  await candidate("ncc", async (dir) => nccBundle(dir, node)),
  await candidate("rolldown", (dir) => rolldownBundle(dir)),
];
const base = await candidate("baseline", (dir) => baselineBundle(dir));
console.log(`runner Node: ${execFileSync(node, ["--version"], { encoding: "utf8" }).trim()} (${node})`);
for (const bundled of [...candidates, base]) console.log(sizeLine(bundled));

// Each bundle deploys its own app: the deploy record's key covers the bundle, so one bundle's
// record never answers another's run. The first run creates the app; every later run is the
// unchanged redeploy, answered from the record, and with verify: true, reading every resource.
const workspaces = new Map<string, string>();
for (const { name, entry } of candidates) {
  const workspace = await workspaceWith({ "flexjob.yml": CONFIG(`bench-${name}`) });
  workspaces.set(name, workspace);
  await step(entry, workspace, 0);
}
const baseWorkspace = await workspaceWith({});
const empty = await workspaceWith({});

const noop = new Map<string, Sample[]>();
const verified = new Map<string, Sample[]>();
const startup = new Map<string, Sample[]>();
const add = (samples: Map<string, Sample[]>, name: string, sample: Sample) =>
  samples.set(name, [...(samples.get(name) ?? []), sample]);
for (let run = 0; run < runs; run++) {
  for (const { name, entry } of [...candidates, base]) {
    if (name === "baseline") {
      add(noop, name, await step(entry, baseWorkspace, 0));
      continue;
    }
    const workspace = workspaces.get(name) ?? "";
    add(noop, name, await step(entry, workspace, 0));
    add(verified, name, await step(entry, workspace, 0, { verify: "true" }));
    add(startup, name, await step(entry, empty, 1));
  }
}

const baseNoop = noop.get("baseline") ?? [];
const baseWall = median(baseNoop.map((sample) => sample.wallMs));
const basePeak = median(baseNoop.map((sample) => sample.peakMiB));
const figure = (value: number, unit: string, against: number) =>
  `${value.toFixed(0)} ${unit} (${(value / against).toFixed(2)}×)`;
console.log(
  `\nmedians of ${runs} runs; ratios to the baseline's one-call step (${baseWall.toFixed(0)} ms, ${basePeak.toFixed(0)} MiB)`,
);
for (const { name } of [...candidates, base]) {
  const samples = noop.get(name) ?? [];
  const wall = median(samples.map((sample) => sample.wallMs));
  const peak = median(samples.map((sample) => sample.peakMiB));
  const first = median(samples.map((sample) => sample.firstRequestMs ?? Number.NaN));
  const alone = startup.get(name);
  const start =
    alone === undefined ? "" : `start-up alone ${median(alone.map((s) => s.wallMs)).toFixed(0)} ms, `;
  console.log(
    `${name.padEnd(9)} ${start}first AWS request ${first.toFixed(0)} ms, unchanged redeploy of 1 job ${figure(wall, "ms", baseWall)}, peak ${figure(peak, "MiB", basePeak)}`,
  );
  const full = verified.get(name);
  if (full !== undefined) {
    const fullWall = median(full.map((sample) => sample.wallMs));
    const fullPeak = median(full.map((sample) => sample.peakMiB));
    console.log(
      `${"".padEnd(9)} with verify: true (every resource read) ${figure(fullWall, "ms", baseWall)}, peak ${figure(fullPeak, "MiB", basePeak)}`,
    );
  }
}

proxy.close();
await aws.close();
await removeTemporaryDirs();
await rm(scratch, { recursive: true, force: true });
