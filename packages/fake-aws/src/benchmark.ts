import { Worker } from "node:worker_threads";
import { startFakeAws } from "./core/server.js";

/**
 * Drives fake-aws (latency off) with real SDK clients in worker threads, the server alone on the
 * main thread. Reports the calls per second achieved end to end, how busy the server's event
 * loop was meanwhile, and from the two the server's capacity on one core. The SDK costs several
 * times what the server does per call, so on a small machine the clients, not the server, set
 * the end-to-end figure; the capacity figure is what fake-aws itself can take.
 * Lives in this package because the SDK clients are fake-aws's dev dependencies.
 */
export interface BenchmarkResult {
  name: string;
  calls: number;
  seconds: number;
  callsPerSecond: number;
  /** Fraction of the time the server's event loop was busy (0–1). */
  serverUtilization: number;
  /** callsPerSecond / serverUtilization: calls per second one core of server could answer. */
  serverCapacityPerCore: number;
}

export async function runBenchmark(options: {
  seconds: number;
  concurrency: number;
  workers: number;
}): Promise<BenchmarkResult[]> {
  const aws = await startFakeAws();
  const results: BenchmarkResult[] = [];
  try {
    for (const [name, operation] of [
      ["ecs DescribeClusters (awsJson1_1)", "ecs"],
      ["sts GetCallerIdentity (awsQuery)", "sts"],
    ] as const) {
      results.push(await measure(aws.url, name, operation, options, () => aws.clearCalls()));
    }
  } finally {
    await aws.close();
  }
  return results;
}

async function measure(
  url: string,
  name: string,
  operation: "ecs" | "sts",
  options: { seconds: number; concurrency: number; workers: number },
  clearCalls: () => void,
): Promise<BenchmarkResult> {
  const workers = Array.from(
    { length: options.workers },
    () =>
      new Worker(new URL("./benchmark-worker.ts", import.meta.url), {
        workerData: { url, operation, seconds: options.seconds, concurrency: options.concurrency },
      }),
  );
  await Promise.all(workers.map((w) => nextMessage(w)));
  clearCalls();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  const counts = workers.map((w) => nextMessage(w));
  for (const w of workers) w.postMessage("go");
  // The call log is part of the measured hot path, but must not grow without bound.
  const trim = setInterval(clearCalls, 500);
  const totals = (await Promise.all(counts)) as { calls: number }[];
  clearInterval(trim);
  const seconds = (performance.now() - started) / 1000;
  const utilization = performance.eventLoopUtilization(elu).utilization;
  await Promise.all(workers.map((w) => w.terminate()));
  const calls = totals.reduce((sum, t) => sum + t.calls, 0);
  const callsPerSecond = Math.round(calls / seconds);
  return {
    name,
    calls,
    seconds,
    callsPerSecond,
    serverUtilization: utilization,
    serverCapacityPerCore: Math.round(callsPerSecond / Math.max(utilization, 0.001)),
  };
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}
