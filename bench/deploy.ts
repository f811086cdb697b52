/**
 * What a deploy costs: one job and 20 jobs, first deploy and unchanged redeploy, against fake-aws.
 * Prints, per scenario, the wall time at a fixed latency per call (30 ms by default, roughly a real
 * control-plane round trip), the calls, total and mutating — the official ECS action registers a
 * new task definition revision on every run; flexjob's redeploy should write nothing — and the
 * sequential round trips, with issue #18's target beside them.
 *
 * Round trips are counted from fake-aws's call log (which calls were in flight together, see
 * fake-aws `roundTrips`) in a second pass whose answers go out in rounds (`quietMs` latency), so a
 * loaded machine cannot split calls the SDK sent together; the wall times come from the first pass.
 *
 *   pnpm exec tsx bench/deploy.ts [--latency 30]
 */
import { parseArgs } from "node:util";
import { type Latency, roundTrips, startFakeAws } from "../packages/fake-aws/src/index.js";
import { createClients, type Deps, deploy, parseConfig, silentLogger } from "../packages/sdk/src/index.js";

// fake-aws accepts any SigV4 credentials; give the SDK some so it never looks for a profile.
process.env.AWS_ACCESS_KEY_ID ??= "AKIAFLEXJOBBENCH";
process.env.AWS_SECRET_ACCESS_KEY ??= "bench";

const { values } = parseArgs({ options: { latency: { type: "string", default: "30" } } });
const latencyMs = Number(values.latency);

/** Issue #18: an unchanged redeploy of 1 job in at most 4 sequential round trips, of 20 jobs in at most 5. */
const TARGET_ROUND_TRIPS: Record<number, number> = { 1: 4, 20: 5 };
const RUNS = ["first deploy", "unchanged redeploy"] as const;

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

interface Measured {
  seconds: number;
  calls: number;
  mutating: number;
  roundTrips: number;
}

/** Both runs of `jobs` on a fresh fake-aws answering with `latency`. */
async function measure(jobs: number, latency: Latency): Promise<Measured[]> {
  const aws = await startFakeAws({ region: "eu-west-1", latency });
  const deps: Deps = {
    clients: createClients({ region: "eu-west-1", endpoint: aws.url }),
    logger: silentLogger,
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    now: () => aws.clock.now(),
  };
  const measured: Measured[] = [];
  for (const _run of RUNS) {
    aws.clearCalls();
    const started = performance.now();
    await deploy(config(jobs), {}, deps);
    measured.push({
      seconds: (performance.now() - started) / 1000,
      calls: aws.calls.length,
      mutating: aws.mutatingCalls().length,
      roundTrips: roundTrips(aws.calls),
    });
  }
  await aws.close();
  return measured;
}

for (const jobs of [1, 20]) {
  const timed = await measure(jobs, { fixedMs: latencyMs });
  const rounds = await measure(jobs, { quietMs: 50 });
  RUNS.forEach((run, index) => {
    const wall = timed[index] as Measured;
    const counted = rounds[index] as Measured;
    const target = run === "unchanged redeploy" ? ` (target ≤ ${TARGET_ROUND_TRIPS[jobs]})` : "";
    console.log(
      `${String(jobs).padStart(2)} job${jobs === 1 ? " " : "s"}, ${run.padEnd(18)}: ${wall.seconds.toFixed(2)} s at ${latencyMs} ms/call, ` +
        `${counted.calls} calls, ${counted.mutating} mutating, ${counted.roundTrips} sequential round trips${target}`,
    );
  });
}
