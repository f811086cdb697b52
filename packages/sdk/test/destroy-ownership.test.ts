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
    ]);
    expect(await logGroups()).toEqual(["/flexjob/shop/handmade", "/flexjob/shop/other-app"]);
  });
});
