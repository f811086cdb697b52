import { CreateClusterCommand, DescribeClustersCommand } from "@aws-sdk/client-ecs";
import type { FakeAws } from "fake-aws";
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

function config(insights: boolean, cluster?: string) {
  return parseConfig({
    app: "shop",
    region: REGION,
    insights,
    ...(cluster === undefined ? {} : { cluster }),
    jobs: { report: { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "rate(1 hour)" } },
  });
}

async function insightsOf(cluster: string): Promise<string | undefined> {
  const { clusters = [] } = await deps.clients.ecs.send(
    new DescribeClustersCommand({ clusters: [cluster], include: ["SETTINGS"] }),
  );
  return clusters[0]?.settings?.find((setting) => setting.name === "containerInsights")?.value;
}

describe("insights: Container Insights on flexjob's cluster", () => {
  it("creates the cluster with it, changes nothing on a redeploy, and turns it off again", async () => {
    await deploy(config(true), {}, deps);
    expect(await insightsOf("shop")).toBe("enabled");
    aws.clearCalls();
    expect((await deploy(config(true), {}, deps)).changed).toBe(false);
    expect(aws.mutatingCalls()).toEqual([]);

    const off = await deploy(config(false), {}, deps);
    expect(off.plan.steps.filter((step) => step.kind === "cluster").map((step) => step.changes)).toEqual([
      [{ path: "containerInsights", before: "enabled", after: "disabled" }],
    ]);
    expect(await insightsOf("shop")).toBe("disabled");
  });

  it("never changes a cluster flexjob did not create", async () => {
    await deps.clients.ecs.send(new CreateClusterCommand({ clusterName: "shared" }));
    await deploy(config(true, "shared"), {}, deps);
    expect(await insightsOf("shared")).toBe("disabled");
  });
});
