/**
 * Destroy removes only what carries flexjob's tags for the app: a resource that merely has a
 * flexjob-looking name (made by hand, or by another app) stays.
 */
import { CreateLogGroupCommand, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import type { Deps } from "../src/deps.js";
import { shopConfig, startWorld } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

async function logGroups(): Promise<string[]> {
  const page = await deps.clients.logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: "/flexjob/" }),
  );
  return (page.logGroups ?? []).map((group) => group.logGroupName ?? "").sort();
}

describe("destroy and ownership", () => {
  it("leaves a log group under the app's prefix that flexjob did not create", async () => {
    await deploy(shopConfig(), {}, deps);
    await deps.clients.logs.send(new CreateLogGroupCommand({ logGroupName: "/flexjob/shop/handmade" }));
    await deps.clients.logs.send(
      new CreateLogGroupCommand({
        logGroupName: "/flexjob/shop/other-app",
        tags: { "flexjob:managed": "true", "flexjob:app": "shop-eu" },
      }),
    );
    const result = await destroy(shopConfig(), {}, deps);
    expect(result.plan.steps.filter((step) => step.kind === "log-group").map((step) => step.id)).toEqual([
      "/flexjob/shop/cleanup",
      "/flexjob/shop/report",
      "/flexjob/shop/runs",
    ]);
    expect(await logGroups()).toEqual(["/flexjob/shop/handmade", "/flexjob/shop/other-app"]);
  });
});

describe("names shared by two apps", () => {
  const billing = () =>
    shopConfig({
      jobs: { "eu-report": { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "rate(1 day)" } },
    });
  const billingEu = () => ({
    ...shopConfig({
      jobs: { report: { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "rate(2 days)" } },
    }),
    app: "shop-eu",
  });

  it("refuses to deploy a job whose task definition family another app owns, and changes nothing", async () => {
    await deploy(billing(), {}, deps); // family shop-eu-report, app shop
    aws.clearCalls();
    const refused = deploy(billingEu(), {}, deps); // job report of app shop-eu: family shop-eu-report too
    await expect(refused).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: "job report: task definition family shop-eu-report belongs to flexjob app shop, not shop-eu",
    });
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it("destroy of one app leaves the other app's family whose name starts like its own", async () => {
    await deploy(billing(), {}, deps);
    const result = await destroy({ ...shopConfig(), app: "shop-eu" }, {}, deps);
    expect(result.plan.steps.filter((step) => step.kind === "task-definition")).toEqual([]);
  });
});
