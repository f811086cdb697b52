import { parentPort, workerData } from "node:worker_threads";
import { DescribeClustersCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

/** One load generator for benchmark.ts: real SDK clients calling fake-aws for a fixed time. */
interface Job {
  url: string;
  operation: "ecs" | "sts";
  seconds: number;
  concurrency: number;
}

const job = workerData as Job;
const config = {
  endpoint: job.url,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake-secret" },
};
const ecs = new ECSClient(config);
const sts = new STSClient(config);
const call =
  job.operation === "ecs"
    ? () => ecs.send(new DescribeClustersCommand({ clusters: ["default"] }))
    : () => sts.send(new GetCallerIdentityCommand({}));

await call();
parentPort?.postMessage({ ready: true });
await new Promise<void>((resolve) => parentPort?.once("message", () => resolve()));
let calls = 0;
const deadline = performance.now() + job.seconds * 1000;
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (performance.now() < deadline) {
      await call();
      calls += 1;
    }
  }),
);
ecs.destroy();
sts.destroy();
parentPort?.postMessage({ calls });
