import { type FakeAws, roundTrips } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveNetwork } from "../src/aws/network.js";
import { observeRole } from "../src/aws/role.js";
import { observeStateMachine, stateMachineArn } from "../src/aws/state-machine.js";
import { parseConfig } from "../src/config/index.js";
import { deploy, resolveRenderInput } from "../src/deploy/deploy.js";
import { observe, renderDesired } from "../src/deploy/engine.js";
import type { Deps } from "../src/deps.js";
import { names } from "../src/naming.js";
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

describe("each read of an unchanged app goes out as early as what it needs allows", () => {
  /** The round trips `read` takes on a deployed app, with answers in rounds. */
  async function roundTripsOf(read: () => Promise<unknown>): Promise<number> {
    await deploy(jobs(1), {}, deps);
    aws.setLatency({ quietMs: 50 });
    aws.clearCalls();
    await read();
    return roundTrips(aws.calls);
  }

  it("the default VPC's network: its id, then its subnets, route tables and security group together", async () => {
    expect(await roundTripsOf(() => resolveNetwork(deps.clients, jobs(1).network))).toBe(2);
    expect(aws.calls.map((call) => call.operation).sort()).toEqual([
      "DescribeRouteTables",
      "DescribeSecurityGroups",
      "DescribeSubnets",
      "DescribeVpcs",
    ]);
  });

  it("given subnets: the subnets, then their route tables and the VPC's default security group together", async () => {
    const { subnets } = (await resolveNetwork(deps.clients, jobs(1).network)).network;
    const network = { ...jobs(1).network, subnets };
    expect(await roundTripsOf(() => resolveNetwork(deps.clients, network))).toBe(2);
  });

  it("a role: the role and its policy names, then its policies", async () => {
    const role = names.executionRole("bench");
    expect(await roundTripsOf(() => observeRole(deps.clients, role, ["flexjob-execution"]))).toBe(2);
  });

  it("a state machine: its description and its tags together", async () => {
    const arn = stateMachineArn(REGION, aws.accountId, names.metricsMachine("bench"));
    expect(await roundTripsOf(() => observeStateMachine(deps.clients, arn))).toBe(1);
  });

  it("every kind: two round trips after rendering (a schedule is listed while its group is read)", async () => {
    const config = jobs(1);
    const { input } = await resolveRenderInput(config, {}, deps);
    expect(await roundTripsOf(() => observe(deps.clients, renderDesired(input)))).toBe(2);
  });
});
