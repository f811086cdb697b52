import {
  ClientException,
  type ContainerDefinition,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from "@aws-sdk/client-ecs";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { TRUST_ECS_TASKS } from "../../test-support.js";

let aws: FakeAws;
let ecs: ECSClient;
let iam: IAMClient;
const EXEC_ROLE = "arn:aws:iam::123456789012:role/exec";
// Values ECS does not know are typed as ones it does, so that the SDK sends them.
const KEY = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf";

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

const router: ContainerDefinition = {
  name: "log_router",
  image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.33.2",
  memoryReservation: 50,
  firelensConfiguration: { type: "fluentbit" },
};
const job: ContainerDefinition = {
  name: "job",
  image: "public.ecr.aws/docker/library/busybox:latest",
  logConfiguration: {
    logDriver: "awsfirelens",
    options: { Name: "datadog", Host: "http-intake.logs.datadoghq.com" },
    secretOptions: [{ name: "apikey", valueFrom: KEY }],
  },
  dependsOn: [{ containerName: "log_router", condition: "START" }],
};

function definition(
  containerDefinitions: ContainerDefinition[],
  overrides: Partial<RegisterTaskDefinitionCommandInput> = {},
): RegisterTaskDefinitionCommandInput {
  return {
    family: "nightly",
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: "256",
    memory: "512",
    executionRoleArn: EXEC_ROLE,
    containerDefinitions,
    ...overrides,
  };
}

async function rejection(input: RegisterTaskDefinitionCommandInput): Promise<Error> {
  try {
    await ecs.send(new RegisterTaskDefinitionCommand(input));
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("FireLens task definitions", () => {
  it("registers a routed job with its log router and describes both as given", async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(definition([job, router])));
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: "nightly" }),
    );
    const [described, described2] = taskDefinition?.containerDefinitions ?? [];
    expect(described?.logConfiguration).toEqual(job.logConfiguration);
    expect(described?.dependsOn).toEqual(job.dependsOn);
    expect(described2?.firelensConfiguration).toEqual({ type: "fluentbit" });
    expect(taskDefinition?.requiresAttributes?.map(({ name }) => name)).toEqual(
      expect.arrayContaining([
        "com.amazonaws.ecs.capability.logging-driver.awsfirelens",
        "ecs.capability.container-ordering",
        "ecs.capability.firelens.fluentbit",
        "ecs.capability.secrets.asm.bootstrap.log-driver",
      ]),
    );
  });

  const invalid: [string, RegisterTaskDefinitionCommandInput, RegExp][] = [
    [
      "awsfirelens without a log router",
      definition([{ ...job, dependsOn: [] }]),
      /requires a container with a firelensConfiguration/,
    ],
    ["two log routers", definition([job, router, { ...router, name: "second" }]), /Only one container/],
    [
      "a log router logging through itself",
      definition([{ ...router, logConfiguration: { logDriver: "awsfirelens" } }]),
      /cannot use log driver awsfirelens/,
    ],
    [
      "a FireLens type ECS does not know",
      definition([job, { ...router, firelensConfiguration: { type: "vector" as "fluentbit" } }]),
      /Invalid firelensConfiguration type 'vector'/,
    ],
    [
      "a FireLens option ECS does not know",
      definition([
        job,
        { ...router, firelensConfiguration: { type: "fluentbit", options: { Name: "datadog" } } },
      ]),
      /Invalid firelensConfiguration option 'Name'/,
    ],
    [
      "a config file type without its value",
      definition([
        job,
        { ...router, firelensConfiguration: { type: "fluentbit", options: { "config-file-type": "file" } } },
      ]),
      /go together/,
    ],
    [
      "log secretOptions without an execution role",
      definition([job, router], { executionRoleArn: undefined }),
      /requires an execution role ARN/,
    ],
    [
      "a dependency on a container that is not there",
      definition([{ ...job, dependsOn: [{ containerName: "router", condition: "START" }] }, router]),
      /not another container/,
    ],
    [
      "a dependency condition ECS does not know",
      definition([
        { ...job, dependsOn: [{ containerName: "log_router", condition: "RUNNING" as "START" }] },
        router,
      ]),
      /condition 'RUNNING'/,
    ],
    [
      "HEALTHY on a container without a health check",
      definition([{ ...job, dependsOn: [{ containerName: "log_router", condition: "HEALTHY" }] }, router]),
      /has no health check/,
    ],
  ];
  it.each(invalid)("rejects %s with ClientException", async (_name, input, message) => {
    const error = await rejection(input);
    expect(error).toBeInstanceOf(ClientException);
    expect(error.message).toMatch(message);
  });
});
