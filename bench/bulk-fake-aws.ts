/**
 * fake-aws for bench/bulk.ts, on a worker thread of its own: answering 1,000 calls a second takes
 * most of a core, and on the bench's thread it would slow the sync being measured. Posts its URL;
 * the bench drives it through the /_fake control routes.
 */
import { parentPort, workerData } from "node:worker_threads";
import { startFakeAws } from "../packages/fake-aws/src/index.js";

const { region, latencyMs } = workerData as { region: string; latencyMs: number };
const aws = await startFakeAws({ region, latency: { fixedMs: latencyMs } });
parentPort?.postMessage(aws.url);
parentPort?.once("message", () => {
  aws.close().then(() => process.exit(0));
});
