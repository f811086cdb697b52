/**
 * What a deploy costs: one job and 20 jobs, first deploy and no-op redeploy, against fake-aws with
 * a fixed latency per call (30 ms by default, roughly a real control-plane round trip). Prints
 * wall time and calls, total and mutating — the official ECS action registers a new task
 * definition revision on every run; flexjob's redeploy should write nothing.
 *
 *   pnpm exec tsx bench/deploy.ts [--latency 30]
 */
import { parseArgs } from "node:util";
import { startFakeAws } from "../packages/fake-aws/src/index.js";
import { createClients, type Deps, deploy, parseConfig, silentLogger } from "../packages/sdk/src/index.js";

// fake-aws accepts any SigV4 credentials; give the SDK some so it never looks for a profile.
process.env.AWS_ACCESS_KEY_ID ??= "AKIAFLEXJOBBENCH";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench";

const { values } = parseArgs({ options: { latency: { type: "string", default: "30" } } });
const latencyMs = Number(values.latency);

function config(jobs: number) {
  return parseConfig({
    app: "bench",
    region: "eu-west-1",
    jobs: Object.fromEntries(
      Array.from({ length: jobs }, (_, index) => [
        `job-${index}`,
        {
          image: "public.ecr.aws/docker/library/busybox:1.37",
          command: ["sh", "-c", `echo ${index}`],
          schedule: `cron(${index % 60} 3 * * ? *)`,
          env: { INDEX: String(index) },
        },
      ]),
    ),
  });
}

for (const jobs of [1, 20]) {
  const aws = await startFakeAws({ region: "eu-west-1", latency: { fixedMs: latencyMs } });
  const deps: Deps = {
    clients: createClients({ region: "eu-west-1", endpoint: aws.url }),
    logger: silentLogger,
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    now: () => aws.clock.now(),
  };
  for (const run of ["first deploy", "no-op redeploy"]) {
    aws.clearCalls();
    const started = performance.now();
    await deploy(config(jobs), {}, deps);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${String(jobs).padStart(2)} job${jobs === 1 ? " " : "s"}, ${run.padEnd(14)}: ${seconds.toFixed(2)} s, ` +
        `${aws.calls.length} calls, ${aws.mutatingCalls().length} mutating (latency ${latencyMs} ms/call)`,
    );
  }
  await aws.close();
}
