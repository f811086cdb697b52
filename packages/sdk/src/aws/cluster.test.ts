import {
  ClusterNotFoundException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  ECSClient,
  ECSServiceException,
  InvalidParameterException,
  PutClusterCapacityProvidersCommand,
  UpdateClusterSettingsCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { createClients } from "./clients.js";
import { applyCluster, type ClusterLive, observeCluster, planCluster } from "./cluster.js";
import type { ClusterSpec } from "./cluster-spec.js";

const ecs = mockClient(ECSClient);
// Fresh per test, with no SDK module loaded: each function must load what it calls, not lean on an earlier test.
let clients = createClients({ region: "eu-west-1" });
const tags = { "flexjob:managed": "true", "flexjob:app": "billing" };
const spec: ClusterSpec = {
  name: "billing",
  capacityProviders: ["FARGATE", "FARGATE_SPOT"],
  containerInsights: undefined,
  tags,
};
const arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/billing";

function liveCluster(overrides: Partial<ClusterLive> = {}): ClusterLive {
  return {
    name: "billing",
    arn,
    capacityProviders: ["FARGATE", "FARGATE_SPOT"],
    containerInsights: "disabled",
    tags,
    ...overrides,
  };
}

beforeEach(() => {
  ecs.reset();
  clients = createClients({ region: "eu-west-1" });
});

describe("planCluster: Container Insights", () => {
  const on: ClusterSpec = { ...spec, containerInsights: "enabled" };

  it("turns it on or off on flexjob's cluster, keeps a hand-set enhanced, and never touches a user's cluster", () => {
    expect(planCluster(on, liveCluster()).changes).toEqual([
      { path: "containerInsights", before: "disabled", after: "enabled" },
    ]);
    // Unset: the account's default, whatever it is now, is left alone.
    expect(planCluster(spec, liveCluster({ containerInsights: "enabled" })).action).toBe("noop");
    const off: ClusterSpec = { ...spec, containerInsights: "disabled" };
    expect(planCluster(off, liveCluster({ containerInsights: "enabled" })).changes).toEqual([
      { path: "containerInsights", before: "enabled", after: "disabled" },
    ]);
    expect(planCluster(on, liveCluster({ containerInsights: "enhanced" })).action).toBe("noop");
    expect(planCluster(on, liveCluster({ tags: {} })).action).toBe("noop");
  });

  it("updates only the setting that changed", async () => {
    ecs.on(UpdateClusterSettingsCommand).resolves({});
    await applyCluster(clients, planCluster(on, liveCluster()));
    expect(ecs.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "UpdateClusterSettingsCommand",
    ]);
    expect(ecs.commandCalls(UpdateClusterSettingsCommand)[0]?.args[0].input).toEqual({
      cluster: "billing",
      settings: [{ name: "containerInsights", value: "enabled" }],
    });
  });
});

describe("planCluster", () => {
  it("creates a missing cluster with both Fargate capacity providers", () => {
    expect(planCluster(spec, undefined)).toEqual({
      kind: "cluster",
      id: "billing",
      action: "create",
      changes: [{ path: "capacityProviders", after: ["FARGATE", "FARGATE_SPOT"] }],
      desired: spec,
    });
  });

  it("leaves flexjob's cluster alone when it has both providers", () => {
    const live = liveCluster({ capacityProviders: ["FARGATE_SPOT", "FARGATE"] });
    expect(planCluster(spec, live)).toEqual({
      kind: "cluster",
      id: "billing",
      action: "noop",
      changes: [],
      desired: spec,
      live,
    });
  });

  it("adds a missing capacity provider to flexjob's cluster, keeping any others", () => {
    const live = liveCluster({ capacityProviders: ["FARGATE", "my-ec2"] });
    expect(planCluster(spec, live)).toEqual({
      kind: "cluster",
      id: "billing",
      action: "update",
      changes: [
        {
          path: "capacityProviders",
          before: ["FARGATE", "my-ec2"],
          after: ["FARGATE", "FARGATE_SPOT", "my-ec2"],
        },
      ],
      desired: spec,
      live,
    });
  });

  it("uses a user's own cluster as is, even when it lacks a provider", () => {
    const live = liveCluster({ capacityProviders: [], tags: { team: "platform" } });
    expect(planCluster(spec, live)).toEqual({
      kind: "cluster",
      id: "billing",
      action: "noop",
      changes: [],
      reason: "cluster was not created by flexjob: used as is, never changed",
      desired: spec,
      live,
    });
  });
});

describe("observeCluster", () => {
  it("reads the cluster's providers, Container Insights setting and tags", async () => {
    ecs.on(DescribeClustersCommand, { clusters: ["billing"], include: ["TAGS", "SETTINGS"] }).resolves({
      clusters: [
        {
          clusterName: "billing",
          clusterArn: arn,
          status: "ACTIVE",
          capacityProviders: ["FARGATE", "FARGATE_SPOT"],
          settings: [{ name: "containerInsights", value: "enabled" }],
          tags: [
            { key: "flexjob:managed", value: "true" },
            { key: "flexjob:app", value: "billing" },
          ],
        },
      ],
      failures: [],
    });
    expect(await observeCluster(clients, "billing")).toEqual(liveCluster({ containerInsights: "enabled" }));
  });

  it("reports a cluster ECS lists under failures as undefined", async () => {
    ecs.on(DescribeClustersCommand).resolves({ clusters: [], failures: [{ arn, reason: "MISSING" }] });
    expect(await observeCluster(clients, "billing")).toBeUndefined();
  });

  it("reports a deleted, INACTIVE cluster as undefined", async () => {
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [{ clusterName: "billing", clusterArn: arn, status: "INACTIVE", tags: [] }],
    });
    expect(await observeCluster(clients, "billing")).toBeUndefined();
  });

  it("wraps a read failure naming the cluster", async () => {
    ecs.on(DescribeClustersCommand).rejects(
      new ECSServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: {},
        message: "no",
      }),
    );
    await expect(observeCluster(clients, "billing")).rejects.toMatchObject({
      code: "AWS_ERROR",
      message: "reading ECS cluster billing: AccessDeniedException: no",
    });
  });
});

describe("applyCluster", () => {
  it("creates the cluster with its providers, a FARGATE default strategy and tags", async () => {
    ecs.on(CreateClusterCommand).resolves({});
    await applyCluster(clients, planCluster(spec, undefined));
    expect(ecs.commandCalls(CreateClusterCommand)[0]?.args[0].input).toEqual({
      clusterName: "billing",
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
      tags: [
        { key: "flexjob:app", value: "billing" },
        { key: "flexjob:managed", value: "true" },
      ],
    });
    expect(ecs.calls()).toHaveLength(1);
  });

  it("puts the complete provider list when one is missing", async () => {
    ecs.on(PutClusterCapacityProvidersCommand).resolves({});
    await applyCluster(clients, planCluster(spec, liveCluster({ capacityProviders: ["FARGATE", "my-ec2"] })));
    expect(ecs.commandCalls(PutClusterCapacityProvidersCommand)[0]?.args[0].input).toEqual({
      cluster: "billing",
      capacityProviders: ["FARGATE", "FARGATE_SPOT", "my-ec2"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
    });
  });

  it("sends nothing for a no-op step, nor for a user's cluster", async () => {
    await applyCluster(clients, planCluster(spec, liveCluster()));
    await applyCluster(clients, planCluster(spec, liveCluster({ capacityProviders: [], tags: {} })));
    expect(ecs.calls()).toHaveLength(0);
  });

  it("deletes flexjob's cluster, treating one already gone as done", async () => {
    ecs.on(DeleteClusterCommand).rejects(new ClusterNotFoundException({ message: "gone", $metadata: {} }));
    await applyCluster(clients, {
      kind: "cluster",
      id: "billing",
      action: "delete",
      changes: [],
      live: liveCluster(),
    });
    expect(ecs.commandCalls(DeleteClusterCommand)[0]?.args[0].input).toEqual({ cluster: "billing" });
  });

  it("never deletes a cluster flexjob did not create", async () => {
    const live = liveCluster({ tags: { team: "platform" } });
    await applyCluster(clients, { kind: "cluster", id: "billing", action: "delete", changes: [], live });
    expect(ecs.calls()).toHaveLength(0);
  });

  it("checks ownership before deleting when the step carries no live state", async () => {
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [
        { clusterName: "billing", clusterArn: arn, status: "ACTIVE", tags: [{ key: "team", value: "x" }] },
      ],
    });
    await applyCluster(clients, { kind: "cluster", id: "billing", action: "delete", changes: [] });
    expect(ecs.commandCalls(DeleteClusterCommand)).toHaveLength(0);
  });

  it("explains the missing ECS service-linked role of a brand-new account", async () => {
    ecs.on(CreateClusterCommand).rejects(
      new InvalidParameterException({
        message:
          "Unable to assume the service linked role. Please verify that the ECS service linked role exists.",
        $metadata: {},
      }),
    );
    await expect(applyCluster(clients, planCluster(spec, undefined))).rejects.toMatchObject({
      code: "AWS_ERROR",
      fault: "aws",
      message: expect.stringContaining("creating ECS cluster billing"),
      remedy: expect.stringContaining(
        "aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com",
      ),
    });
  });

  it("wraps an SDK failure as a FlexjobError naming the cluster", async () => {
    ecs
      .on(CreateClusterCommand)
      .rejects(new InvalidParameterException({ message: "Tag key is invalid", $metadata: {} }));
    const failure = applyCluster(clients, planCluster(spec, undefined));
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "AWS_ERROR",
      message: "writing ECS cluster billing: InvalidParameterException: Tag key is invalid",
    });
  });
});
