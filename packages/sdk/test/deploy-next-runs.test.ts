/** The next runs a deploy reports are when AWS will really start the job. */
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld()); // the clock starts at 2026-12-01T10:00:00Z
});
afterEach(() => aws.close());

const job = (fields: Record<string, unknown>) =>
  shopConfig({ jobs: { sync: { image: "public.ecr.aws/docker/library/busybox:1.37", ...fields } } });

describe("the next runs a deploy reports", () => {
  it("count a rate from when its schedule was created, on every later deploy", async () => {
    aws.clock.advance(7 * 60_000); // created at 10:07
    await deploy(job({ schedule: "rate(1 hour)" }), {}, deps);
    aws.clock.advance(90 * 60_000); // 11:37
    const later = await deploy(job({ schedule: "rate(1 hour)" }), {}, deps);
    expect(later.jobs[0]?.nextRuns).toEqual([
      "2026-12-01T12:07:00Z",
      "2026-12-01T13:07:00Z",
      "2026-12-01T14:07:00Z",
    ]);
  });

  it("start at the job's startDate and stop at its endDate", async () => {
    const result = await deploy(
      job({
        schedule: "cron(30 6 * * ? *)",
        startDate: "2026-12-10T00:00:00Z",
        endDate: "2026-12-11T12:00:00Z",
      }),
      {},
      deps,
    );
    expect(result.jobs[0]?.nextRuns).toEqual(["2026-12-10T06:30:00Z", "2026-12-11T06:30:00Z"]);
  });
});
