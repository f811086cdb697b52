/**
 * What a bulk sync costs: a first sync and a no-op resync of N schedules of one job, against
 * fake-aws with a fixed latency per call. Writes are paced in real time at --rate (default 1,000/s,
 * the documented default CreateSchedule/DeleteSchedule quota in the primary Regions), so the wall
 * time is what a real account would see at that quota. Prints wall time, reads and writes, and
 * what the same sync implies for 1,000,000 schedules.
 *
 *   pnpm exec tsx bench/bulk.ts [--count 10000] [--latency 10] [--rate 1000] [--concurrency 64]
 */
import { parseArgs } from "node:util";
import { startFakeAws } from "../packages/fake-aws/src/index.js";
import { type BulkSchedule, syncBulkSchedules } from "../packages/sdk/src/bulk/index.js";
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

const config = parseConfig({
  app: "bench",
  region: "eu-west-1",
  jobs: {
    remind: {
      image: "public.ecr.aws/docker/library/busybox:1.37",
      command: ["sh", "-c", 'echo "$CUSTOMER_ID"'],
      schedule: "every day at 06:00",
    },
  },
});
const schedules: BulkSchedule[] = Array.from({ length: count }, (_, index) => ({
  key: `customer-${index}`,
  expression: `cron(${index % 60} ${index % 24} * * ? *)`,
  timezone: "Europe/Berlin",
  env: { CUSTOMER_ID: String(index) },
}));

const aws = await startFakeAws({ region: "eu-west-1", latency: { fixedMs: latencyMs } });
const clients = createClients({ region: "eu-west-1", endpoint: aws.url });
await deploy(
  config,
  {},
  {
    clients,
    logger: silentLogger,
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    now: () => aws.clock.now(),
  },
);
// Real time: the client-side rate limiter paces writes as it would against AWS.
const deps: Deps = { clients, logger: silentLogger, sleep: realSleep, now: () => new Date() };

const minutes = (seconds: number) =>
  seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;

console.log(
  `${count} schedules, latency ${latencyMs} ms/call, rate ${ratePerSecond}/s, concurrency ${concurrency}`,
);
for (const run of ["first sync", "no-op resync"]) {
  aws.clearCalls();
  const started = performance.now();
  const result = await syncBulkSchedules(config, "remind", schedules, { ratePerSecond, concurrency }, deps);
  const seconds = (performance.now() - started) / 1000;
  const { reads, writes } = result.calls;
  const listPages = aws.callsTo("scheduler", "ListSchedules").length;
  // Writes scale linearly and are bound by the quota (or latency/concurrency if that is slower);
  // the listing is sequential pages of 100, each a round trip.
  const perWrite = Math.max(1 / ratePerSecond, latencyMs / 1000 / concurrency);
  const perPage = listPages === 0 ? latencyMs / 1000 : seconds / Math.max(listPages, 1);
  const millionWrites = writes === 0 ? 0 : (writes / count) * MILLION;
  const millionSeconds = millionWrites * perWrite + (listPages / count) * MILLION * perPage;
  console.log(
    `${run.padEnd(12)}: ${seconds.toFixed(2)} s wall, ${reads} reads (${listPages} ListSchedules), ${writes} writes, ` +
      `${aws.mutatingCalls().length} mutating calls seen by AWS; ` +
      `1,000,000 schedules: ~${Math.round(millionWrites).toLocaleString("en")} writes, ~${minutes(millionSeconds)}`,
  );
}
await aws.close();
