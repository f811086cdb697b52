import { type FakeAws, roundTrips } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { REGION, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

/** `count` plain jobs, as bench/deploy.ts deploys them. */
function jobs(count: number) {
  return parseConfig({
    app: "bench",
    region: REGION,
    jobs: Object.fromEntries(
      Array.from({ length: count }, (_, index) => [
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

describe("an unchanged redeploy reads in few sequential round trips", () => {
  it.each([
    { count: 1, most: 4 },
    { count: 20, most: 5 },
  ])("$count job(s): at most $most round trips, and no write", async ({ count, most }) => {
    const config = jobs(count);
    await deploy(config, {}, deps);
    // Answers go out in rounds, once calls stop arriving: what the client sent together stays
    // together however loaded the machine is, and the call log's order counts the rounds.
    aws.setLatency({ quietMs: 50 });
    aws.clearCalls();
    const result = await deploy(config, {}, deps);
    expect(result.changed).toBe(false);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(roundTrips(aws.calls)).toBeLessThanOrEqual(most);
  });
});
