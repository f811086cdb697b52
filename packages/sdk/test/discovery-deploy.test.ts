import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { GetRolePolicyCommand } from "@aws-sdk/client-iam";
import { ListNamespacesCommand } from "@aws-sdk/client-servicediscovery";
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

function withDiscovery() {
  const config = shopConfig();
  return { ...config, discovery: { namespace: "shop.internal" } };
}

async function namespaces(): Promise<string[]> {
  const page = await deps.clients.servicediscovery.send(new ListNamespacesCommand({}));
  return (page.Namespaces ?? []).map((namespace) => namespace.Name ?? "");
}

describe("deploy with discovery", () => {
  it("creates the namespace in the jobs' VPC and a task role that may only discover there", async () => {
    const result = await deploy(withDiscovery(), {}, deps);
    expect(
      result.plan.steps
        .filter((step) => ["namespace", "role"].includes(step.kind))
        .map((step) => `${step.action} ${step.kind} ${step.id}`),
    ).toEqual([
      "create role shop-flexjob-execution",
      "create role shop-flexjob-scheduler",
      "create role shop-flexjob-task",
      "create role shop-flexjob-pipes",
      "create role shop-flexjob-metrics",
      "create namespace shop.internal",
    ]);
    expect(await namespaces()).toEqual(["shop.internal"]);
    const { taskDefinition } = await deps.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "shop-report" }),
    );
    expect(taskDefinition?.taskRoleArn).toBe("arn:aws:iam::123456789012:role/shop-flexjob-task");
    expect(taskDefinition?.containerDefinitions?.[0]?.environment).toContainEqual({
      name: "FLEXJOB_NAMESPACE",
      value: "shop.internal",
    });
    const policy = await deps.clients.iam.send(
      new GetRolePolicyCommand({ RoleName: "shop-flexjob-task", PolicyName: "flexjob-discovery" }),
    );
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? "")).Statement).toEqual([
      {
        Sid: "DiscoverServices",
        Effect: "Allow",
        Action: ["servicediscovery:DiscoverInstances", "servicediscovery:DiscoverInstancesRevision"],
        Resource: "*",
        Condition: { StringEquals: { "servicediscovery:NamespaceName": "shop.internal" } },
      },
    ]);
  });

  it("second deploy with discovery sends no mutating call", async () => {
    await deploy(withDiscovery(), {}, deps);
    aws.clearCalls();
    const again = await deploy(withDiscovery(), {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(again.changed).toBe(false);
  });

  it("destroy removes the namespace and the task role flexjob created", async () => {
    await deploy(withDiscovery(), {}, deps);
    await destroy(withDiscovery(), {}, deps);
    expect(await namespaces()).toEqual([]);
    aws.clearCalls();
    expect((await destroy(withDiscovery(), {}, deps)).plan.steps).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
  });
});
