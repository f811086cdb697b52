/**
 * What the `flexjob` CLI costs to start, per offline command, against a bare `node -e 0`: each
 * command is the built bin (packages/cli/dist/bin.js, so run `pnpm run build` first) as a user runs
 * it, whole process, interleaved with the bare run in every round so that a busy machine slows both
 * alike. Printed per command: wall time and peak RSS (median of N runs), their ratios to the bare
 * run, and whether they meet issue #18's targets (at most 3× the wall time, at most 80 MiB).
 * The CLI keeps V8's compiled code in Node's compile cache; the bench gives it an empty cache of its
 * own, so the first round compiles (as a user's first run does) and the later ones reuse it.
 *
 *   pnpm exec tsx bench/cli-startup.ts [--runs 9]
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { runs: { type: "string", default: "9" } } });
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, "..");
const bin = join(root, "packages/cli/dist/bin.js");
if (!existsSync(bin)) throw new Error(`no ${bin}: run "pnpm run build" first`);
const scratch = await mkdtemp(join(tmpdir(), "flexjob-cli-bench-"));
const hello = join(root, "examples/hello");

const TARGET_RATIO = 3;
const TARGET_MIB = 80;

interface Case {
  name: string;
  args: (round: number) => string[];
}

const cases: Case[] = [
  { name: "node -e 0", args: () => ["-e", "0"] },
  { name: "--version", args: () => [bin, "--version"] },
  { name: "--help", args: () => [bin, "--help"] },
  { name: "next", args: () => [bin, "next", "0 9 * * 1-5"] },
  { name: "validate", args: () => [bin, "validate"] },
  // A new file each round: init refuses to overwrite one.
  {
    name: "init",
    args: (round) => [bin, "init", "-c", join(scratch, `flexjob-${round}.yml`)],
  },
  { name: "dockerfile", args: () => [bin, "dockerfile", join(root, "examples/node-pnpm")] },
  { name: "plan --offline", args: () => [bin, "plan", "--offline"] },
];

interface Sample {
  wallMs: number;
  peakMiB: number;
}

/** One whole process under /usr/bin/time, which reports its peak RSS in KiB. */
async function measure(args: string[], round: number): Promise<Sample> {
  const rss = join(scratch, `rss-${round}`);
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%M", "-o", rss, process.execPath, ...args], {
    cwd: hello,
    env: { ...process.env, NODE_COMPILE_CACHE: join(scratch, "compile-cache") },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(" ")} exited ${code}: ${stderr}`);
  return { wallMs, peakMiB: Number((await readFile(rss, "utf8")).trim()) / 1024 };
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
// One warm-up round first: the file system cache, not flexjob, would otherwise decide the first run.
for (let round = -1; round < runs; round++) {
  for (const c of cases) {
    const sample = await measure(c.args(round), round);
    if (round >= 0) samples.get(c.name)?.push(sample);
  }
}
await rm(scratch, { recursive: true, force: true });

const bare = samples.get("node -e 0") ?? [];
const bareWall = median(bare.map((s) => s.wallMs));
const barePeak = median(bare.map((s) => s.peakMiB));
console.log(
  `flexjob CLI start-up, whole process, medians of ${runs} runs (Node ${process.versions.node});\n` +
    `ratios to a bare node -e 0 (${bareWall.toFixed(0)} ms, ${barePeak.toFixed(1)} MiB); targets ≤ ${TARGET_RATIO}× wall, ≤ ${TARGET_MIB} MiB\n`,
);
for (const c of cases.slice(1)) {
  const list = samples.get(c.name) ?? [];
  const wall = median(list.map((s) => s.wallMs));
  const peak = median(list.map((s) => s.peakMiB));
  const ratio = wall / bareWall;
  const verdict = ratio <= TARGET_RATIO && peak <= TARGET_MIB ? "meets the targets" : "MISSES a target";
  console.log(
    `${c.name.padEnd(15)} ${wall.toFixed(0).padStart(5)} ms ${ratio.toFixed(2).padStart(5)}×   ` +
      `${peak.toFixed(1).padStart(6)} MiB ${(peak / barePeak).toFixed(2).padStart(5)}×   ${verdict}`,
  );
}
