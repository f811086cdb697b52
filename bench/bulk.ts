/**
 * What a bulk sync costs, and whether it holds its configured write rate: a first sync of N
 * schedules of one job, a no-op resync, and a first sync of another job's N schedules while fake-aws
 * throttles CreateSchedule at the configured rate (Scheduler's quota is a per-second rate, and AWS
 * does not say how deep its bucket is; here it holds a fiftieth of a second's calls, as many as
 * the client's own catch-up, so calls that arrive bunched are throttled and the line shows how
 * many). fake-aws runs on a worker thread with a fixed latency per call. Writes are paced in real time
 * at --rate (default 1,000/s, the documented default CreateSchedule/DeleteSchedule quota in the
 * primary Regions). Prints each sync's achieved create rate and its ratio to --rate (the target is
 * at least 95 % with no failed write), and what the same sync implies for 1,000,000 schedules.
 *
 *   pnpm exec tsx bench/bulk.ts [--count 10000] [--latency 10] [--rate 1000] [--concurrency 64]
 */
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { type BulkSchedule, type BulkSyncResult, syncBulkSchedules } from "../packages/sdk/src/bulk/index.js";
import {
  createClients,
  type Deps,
  deploy,
  parseConfig,
  realSleep,
  silentLogger,
} from "../packages/sdk/src/index.js";

// fake-aws accepts any SigV4 credentials; give the SDK some so it never looks for a profile.
process.env.AWS_ACCESS_KEY_ID ??= "AKIAFLEXJOBBENCH";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    latency: { type: "string", default: "10" },
    rate: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "64" },
  },
});
const count = Number(values.count);
const latencyMs = Number(values.latency);
const ratePerSecond = Number(values.rate);
const concurrency = Number(values.concurrency);
const MILLION = 1_000_000;
const REGION = "eu-west-1";

const job = {
  image: "public.ecr.aws/docker/library/busybox:1.37",
  command: ["sh", "-c", 'echo "$CUSTOMER_ID"'],
  schedule: "every day at 06:00",
};
const config = parseConfig({ app: "bench", region: REGION, jobs: { remind: job, nudge: job } });
const schedules: BulkSchedule[] = Array.from({ length: count }, (_, index) => ({
  key: `customer-${index}`,
  expression: `cron(${index % 60} ${index % 24} * * ? *)`,
  timezone: "Europe/Berlin",
  env: { CUSTOMER_ID: String(index) },
}));

const server = new Worker(new URL("./bulk-fake-aws.ts", import.meta.url), {
  workerData: { region: REGION, latencyMs },
});
const url = await new Promise<string>((resolve, reject) => {
  server.once("message", resolve);
  server.once("error", reject);
});

/** One /_fake control route of the fake-aws worker. */
async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}/_fake/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`fake-aws ${method} ${path}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text === "" ? undefined : JSON.parse(text);
}

const schedulerCalls = async () =>
  ((await control("GET", "calls?service=scheduler")) as { calls: { operation: string; outcome: string }[] })
    .calls;

const clients = createClients({ region: REGION, endpoint: url });
// The deploy waits (for role propagation) on fake-aws's clock, not in real time.
let deployNowMs = Date.now();
await deploy(
  config,
  {},
  {
    clients,
    logger: silentLogger,
    sleep: async (ms) => {
      deployNowMs += ms;
      await control("POST", "clock", { advanceMs: ms });
    },
    now: () => new Date(deployNowMs),
  },
);
/**
 * When the sync's writes start (it logs its plan just before) and when its last progress line
 * came: the write phase, apart from reading the entries and rendering them.
 */
const phase = { writesFrom: 0, lastWriteAt: 0 };
const logger = {
  info: (line: string) => {
    if (line.includes(" bulk schedules: ")) phase.writesFrom = performance.now();
    else if (line.includes(" bulk schedule writes ")) phase.lastWriteAt = performance.now();
  },
  warn: () => {},
};
// Real time: the client-side rate limiter paces writes as it would against AWS.
const deps: Deps = { clients, logger, sleep: realSleep, now: () => new Date() };

const minutes = (seconds: number) =>
  seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;

console.log(
  `${count} schedules, latency ${latencyMs} ms/call, rate ${ratePerSecond}/s, concurrency ${concurrency}`,
);
const runs = [
  { name: "first sync", job: "remind", throttled: false },
  { name: "no-op resync", job: "remind", throttled: false },
  { name: "throttled sync", job: "nudge", throttled: true },
];
for (const run of runs) {
  await control("DELETE", "calls");
  if (run.throttled) {
    const burst = Math.max(1, Math.round(ratePerSecond / 50));
    await control("POST", "throttle", {
      service: "scheduler",
      operation: "CreateSchedule",
      ratePerSecond,
      burst,
    });
  }
  const started = performance.now();
  const busy = performance.eventLoopUtilization();
  const result = await syncBulkSchedules(config, run.job, schedules, { ratePerSecond, concurrency }, deps);
  const seconds = (performance.now() - started) / 1000;
  const { utilization } = performance.eventLoopUtilization(busy);
  const writeSeconds = (phase.lastWriteAt - phase.writesFrom) / 1000;
  report(run.name, result, { seconds, writeSeconds, utilization }, await schedulerCalls());
}
await control("DELETE", "throttle");
await server.terminate();

function report(
  name: string,
  result: BulkSyncResult,
  { seconds, writeSeconds, utilization }: { seconds: number; writeSeconds: number; utilization: number },
  calls: { operation: string; outcome: string }[],
): void {
  const { reads, writes } = result.calls;
  const listPages = calls.filter((call) => call.operation === "ListSchedules").length;
  const creates = calls.filter((call) => call.operation === "CreateSchedule");
  const throttled = creates.filter((call) => call.outcome === "ThrottlingException").length;
  const failed = creates.filter(
    (call) => call.outcome !== "ok" && call.outcome !== "ThrottlingException",
  ).length;
  // Writes scale linearly and are bound by the quota (or latency/concurrency if that is slower);
  // the listing is sequential pages of 100, each a round trip.
  const perWrite = Math.max(1 / ratePerSecond, latencyMs / 1000 / concurrency);
  const perPage = listPages === 0 ? latencyMs / 1000 : seconds / listPages;
  const millionWrites = writes === 0 ? 0 : (writes / count) * MILLION;
  const millionSeconds = millionWrites * perWrite + (listPages / count) * MILLION * perPage;
  const ratio = (achieved: number) =>
    `${Math.round(achieved)}/s = ${((achieved / ratePerSecond) * 100).toFixed(1)} % of ${ratePerSecond}/s`;
  const rate =
    result.created === 0
      ? "no creates"
      : `creates ${ratio(result.created / writeSeconds)} over the writes, ${ratio(result.created / seconds)} over the whole sync`;
  console.log(
    `${name.padEnd(14)}: ${seconds.toFixed(2)} s wall, ${rate}; SDK thread busy ${Math.round(utilization * 100)} %; ${result.created} created, ${failed} failed, ` +
      `${throttled} throttled by AWS (lowest client rate ${Math.round(result.ratePerSecond.lowest)}/s); ` +
      `${reads} reads (${listPages} ListSchedules), ${writes} writes; ` +
      `1,000,000 schedules: ~${Math.round(millionWrites).toLocaleString("en")} writes, ~${minutes(millionSeconds)}`,
  );
}
