/**
 * Calls per second fake-aws answers with latency off: the server on the main thread, real SDK
 * clients in worker threads. Prints the end-to-end rate and the server's capacity on one core
 * (end-to-end rate ÷ how busy the server's event loop was).
 *
 *   pnpm exec tsx bench/fake-aws.ts [--seconds 3] [--workers 2] [--concurrency 8]
 */
import { parseArgs } from "node:util";
import { runBenchmark } from "../packages/fake-aws/src/benchmark.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    workers: { type: "string", default: "2" },
    concurrency: { type: "string", default: "8" },
  },
});
const results = await runBenchmark({
  seconds: Number(values.seconds),
  workers: Number(values.workers),
  concurrency: Number(values.concurrency),
});
for (const r of results) {
  console.log(
    `${r.name}: ${r.callsPerSecond} calls/s end to end (${r.calls} calls in ${r.seconds.toFixed(1)} s); ` +
      `server busy ${(r.serverUtilization * 100).toFixed(0)}% → ${r.serverCapacityPerCore} calls/s per server core`,
  );
}
