import {
  ClientException,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionResponse,
  ECSClient,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  ServerException,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import { FlexjobError } from "../errors.js";
import { TAG_SPEC_HASH } from "../naming.js";
import { createClients } from "./clients.js";
import {
  applyTaskDefinition,
  listFlexjobFamilies,
  observeTaskDefinition,
  planTaskDefinition,
  type TaskDefinitionLive,
  type TaskDefinitionStep,
  taskDefinitions,
} from "./task-definition.js";
import { type TaskDefinitionSpec, taskDefinitionHash } from "./task-definition-spec.js";

const ecs = mockClient(ECSClient);
// Fresh per test, with no SDK module loaded: each function must load what it calls, not lean on an earlier test.
let clients = createClients({ region: "eu-west-1" });

beforeEach(() => {
  ecs.reset();
  clients = createClients({ region: "eu-west-1" });
  sleeps.length = 0;
  now = () => new Date(0);
});

const ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly";
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/flexjob/billing/nightly:3f9a1c2e";

/** A spec as render makes it: the hash tag always matches the content. */
function spec(change: (draft: Omit<TaskDefinitionSpec, "tags">) => void = () => {}): TaskDefinitionSpec {
  const content: Omit<TaskDefinitionSpec, "tags"> = {
    family: "billing-nightly",
    cpu: "256",
    memory: "512",
    ephemeralStorageGiB: undefined,
    cpuArchitecture: "X86_64",
    executionRoleArn: "arn:aws:iam::123456789012:role/billing-flexjob-execution",
    taskRoleArn: undefined,
    container: {
      name: "nightly",
      image: IMAGE,
      command: ["python", "-m", "report"],
      environment: [
        { name: "FLEXJOB_JOB", value: "nightly" },
        { name: "LOG_LEVEL", value: "info" },
      ],
      secrets: [{ name: "DB_URL", valueFrom: SECRET }],
      healthCheck: undefined,
      log: { group: "/flexjob/billing/nightly", region: "eu-west-1", streamPrefix: "nightly" },
    },
  };
  change(content);
  const tags = { "flexjob:managed": "true", "flexjob:app": "billing", "flexjob:job": "nightly" };
  return { ...content, tags: { ...tags, [TAG_SPEC_HASH]: taskDefinitionHash(content) } };
}

function live(of: TaskDefinitionSpec, revision = 3): TaskDefinitionLive {
  return { arn: `${ARN}:${revision}`, revision, spec: of, hash: of.tags[TAG_SPEC_HASH], active: true };
}

/** Tests advance no clock: a retry's backoff is recorded, not waited for. */
const sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};
/** A new clock per test: pacing's buckets are per clock, so no test spends another's burst. */
let now = () => new Date(0);

/** The revision `of` registers, as DescribeTaskDefinition returns it: ECS's defaults filled in. */
function described(of: TaskDefinitionSpec, revision = 3): DescribeTaskDefinitionResponse {
  const { container } = of;
  return {
    taskDefinition: {
      taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${of.family}:${revision}`,
      containerDefinitions: [
        {
          name: container.name,
          image: container.image,
          cpu: 0,
          portMappings: [],
          essential: true,
          ...(container.command && { command: container.command }),
          // ECS keeps the order it was given; flexjob must not depend on it.
          environment: [...container.environment].reverse(),
          mountPoints: [],
          volumesFrom: [],
          secrets: [...container.secrets].reverse(),
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": container.log.group,
              "awslogs-region": container.log.region,
              "awslogs-stream-prefix": container.log.streamPrefix,
            },
            secretOptions: [],
          },
          ...(container.healthCheck && { healthCheck: container.healthCheck }),
          systemControls: [],
        },
      ],
      family: of.family,
      ...(of.taskRoleArn && { taskRoleArn: of.taskRoleArn }),
      executionRoleArn: of.executionRoleArn,
      networkMode: "awsvpc",
      revision,
      volumes: [],
      status: "ACTIVE",
      requiresAttributes: [
        { name: "com.amazonaws.ecs.capability.logging-driver.awslogs" },
        { name: "ecs.capability.execution-role-awslogs" },
        { name: "com.amazonaws.ecs.capability.docker-remote-api.1.19" },
        { name: "ecs.capability.secrets.asm.environment-variables" },
        { name: "ecs.capability.task-eni" },
      ],
      placementConstraints: [],
      compatibilities: ["EC2", "FARGATE"],
      runtimePlatform: { cpuArchitecture: of.cpuArchitecture, operatingSystemFamily: "LINUX" },
      requiresCompatibilities: ["FARGATE"],
      cpu: of.cpu,
      memory: of.memory,
      ...(of.ephemeralStorageGiB !== undefined && {
        ephemeralStorage: { sizeInGiB: of.ephemeralStorageGiB },
      }),
      registeredAt: new Date("2025-06-30T12:00:00.000Z"),
      registeredBy: "arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions",
    },
    tags: Object.entries(of.tags).map(([key, value]) => ({ key, value })),
  };
}

function missingFamily(): ClientException {
  return new ClientException({ message: "Unable to describe task definition.", $metadata: {} });
}

describe("planTaskDefinition", () => {
  it("creates a missing family, listing what the first revision holds", () => {
    const desired = spec();
    expect(planTaskDefinition(desired, undefined, "nightly")).toEqual({
      kind: "task-definition",
      id: "billing-nightly",
      job: "nightly",
      action: "create",
      desired,
      changes: [
        { path: "cpu", after: "256" },
        { path: "memory", after: "512" },
        { path: "ephemeralStorageGiB", after: 20 },
        { path: "cpuArchitecture", after: "X86_64" },
        { path: "executionRoleArn", after: "arn:aws:iam::123456789012:role/billing-flexjob-execution" },
        { path: "container.name", after: "nightly" },
        { path: "container.image", after: IMAGE },
        { path: "container.command", after: ["python", "-m", "report"] },
        { path: "container.environment.FLEXJOB_JOB", after: "nightly" },
        { path: "container.environment.LOG_LEVEL", after: "info" },
        { path: "container.secrets.DB_URL", after: SECRET },
        { path: "container.log.group", after: "/flexjob/billing/nightly" },
        { path: "container.log.region", after: "eu-west-1" },
        { path: "container.log.streamPrefix", after: "nightly" },
      ],
    });
  });

  it("leaves a revision with the same spec hash alone", () => {
    const current = live(spec());
    expect(planTaskDefinition(spec(), current, "nightly")).toEqual({
      kind: "task-definition",
      id: "billing-nightly",
      job: "nightly",
      action: "noop",
      changes: [],
      desired: spec(),
      live: current,
    });
  });

  it("registers a new revision for a cpu change, reporting only the cpu", () => {
    const desired = spec((draft) => {
      draft.cpu = "512";
    });
    const current = live(spec());
    expect(planTaskDefinition(desired, current, "nightly")).toEqual({
      kind: "task-definition",
      id: "billing-nightly",
      job: "nightly",
      action: "update",
      changes: [{ path: "cpu", before: "256", after: "512" }],
      desired,
      live: current,
    });
  });

  it("reports environment variables added, changed and removed one by one", () => {
    const desired = spec((draft) => {
      draft.container.environment = [
        { name: "BATCH_SIZE", value: "500" },
        { name: "FLEXJOB_JOB", value: "nightly" },
        { name: "LOG_LEVEL", value: "debug" },
      ];
    });
    const current = live(
      spec((draft) => {
        draft.container.environment.push({ name: "TRACE", value: "1" });
      }),
    );
    expect(planTaskDefinition(desired, current, "nightly").changes).toEqual([
      { path: "container.environment.BATCH_SIZE", after: "500" },
      { path: "container.environment.LOG_LEVEL", before: "info", after: "debug" },
      { path: "container.environment.TRACE", before: "1" },
    ]);
  });

  it("reports a secret pointing elsewhere by its variable name", () => {
    const rotated = `${SECRET.slice(0, -6)}XyZ123`;
    const desired = spec((draft) => {
      draft.container.secrets = [{ name: "DB_URL", valueFrom: rotated }];
    });
    expect(planTaskDefinition(desired, live(spec()), "nightly").changes).toEqual([
      { path: "container.secrets.DB_URL", before: SECRET, after: rotated },
    ]);
  });

  it("reports a new image, an added health check, more storage and a removed task role", () => {
    const healthCheck = {
      command: ["CMD-SHELL", "true"],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 0,
    };
    const desired = spec((draft) => {
      draft.ephemeralStorageGiB = 50;
      draft.container.image = `${IMAGE.slice(0, -8)}77aa88bb`;
      draft.container.healthCheck = healthCheck;
    });
    const current = live(
      spec((draft) => {
        draft.taskRoleArn = "arn:aws:iam::123456789012:role/billing-report";
      }),
    );
    expect(planTaskDefinition(desired, current, "nightly").changes).toEqual([
      { path: "ephemeralStorageGiB", before: 20, after: 50 },
      { path: "taskRoleArn", before: "arn:aws:iam::123456789012:role/billing-report" },
      { path: "container.image", before: IMAGE, after: `${IMAGE.slice(0, -8)}77aa88bb` },
      { path: "container.healthCheck", after: healthCheck },
    ]);
  });

  it("replaces an equal revision that lacks flexjob's hash, saying the tag is the difference", () => {
    const desired = spec();
    const { [TAG_SPEC_HASH]: _hash, ...untagged } = desired.tags;
    const byHand: TaskDefinitionLive = {
      arn: `${ARN}:7`,
      revision: 7,
      spec: { ...desired, tags: untagged },
      hash: undefined,
      active: true,
    };
    expect(planTaskDefinition(desired, byHand, "nightly")).toMatchObject({
      action: "update",
      changes: [{ path: "tags.flexjob:spec-hash", after: desired.tags[TAG_SPEC_HASH] }],
    });
  });
});

describe("observeTaskDefinition", () => {
  it("normalises ECS's description of a rendered revision back to the rendered spec", async () => {
    const config = parseConfig({
      app: "billing",
      jobs: {
        nightly: {
          image: IMAGE,
          command: "python -m report --since '1 day'",
          schedule: "cron(0 3 * * ? *)",
          cpu: 0.5,
          memory: 1,
          storage: 50,
          arch: "arm64",
          taskRole: "billing-report",
          healthCheck: { command: "curl -f http://localhost/ || exit 1" },
          env: { LOG_LEVEL: "info", BATCH_SIZE: 500 },
          secrets: { DB_URL: SECRET },
        },
      },
    });
    const [job] = taskDefinitions.render({
      config,
      retained: [],
      accountId: "123456789012",
      region: "eu-west-1",
      images: { nightly: { image: IMAGE } },
      network: {
        vpcId: "vpc-0a1b2c3d4e5f67890",
        subnets: ["subnet-0a1b2c3d4e5f67890"],
        securityGroups: ["sg-0a1b2c3d4e5f67890"],
        assignPublicIp: false,
      },
    });
    if (job === undefined) throw new Error("no job rendered");
    const rendered = job.spec;
    const response = described(rendered, 4);
    const container = response.taskDefinition?.containerDefinitions?.[0];
    // ECS leaves out health check fields that were registered with their default values.
    if (container?.healthCheck) container.healthCheck = { command: container.healthCheck.command };
    ecs
      .on(DescribeTaskDefinitionCommand, { taskDefinition: "billing-nightly", include: ["TAGS"] })
      .resolves(response);

    const observed = await observeTaskDefinition(clients, "billing-nightly");

    expect(observed).toEqual({
      arn: `${ARN}:4`,
      revision: 4,
      spec: rendered,
      hash: rendered.tags[TAG_SPEC_HASH],
      active: true,
    });
    expect(taskDefinitionHash(observed?.spec ?? rendered)).toBe(rendered.tags[TAG_SPEC_HASH]);
  });

  it("plans a second deploy of an unchanged revision as a no-op", async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves(described(spec()));
    const observed = await observeTaskDefinition(clients, "billing-nightly");
    expect(planTaskDefinition(spec(), observed, "nightly")).toMatchObject({ action: "noop", changes: [] });
  });

  it("finds only the missing hash tag on a revision registered by hand with the same content", async () => {
    const response = described({ ...spec(), tags: { team: "billing" } });
    ecs.on(DescribeTaskDefinitionCommand).resolves(response);
    const observed = await observeTaskDefinition(clients, "billing-nightly");
    expect(planTaskDefinition(spec(), observed, "nightly")).toMatchObject({
      action: "update",
      changes: [{ path: "tags.flexjob:spec-hash", after: spec().tags[TAG_SPEC_HASH] }],
    });
  });

  it("reads the default 20 GiB of storage, which ECS may echo, as no storage setting", async () => {
    const response = described(spec());
    if (response.taskDefinition) response.taskDefinition.ephemeralStorage = { sizeInGiB: 20 };
    ecs.on(DescribeTaskDefinitionCommand).resolves(response);
    expect(
      (await observeTaskDefinition(clients, "billing-nightly"))?.spec.ephemeralStorageGiB,
    ).toBeUndefined();
  });

  it("reports a family without an ACTIVE revision as undefined", async () => {
    ecs.on(DescribeTaskDefinitionCommand).rejects(missingFamily());
    expect(await observeTaskDefinition(clients, "billing-nightly")).toBeUndefined();
  });

  it("wraps any other ECS error naming the family", async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(new ClientException({ message: "Too many requests", $metadata: {} }));
    const failure = observeTaskDefinition(clients, "billing-nightly");
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "AWS_ERROR",
      message: "reading task definition billing-nightly: ClientException: Too many requests",
    });
  });
});

describe("applyTaskDefinition", () => {
  it("registers the complete Fargate revision and returns its ARN", async () => {
    const desired = spec((draft) => {
      draft.cpuArchitecture = "ARM64";
      draft.ephemeralStorageGiB = 50;
      draft.taskRoleArn = "arn:aws:iam::123456789012:role/billing-report";
      draft.container.healthCheck = {
        command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 0,
      };
    });
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: `${ARN}:1` } });
    ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [`${ARN}:1`] });

    expect(
      await applyTaskDefinition(clients, planTaskDefinition(desired, undefined, "nightly"), { sleep, now }),
    ).toBe(`${ARN}:1`);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input).toEqual({
      family: "billing-nightly",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
      ephemeralStorage: { sizeInGiB: 50 },
      executionRoleArn: "arn:aws:iam::123456789012:role/billing-flexjob-execution",
      taskRoleArn: "arn:aws:iam::123456789012:role/billing-report",
      containerDefinitions: [
        {
          name: "nightly",
          image: IMAGE,
          essential: true,
          command: ["python", "-m", "report"],
          environment: [
            { name: "FLEXJOB_JOB", value: "nightly" },
            { name: "LOG_LEVEL", value: "info" },
          ],
          secrets: [{ name: "DB_URL", valueFrom: SECRET }],
          healthCheck: {
            command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: 0,
          },
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": "/flexjob/billing/nightly",
              "awslogs-region": "eu-west-1",
              "awslogs-stream-prefix": "nightly",
            },
          },
        },
      ],
      tags: [
        { key: "flexjob:app", value: "billing" },
        { key: "flexjob:job", value: "nightly" },
        { key: "flexjob:managed", value: "true" },
        { key: TAG_SPEC_HASH, value: desired.tags[TAG_SPEC_HASH] },
      ],
    });
  });

  it("leaves out storage, task role, command and health check when the spec has none", async () => {
    const desired = spec((draft) => {
      draft.container.command = undefined;
    });
    ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: `${ARN}:4` } });
    ecs.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [`${ARN}:3`, `${ARN}:4`] });
    await applyTaskDefinition(clients, planTaskDefinition(desired, live(spec()), "nightly"), { sleep, now });
    const input = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]?.args[0].input;
    expect(Object.keys(input ?? {})).not.toContain("ephemeralStorage");
    expect(Object.keys(input ?? {})).not.toContain("taskRoleArn");
    expect(Object.keys(input?.containerDefinitions?.[0] ?? {})).toEqual([
      "name",
      "image",
      "essential",
      "environment",
      "secrets",
      "logConfiguration",
    ]);
  });

  it("sends nothing for a no-op step and returns the live revision", async () => {
    expect(
      await applyTaskDefinition(clients, planTaskDefinition(spec(), live(spec(), 3), "nightly"), {
        sleep,
        now,
      }),
    ).toBe(`${ARN}:3`);
    expect(ecs.calls()).toHaveLength(0);
  });

  it("deletes by deregistering every ACTIVE revision of exactly that family, across pages", async () => {
    ecs
      .on(ListTaskDefinitionsCommand, { familyPrefix: "billing-nightly", status: "ACTIVE" })
      .resolvesOnce({ taskDefinitionArns: [`${ARN}:1`, `${ARN}-two:1`], nextToken: "page-2" })
      .resolvesOnce({ taskDefinitionArns: [`${ARN}:2`] })
      .on(DeregisterTaskDefinitionCommand)
      .resolves({});
    const step: TaskDefinitionStep = {
      kind: "task-definition",
      id: "billing-nightly",
      action: "delete",
      changes: [],
    };
    expect(await applyTaskDefinition(clients, step, { sleep, now })).toBe("");
    expect(ecs.commandCalls(ListTaskDefinitionsCommand)[1]?.args[0].input).toMatchObject({
      nextToken: "page-2",
    });
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([
      { taskDefinition: `${ARN}:1` },
      { taskDefinition: `${ARN}:2` },
    ]);
  });

  it("wraps a refused registration as a FlexjobError naming the family", async () => {
    ecs
      .on(RegisterTaskDefinitionCommand)
      .rejects(new ClientException({ message: "Invalid 'cpu' setting for task.", $metadata: {} }));
    const failure = applyTaskDefinition(clients, planTaskDefinition(spec(), undefined, "nightly"), {
      sleep,
      now,
    });
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "AWS_ERROR",
      fault: "aws",
      message:
        "registering task definition billing-nightly: ClientException: Invalid 'cpu' setting for task.",
    });
  });
});

describe("applyTaskDefinition when a registration's outcome is unknown", () => {
  it("sends a refused registration once: ECS said no, so nothing was registered", async () => {
    ecs
      .on(RegisterTaskDefinitionCommand)
      .rejects(new ClientException({ message: "Invalid 'cpu' setting for task.", $metadata: {} }));
    await expect(
      applyTaskDefinition(clients, planTaskDefinition(spec(), undefined, "nightly"), { sleep, now }),
    ).rejects.toBeInstanceOf(FlexjobError);
    expect(ecs.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "RegisterTaskDefinitionCommand",
    ]);
  });

  it("adopts the revision a lost response registered, with the same content hash, instead of registering again", async () => {
    const desired = spec((draft) => {
      draft.cpu = "512";
    });
    ecs
      .on(RegisterTaskDefinitionCommand)
      .rejects(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
      .on(ListTaskDefinitionsCommand, { familyPrefix: "billing-nightly", status: "ACTIVE" })
      .resolves({ taskDefinitionArns: [`${ARN}:3`, `${ARN}:4`] })
      .on(DescribeTaskDefinitionCommand, { taskDefinition: `${ARN}:4`, include: ["TAGS"] })
      .resolves(described(desired, 4));
    expect(
      await applyTaskDefinition(clients, planTaskDefinition(desired, live(spec(), 3), "nightly"), {
        sleep,
        now,
      }),
    ).toBe(`${ARN}:4`);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
    // Only revisions newer than the one the plan saw can be the lost registration.
    expect(
      ecs.commandCalls(DescribeTaskDefinitionCommand).map((call) => call.args[0].input.taskDefinition),
    ).toEqual([`${ARN}:4`]);
    expect(sleeps).toEqual([500]);
  });

  it("registers again after a server error when no revision carries the content, up to three tries", async () => {
    ecs
      .on(RegisterTaskDefinitionCommand)
      .rejects(new ServerException({ message: "internal error", $metadata: { httpStatusCode: 500 } }))
      .on(ListTaskDefinitionsCommand)
      .resolves({ taskDefinitionArns: [] });
    const failure = applyTaskDefinition(clients, planTaskDefinition(spec(), undefined, "nightly"), {
      sleep,
      now,
    });
    await expect(failure).rejects.toMatchObject({
      message: "registering task definition billing-nightly: ServerException: internal error",
      remedy: "check the AWS error above; rerunning is safe, flexjob converges from wherever it stopped",
    });
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it("converges on the lower twin a concurrent deploy of the same content registered, deregistering its own", async () => {
    const desired = spec((draft) => {
      draft.cpu = "512";
    });
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: `${ARN}:5` } })
      .on(ListTaskDefinitionsCommand)
      .resolves({ taskDefinitionArns: [`${ARN}:3`, `${ARN}:4`, `${ARN}:5`] })
      .on(DescribeTaskDefinitionCommand, { taskDefinition: `${ARN}:4`, include: ["TAGS"] })
      .resolves(described(desired, 4))
      .on(DeregisterTaskDefinitionCommand)
      .resolves({});
    expect(
      await applyTaskDefinition(clients, planTaskDefinition(desired, live(spec(), 3), "nightly"), {
        sleep,
        now,
      }),
    ).toBe(`${ARN}:4`);
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand).map((call) => call.args[0].input)).toEqual([
      { taskDefinition: `${ARN}:5` },
    ]);
  });

  it("keeps its revision when the newer one between carries other content", async () => {
    ecs
      .on(RegisterTaskDefinitionCommand)
      .resolves({ taskDefinition: { taskDefinitionArn: `${ARN}:5` } })
      .on(ListTaskDefinitionsCommand)
      .resolves({ taskDefinitionArns: [`${ARN}:3`, `${ARN}:4`, `${ARN}:5`] })
      .on(DescribeTaskDefinitionCommand)
      .resolves(
        described(
          spec((draft) => {
            draft.memory = "2048";
          }),
          4,
        ),
      );
    const desired = spec((draft) => {
      draft.cpu = "512";
    });
    expect(
      await applyTaskDefinition(clients, planTaskDefinition(desired, live(spec(), 3), "nightly"), {
        sleep,
        now,
      }),
    ).toBe(`${ARN}:5`);
    expect(ecs.commandCalls(DeregisterTaskDefinitionCommand)).toEqual([]);
  });
});

describe("listFlexjobFamilies", () => {
  it("keeps only families whose latest revision carries this app's managed tags", async () => {
    const other = { "flexjob:managed": "true", "flexjob:app": "billing-eu" };
    ecs
      .on(ListTaskDefinitionFamiliesCommand, { familyPrefix: "billing-", status: "ACTIVE" })
      .resolvesOnce({ families: ["billing-nightly", "billing-eu-export"], nextToken: "page-2" })
      .resolvesOnce({ families: ["billing-by-hand", "billing-gone"] })
      .on(DescribeTaskDefinitionCommand, { taskDefinition: "billing-nightly" })
      .resolves(described(spec()))
      .on(DescribeTaskDefinitionCommand, { taskDefinition: "billing-eu-export" })
      .resolves(described({ ...spec(), family: "billing-eu-export", tags: other }))
      .on(DescribeTaskDefinitionCommand, { taskDefinition: "billing-by-hand" })
      .resolves(described({ ...spec(), family: "billing-by-hand", tags: {} }))
      .on(DescribeTaskDefinitionCommand, { taskDefinition: "billing-gone" })
      .rejects(missingFamily());

    expect(await listFlexjobFamilies(clients, "billing")).toEqual(["billing-nightly"]);
  });
});
