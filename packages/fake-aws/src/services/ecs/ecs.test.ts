import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  ClientException,
  ClusterNotFoundException,
  CreateClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  ResourceNotFoundException,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
  TagResourceCommand,
  UpdateClusterSettingsCommand,
} from "@aws-sdk/client-ecs";
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { defaultSubnet, TRUST_ECS_TASKS, TRUST_SCHEDULER } from "../../test-support.js";

let aws: FakeAws;
let ecs: ECSClient;
let iam: IAMClient;
const EXEC_ROLE = "arn:aws:iam::123456789012:role/exec";

beforeAll(async () => {
  aws = await startFakeAws();
  ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
  iam = new IAMClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  ecs.destroy();
  iam.destroy();
  await aws.close();
});
beforeEach(async () => {
  aws.reset();
  await iam.send(new CreateRoleCommand({ RoleName: "exec", AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
});

function fargateDefinition(
  overrides: Partial<RegisterTaskDefinitionCommandInput> = {},
): RegisterTaskDefinitionCommandInput {
  return {
    family: "nightly",
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    executionRoleArn: EXEC_ROLE,
    containerDefinitions: [{ name: "job", image: "public.ecr.aws/docker/library/busybox:latest" }],
    ...overrides,
  };
}

async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("clusters", () => {
  it("CreateCluster returns a real-format ARN and is idempotent", async () => {
    const first = await ecs.send(
      new CreateClusterCommand({ clusterName: "jobs", tags: [{ key: "app", value: "x" }] }),
    );
    const second = await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
    expect(first.cluster?.clusterArn).toBe("arn:aws:ecs:us-east-1:123456789012:cluster/jobs");
    expect(second.cluster?.clusterArn).toBe(first.cluster?.clusterArn);
    expect(second.cluster?.tags).toEqual([{ key: "app", value: "x" }]);
  });

  it("DescribeClusters reports unknown clusters as MISSING failures and tags only when asked", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "jobs", tags: [{ key: "app", value: "x" }] }));
    const out = await ecs.send(new DescribeClustersCommand({ clusters: ["jobs", "nope"] }));
    expect(out.clusters?.map((c) => [c.clusterName, c.status, c.tags])).toEqual([["jobs", "ACTIVE", []]]);
    expect(out.failures).toEqual([
      { arn: "arn:aws:ecs:us-east-1:123456789012:cluster/nope", reason: "MISSING" },
    ]);
    const tagged = await ecs.send(new DescribeClustersCommand({ clusters: ["jobs"], include: ["TAGS"] }));
    expect(tagged.clusters?.[0]?.tags).toEqual([{ key: "app", value: "x" }]);
  });

  it("UpdateClusterSettings sets Container Insights, and refuses an unknown value, no settings or an unknown cluster", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
    const updated = await ecs.send(
      new UpdateClusterSettingsCommand({
        cluster: "jobs",
        settings: [{ name: "containerInsights", value: "enabled" }],
      }),
    );
    expect(updated.cluster?.settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
    const bad = await rejects(
      ecs.send(
        new UpdateClusterSettingsCommand({
          cluster: "jobs",
          settings: [{ name: "containerInsights", value: "on" }],
        }),
      ),
    );
    expect(bad).toBeInstanceOf(InvalidParameterException);
    const none = await rejects(
      ecs.send(new UpdateClusterSettingsCommand({ cluster: "jobs", settings: undefined as never })),
    );
    expect(none.name).toMatch(/InvalidParameterException|ValidationException/);
    const missing = await rejects(
      ecs.send(
        new UpdateClusterSettingsCommand({
          cluster: "nope",
          settings: [{ name: "containerInsights", value: "enabled" }],
        }),
      ),
    );
    expect(missing).toBeInstanceOf(ClusterNotFoundException);
  });

  it("rejects a cluster name outside [a-zA-Z0-9_-]{1,255}", async () => {
    const error = await rejects(ecs.send(new CreateClusterCommand({ clusterName: "bad name" })));
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it("keeps regions apart", async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
    const west = new ECSClient({ ...aws.clientConfig("eu-west-1"), maxAttempts: 1 });
    const out = await west.send(new DescribeClustersCommand({ clusters: ["jobs"] }));
    west.destroy();
    expect(out.failures?.[0]?.reason).toBe("MISSING");
  });
});

describe("task definitions", () => {
  it("revisions count up and describe by family, family:revision and ARN, with tags on request", async () => {
    const one = await ecs.send(
      new RegisterTaskDefinitionCommand(fargateDefinition({ tags: [{ key: "hash", value: "a" }] })),
    );
    const two = await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition({ memory: "1024" })));
    expect(one.taskDefinition?.taskDefinitionArn).toBe(
      "arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:1",
    );
    expect(two.taskDefinition?.revision).toBe(2);
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "nightly" }));
    expect(latest.taskDefinition?.revision).toBe(2);
    expect(latest.tags).toBeUndefined();
    const first = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "nightly:1", include: ["TAGS"] }),
    );
    expect(first.tags).toEqual([{ key: "hash", value: "a" }]);
    const byArn = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: one.taskDefinition?.taskDefinitionArn ?? "" }),
    );
    expect(byArn.taskDefinition?.memory).toBe("512");
    expect(byArn.taskDefinition?.registeredAt).toBeInstanceOf(Date);
  });

  it("fills in ECS's defaults the way DescribeTaskDefinition shows them", async () => {
    const out = await ecs.send(
      new RegisterTaskDefinitionCommand(
        fargateDefinition({
          cpu: "1 vCPU",
          memory: "2 GB",
          containerDefinitions: [
            {
              name: "job",
              image: "busybox",
              portMappings: [{ containerPort: 8080 }],
              healthCheck: { command: ["CMD-SHELL", "true"] },
            },
          ],
        }),
      ),
    );
    const td = out.taskDefinition;
    expect([td?.cpu, td?.memory, td?.status, td?.compatibilities]).toEqual([
      "1024",
      "2048",
      "ACTIVE",
      ["EC2", "FARGATE"],
    ]);
    expect(td?.containerDefinitions?.[0]).toMatchObject({
      essential: true,
      cpu: 0,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
      healthCheck: { command: ["CMD-SHELL", "true"], interval: 30, timeout: 5, retries: 3 },
    });
  });

  const invalid: [string, Partial<RegisterTaskDefinitionCommandInput>, RegExp][] = [
    ["a Fargate size that does not exist", { cpu: "256", memory: "4096" }, /No Fargate configuration exists/],
    ["0.5 vCPU with memory off the 1024 step", { cpu: "512", memory: "1536" }, /No Fargate configuration/],
    ["8 vCPU with memory off the 4096 step", { cpu: "8192", memory: "18432" }, /No Fargate configuration/],
    ["Fargate without awsvpc", { networkMode: "bridge" }, /awsvpc/],
    ["Fargate without task cpu", { cpu: undefined }, /'cpu' be defined/],
    ["Fargate without task memory", { memory: undefined }, /'memory' be defined/],
    ["a family with a space", { family: "bad family" }, /Family contains invalid characters/],
    ["a family of 256 characters", { family: "f".repeat(256) }, /Family/],
    [
      "an execution role that does not exist",
      { executionRoleArn: "arn:aws:iam::123456789012:role/nope" },
      /Role is not valid/,
    ],
    ["ephemeral storage below 21 GiB", { ephemeralStorage: { sizeInGiB: 20 } }, /ephemeral storage/],
    ["ephemeral storage above 200 GiB", { ephemeralStorage: { sizeInGiB: 201 } }, /ephemeral storage/],
    ["no containers", { containerDefinitions: [] }, /Container list cannot be empty/],
    ["a container without a name", { containerDefinitions: [{ image: "busybox" }] }, /Container.name/],
    ["a container without an image", { containerDefinitions: [{ name: "job" }] }, /Container.image/],
    [
      "a secret without valueFrom",
      {
        containerDefinitions: [
          { name: "job", image: "busybox", secrets: [{ name: "TOKEN", valueFrom: "" }] },
        ],
      },
      /valueFrom/,
    ],
    [
      "an ECR image on Fargate without an execution role",
      {
        executionRoleArn: undefined,
        containerDefinitions: [{ name: "job", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1" }],
      },
      /execution role ARN to support ECR images/,
    ],
    [
      "awslogs without awslogs-stream-prefix on Fargate",
      {
        containerDefinitions: [
          {
            name: "job",
            image: "busybox",
            logConfiguration: {
              logDriver: "awslogs",
              options: { "awslogs-group": "g", "awslogs-region": "us-east-1" },
            },
          },
        ],
      },
      /awslogs-stream-prefix/,
    ],
    [
      "awsvpc host port different from the container port",
      {
        containerDefinitions: [
          { name: "job", image: "busybox", portMappings: [{ containerPort: 80, hostPort: 81 }] },
        ],
      },
      /must match/,
    ],
    [
      "no essential container",
      { containerDefinitions: [{ name: "job", image: "busybox", essential: false }] },
      /essential/,
    ],
  ];
  it.each(invalid)("rejects %s with ClientException", async (_name, overrides, message) => {
    const error = await rejects(ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition(overrides))));
    expect(error).toBeInstanceOf(ClientException);
    expect(error.message).toMatch(message);
  });

  it.each([
    ["interval", { interval: 4 }],
    ["interval", { interval: 301 }],
    ["timeout", { timeout: 1 }],
    ["timeout", { timeout: 61 }],
    ["retries", { retries: 0 }],
    ["retries", { retries: 11 }],
    ["startPeriod", { startPeriod: 301 }],
  ])("rejects a health check %s out of range (%o)", async (member, range) => {
    const error = await rejects(
      ecs.send(
        new RegisterTaskDefinitionCommand(
          fargateDefinition({
            containerDefinitions: [
              { name: "job", image: "busybox", healthCheck: { command: ["CMD", "true"], ...range } },
            ],
          }),
        ),
      ),
    );
    expect(error).toBeInstanceOf(ClientException);
    expect(error.message).toContain(member);
  });

  it("rejects an execution role that does not trust ecs-tasks.amazonaws.com", async () => {
    await iam.send(new CreateRoleCommand({ RoleName: "sched", AssumeRolePolicyDocument: TRUST_SCHEDULER }));
    const error = await rejects(
      ecs.send(
        new RegisterTaskDefinitionCommand(
          fargateDefinition({ executionRoleArn: "arn:aws:iam::123456789012:role/sched" }),
        ),
      ),
    );
    expect(error.message).toBe("Role is not valid");
  });

  it("ListTaskDefinitions filters by family and status, sorts, and pages with nextToken", async () => {
    for (let i = 0; i < 3; i++) await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
    await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition({ family: "nightly-other" })));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "nightly:1" }));
    const page1 = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: "nightly", maxResults: 1, sort: "DESC" }),
    );
    expect(page1.taskDefinitionArns).toEqual([
      "arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:3",
    ]);
    const page2 = await ecs.send(
      new ListTaskDefinitionsCommand({
        familyPrefix: "nightly",
        maxResults: 1,
        sort: "DESC",
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.taskDefinitionArns).toEqual([
      "arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:2",
    ]);
    expect(page2.nextToken).toBeUndefined();
    const inactive = await ecs.send(new ListTaskDefinitionsCommand({ status: "INACTIVE" }));
    expect(inactive.taskDefinitionArns).toEqual([
      "arn:aws:ecs:us-east-1:123456789012:task-definition/nightly:1",
    ]);
    const all = await ecs.send(new ListTaskDefinitionsCommand({}));
    expect(all.taskDefinitionArns).toHaveLength(3);
    const error = await rejects(ecs.send(new ListTaskDefinitionsCommand({ maxResults: 101 })));
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it("ListTaskDefinitionFamilies matches a real prefix, tells ACTIVE from INACTIVE families, and pages", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition({ family: "shop-a" })));
    await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition({ family: "shop-b" })));
    await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition({ family: "other" })));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "shop-b:1" }));
    const active = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: "shop-" }));
    expect(active).toMatchObject({ families: ["shop-a"] });
    const inactive = await ecs.send(
      new ListTaskDefinitionFamiliesCommand({ familyPrefix: "shop-", status: "INACTIVE" }),
    );
    expect(inactive.families).toEqual(["shop-b"]);
    const page1 = await ecs.send(new ListTaskDefinitionFamiliesCommand({ status: "ALL", maxResults: 2 }));
    expect(page1.families).toEqual(["other", "shop-a"]);
    const page2 = await ecs.send(
      new ListTaskDefinitionFamiliesCommand({ status: "ALL", maxResults: 2, nextToken: page1.nextToken }),
    );
    expect(page2).toMatchObject({ families: ["shop-b"] });
    expect(page2.nextToken).toBeUndefined();
    const error = await rejects(
      ecs.send(new ListTaskDefinitionFamiliesCommand({ status: "DELETED" as "ACTIVE" })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it("DeregisterTaskDefinition needs a revision and makes it INACTIVE", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
    await ecs.send(new RegisterTaskDefinitionCommand(fargateDefinition()));
    expect(
      await rejects(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "nightly" }))),
    ).toBeInstanceOf(ClientException);
    const out = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: "nightly:2" }));
    expect(out.taskDefinition?.status).toBe("INACTIVE");
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "nightly" }));
    expect(latest.taskDefinition?.revision).toBe(1);
    const missing = await rejects(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "other" })));
    expect(missing).toBeInstanceOf(ClientException);
    expect(missing.message).toBe("Unable to describe task definition.");
  });
});

describe("tags", () => {
  it("TagResource merges tags that ListTagsForResource returns", async () => {
    const { cluster } = await ecs.send(
      new CreateClusterCommand({ clusterName: "jobs", tags: [{ key: "a", value: "1" }] }),
    );
    const arn = cluster?.clusterArn ?? "";
    await ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: "a", value: "2" },
          { key: "b", value: "3" },
        ],
      }),
    );
    const out = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(out.tags).toEqual([
      { key: "a", value: "2" },
      { key: "b", value: "3" },
    ]);
  });

  it("rejects unknown resources and reserved aws: keys", async () => {
    const unknown = "arn:aws:ecs:us-east-1:123456789012:cluster/nope";
    expect(
      await rejects(
        ecs.send(new TagResourceCommand({ resourceArn: unknown, tags: [{ key: "a", value: "1" }] })),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(await rejects(ecs.send(new ListTagsForResourceCommand({ resourceArn: unknown })))).toBeInstanceOf(
      InvalidParameterException,
    );
    const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
    const reserved = await rejects(
      ecs.send(
        new TagResourceCommand({
          resourceArn: cluster?.clusterArn ?? "",
          tags: [{ key: "aws:x", value: "1" }],
        }),
      ),
    );
    expect(reserved).toBeInstanceOf(InvalidParameterException);
  });
});

describe("tasks", () => {
  let subnet: string | undefined;
  const run = (input: Partial<RunTaskCommandInput> = {}) =>
    ecs.send(
      new RunTaskCommand({
        cluster: "jobs",
        taskDefinition: "nightly",
        launchType: "FARGATE",
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet ?? "subnet-missing"] } },
        ...input,
      }),
    );
  const setUp = async () => {
    subnet = await defaultSubnet(aws);
    await ecs.send(
      new CreateClusterCommand({ clusterName: "jobs", capacityProviders: ["FARGATE", "FARGATE_SPOT"] }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand(fargateDefinition({ tags: [{ key: "hash", value: "h" }] })),
    );
  };

  it("moves PROVISIONING → PENDING → RUNNING → STOPPED on the fake clock with the set exit code", async () => {
    await setUp();
    aws.ecs.setPhases({ provisioningMs: 1000, pendingMs: 2000, runningMs: 10_000, stoppingMs: 1000 });
    aws.ecs.setExitCode("nightly", 3);
    const { tasks } = await run({
      startedBy: "flexjob",
      group: "family:nightly",
      overrides: { containerOverrides: [{ name: "job", environment: [{ name: "A", value: "1" }] }] },
      tags: [{ key: "run", value: "1" }],
      propagateTags: "TASK_DEFINITION",
    });
    const arn = tasks?.[0]?.taskArn ?? "";
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/jobs\/[0-9a-f]{32}$/);
    const statusAfter = async (ms: number) => {
      aws.clock.advance(ms);
      const out = await ecs.send(
        new DescribeTasksCommand({ cluster: "jobs", tasks: [arn], include: ["TAGS"] }),
      );
      return out.tasks?.[0];
    };
    expect(tasks?.[0]?.lastStatus).toBe("PROVISIONING");
    expect((await statusAfter(1000))?.lastStatus).toBe("PENDING");
    const running = await statusAfter(2000);
    expect([running?.lastStatus, running?.desiredStatus, running?.startedAt instanceof Date]).toEqual([
      "RUNNING",
      "RUNNING",
      true,
    ]);
    expect((await statusAfter(10_000))?.lastStatus).toBe("DEPROVISIONING");
    const stopped = await statusAfter(1000);
    expect(stopped).toMatchObject({
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stopCode: "EssentialContainerExited",
      startedBy: "flexjob",
      group: "family:nightly",
      launchType: "FARGATE",
      containers: [{ name: "job", exitCode: 3, lastStatus: "STOPPED" }],
      overrides: { containerOverrides: [{ name: "job", environment: [{ name: "A", value: "1" }] }] },
    });
    expect(stopped?.tags).toEqual([
      { key: "hash", value: "h" },
      { key: "run", value: "1" },
    ]);
  });

  it("StopTask stops a running task with exit code 143 and the given reason", async () => {
    await setUp();
    aws.ecs.setPhases({ provisioningMs: 0, pendingMs: 0, runningMs: 60_000, stoppingMs: 5000 });
    const { tasks } = await run();
    const arn = tasks?.[0]?.taskArn ?? "";
    aws.clock.advance(1000);
    const { task } = await ecs.send(new StopTaskCommand({ cluster: "jobs", task: arn, reason: "cancelled" }));
    expect([task?.desiredStatus, task?.lastStatus]).toEqual(["STOPPED", "DEPROVISIONING"]);
    aws.clock.advance(5000);
    const out = await ecs.send(
      new DescribeTasksCommand({ cluster: "jobs", tasks: [arn.split("/").pop() ?? ""] }),
    );
    expect(out.tasks?.[0]).toMatchObject({
      lastStatus: "STOPPED",
      stopCode: "UserInitiated",
      stoppedReason: "cancelled",
    });
    expect(out.tasks?.[0]?.containers?.[0]?.exitCode).toBe(143);
  });

  it("a start failure stops the task with TaskFailedToStart and no exit code", async () => {
    await setUp();
    aws.ecs.setStartFailure("nightly", "CannotPullContainerError: pull access denied");
    const { tasks } = await run();
    aws.clock.advance(10 * 60_000);
    const out = await ecs.send(
      new DescribeTasksCommand({ cluster: "jobs", tasks: [tasks?.[0]?.taskArn ?? ""] }),
    );
    expect(out.tasks?.[0]).toMatchObject({
      stopCode: "TaskFailedToStart",
      stoppedReason: "CannotPullContainerError: pull access denied",
    });
    expect(out.tasks?.[0]?.containers?.[0]?.exitCode).toBeUndefined();
  });

  const withContainer = (container: Record<string, unknown>) =>
    fargateDefinition({ containerDefinitions: [{ name: "job", ...container }] });
  const stopCodeOf = async (family: string) => {
    const { tasks } = await run({ taskDefinition: family });
    aws.clock.advance(10 * 60_000);
    const out = await ecs.send(
      new DescribeTasksCommand({ cluster: "jobs", tasks: [tasks?.[0]?.taskArn ?? ""] }),
    );
    return [out.tasks?.[0]?.stopCode, out.tasks?.[0]?.stoppedReason?.split(":")[0]];
  };

  it("a task whose awslogs log group does not exist fails to start, unless the driver creates it", async () => {
    await setUp();
    const awslogs = (options: Record<string, string>) => ({
      image: "busybox",
      logConfiguration: {
        logDriver: "awslogs" as const,
        options: {
          "awslogs-group": "/flexjob/nightly",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "job",
          ...options,
        },
      },
    });
    await ecs.send(new RegisterTaskDefinitionCommand({ ...withContainer(awslogs({})), family: "no-group" }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        ...withContainer(awslogs({ "awslogs-create-group": "true" })),
        family: "create-group",
      }),
    );
    expect(await stopCodeOf("no-group")).toEqual(["TaskFailedToStart", "ResourceInitializationError"]);
    expect(await stopCodeOf("create-group")).toEqual([
      "EssentialContainerExited",
      "Essential container in task exited",
    ]);
    const logs = new CloudWatchLogsClient(aws.clientConfig());
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/flexjob/nightly" }));
    logs.destroy();
    expect(await stopCodeOf("no-group")).toEqual([
      "EssentialContainerExited",
      "Essential container in task exited",
    ]);
  });

  it("a task whose ECR repository does not exist fails to start with CannotPullContainerError", async () => {
    await setUp();
    // The role may pull: what is missing is the repository.
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: "exec",
        PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      }),
    );
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/nightly:abc";
    await ecs.send(new RegisterTaskDefinitionCommand({ ...withContainer({ image }), family: "from-ecr" }));
    expect(await stopCodeOf("from-ecr")).toEqual(["TaskFailedToStart", "CannotPullContainerError"]);
    const ecr = new ECRClient(aws.clientConfig());
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "nightly" }));
    ecr.destroy();
    expect(await stopCodeOf("from-ecr")).toEqual([
      "EssentialContainerExited",
      "Essential container in task exited",
    ]);
  });

  it("ListTasks filters by desired status, family and startedBy, and pages; stopped tasks go after an hour", async () => {
    await setUp();
    await run({ count: 3, startedBy: "a" });
    await run({ startedBy: "b" });
    const page = await ecs.send(new ListTasksCommand({ cluster: "jobs", startedBy: "a", maxResults: 2 }));
    expect(page.taskArns).toHaveLength(2);
    const rest = await ecs.send(
      new ListTasksCommand({ cluster: "jobs", startedBy: "a", nextToken: page.nextToken }),
    );
    expect(rest.taskArns).toHaveLength(1);
    expect(
      (await ecs.send(new ListTasksCommand({ cluster: "jobs", family: "nightly" }))).taskArns,
    ).toHaveLength(4);
    expect(
      (await ecs.send(new ListTasksCommand({ cluster: "jobs", desiredStatus: "STOPPED" }))).taskArns,
    ).toEqual([]);
    // The default phases stop a task 100 s after RunTask; ECS forgets it an hour after that.
    aws.clock.advance(100_000 + 3600_000 - 1);
    const stopped = (await ecs.send(new ListTasksCommand({ cluster: "jobs", desiredStatus: "STOPPED" })))
      .taskArns;
    expect(stopped).toHaveLength(4);
    aws.clock.advance(1);
    expect(
      (await ecs.send(new ListTasksCommand({ cluster: "jobs", desiredStatus: "STOPPED" }))).taskArns,
    ).toEqual([]);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: stopped ?? [] }));
    expect([described.tasks, described.failures?.map((failure) => failure.reason)]).toEqual([
      [],
      ["MISSING", "MISSING", "MISSING", "MISSING"],
    ]);
  });

  it("runs on a capacity provider associated with the cluster", async () => {
    await setUp();
    const { tasks } = await run({
      launchType: undefined,
      capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
    });
    expect([tasks?.[0]?.capacityProviderName, tasks?.[0]?.launchType]).toEqual(["FARGATE_SPOT", undefined]);
  });

  it("DescribeTasks reports unknown tasks as MISSING", async () => {
    await setUp();
    const out = await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: ["0123"] }));
    expect(out.failures).toEqual([{ arn: "0123", reason: "MISSING" }]);
  });

  const invalidRuns: [string, Partial<RunTaskCommandInput>, new (...args: never[]) => Error, RegExp][] = [
    ["an unknown cluster", { cluster: "nope" }, ClusterNotFoundException, /Cluster not found/],
    ["an unknown task definition", { taskDefinition: "nope" }, ClientException, /TaskDefinition not found/],
    ["a count of 11", { count: 11 }, InvalidParameterException, /less than or equal to 10/],
    ["a count of 0", { count: 0 }, InvalidParameterException, /greater than or equal to 1/],
    [
      "Fargate without a network configuration",
      { networkConfiguration: undefined },
      InvalidParameterException,
      /Network Configuration must be provided/,
    ],
    [
      "a subnet that does not exist",
      { networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0000000000000dead"] } } },
      InvalidParameterException,
      /does not exist/,
    ],
    [
      "an override for a container not in the task definition",
      { overrides: { containerOverrides: [{ name: "other" }] } },
      InvalidParameterException,
      /not a container in the TaskDefinition/,
    ],
    [
      "both a launch type and a capacity provider strategy",
      { capacityProviderStrategy: [{ capacityProvider: "FARGATE" }] },
      InvalidParameterException,
      /both a launch type/,
    ],
  ];
  it.for(invalidRuns)("RunTask rejects %s", async ([_name, input, type, message]) => {
    await setUp();
    const error = await rejects(run(input));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
  });

  it("RunTask rejects a capacity provider the cluster does not have", async () => {
    await setUp();
    await ecs.send(new CreateClusterCommand({ clusterName: "bare" }));
    const error = await rejects(
      run({
        cluster: "bare",
        launchType: undefined,
        capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
      }),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
  });
});
