import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import {
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { defaultSubnet, TRUST_SCHEDULER } from "../../test-support.js";

let aws: FakeAws;
let scheduler: SchedulerClient;
let sfn: SFNClient;
let ecs: ECSClient;
const ACCOUNT = "123456789012";
const CLUSTER = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`;
const TASK_DEFINITION = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/nightly:1`;
const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:nightly`;
const TRUST_STATES = TRUST_SCHEDULER.replace("scheduler.amazonaws.com", "states.amazonaws.com");
const RUN_CONTEXT = [
  { name: "FLEXJOB_RUN_ID", value: "<aws.scheduler.execution-id>" },
  { name: "FLEXJOB_SCHEDULED_TIME", value: "<aws.scheduler.scheduled-time>" },
  { name: "FLEXJOB_ATTEMPT", value: "<aws.scheduler.attempt-number>" },
];

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: "2026-03-01T02:00:00Z" } });
  scheduler = new SchedulerClient({ ...aws.clientConfig(), maxAttempts: 1 });
  sfn = new SFNClient({ ...aws.clientConfig(), maxAttempts: 1 });
  ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  for (const client of [scheduler, sfn, ecs]) client.destroy();
  await aws.close();
});

async function role(name: string, trust: string, actions: string[]): Promise<string> {
  const iam = new IAMClient(aws.clientConfig());
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  if (actions.length > 0) {
    const statement = [{ Effect: "Allow", Action: actions, Resource: "*" }];
    const document = JSON.stringify({ Version: "2012-10-17", Statement: statement });
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "p", PolicyDocument: document }));
  }
  iam.destroy();
  return `arn:aws:iam::${ACCOUNT}:role/${name}`;
}

beforeEach(async () => {
  aws.reset();
  await role("scheduler", TRUST_SCHEDULER, ["ecs:RunTask", "states:StartExecution"]);
  await role("states", TRUST_STATES, ["ecs:RunTask", "ecs:StopTask"]);
  await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "nightly",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "job", image: "busybox" }],
    }),
  );
  const subnet = await defaultSubnet(aws);
  await sfn.send(
    new CreateStateMachineCommand({
      name: "nightly",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/states`,
      definition: JSON.stringify({
        StartAt: "Run",
        States: {
          Run: {
            Type: "Task",
            Resource: "arn:aws:states:::ecs:runTask.sync",
            Parameters: {
              Cluster: CLUSTER,
              TaskDefinition: "nightly",
              LaunchType: "FARGATE",
              NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [subnet] } },
            },
            End: true,
          },
        },
      }),
    }),
  );
  await schedule("direct", `arn:aws:iam::${ACCOUNT}:role/scheduler`, {
    Arn: CLUSTER,
    Input: JSON.stringify({ containerOverrides: [{ name: "job", environment: RUN_CONTEXT }] }),
    EcsParameters: {
      TaskDefinitionArn: TASK_DEFINITION,
      LaunchType: "FARGATE",
      NetworkConfiguration: { awsvpcConfiguration: { Subnets: [subnet] } },
    },
  });
  await schedule("machine", `arn:aws:iam::${ACCOUNT}:role/scheduler`, startExecutionTarget());
});

function startExecutionTarget() {
  return {
    Arn: "arn:aws:scheduler:::aws-sdk:sfn:startExecution",
    Input: JSON.stringify({
      StateMachineArn: MACHINE,
      Name: "<aws.scheduler.execution-id>",
      Input: JSON.stringify({ FLEXJOB_SCHEDULED_TIME: "<aws.scheduler.scheduled-time>" }),
    }),
  };
}

async function schedule(name: string, roleArn: string, target: Record<string, unknown>): Promise<void> {
  await scheduler.send(
    new CreateScheduleCommand({
      Name: name,
      ScheduleExpression: "cron(0 2 * * ? *)",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: { ...target, RoleArn: roleArn } as never,
    }),
  );
}

describe("firing a schedule", () => {
  it("an ECS target runs the task with the context attributes filled into its overrides", async () => {
    const invocation = aws.scheduler.fire({ name: "direct", at: "2026-03-01T02:00:00Z", executionId: "e-1" });
    expect(invocation.error).toBeUndefined();
    const tasks = await ecs.send(
      new DescribeTasksCommand({ cluster: "jobs", tasks: invocation.taskArns ?? [] }),
    );
    expect(tasks.tasks?.[0]?.overrides?.containerOverrides?.[0]?.environment).toEqual([
      { name: "FLEXJOB_RUN_ID", value: "e-1" },
      { name: "FLEXJOB_SCHEDULED_TIME", value: "2026-03-01T02:00:00Z" },
      { name: "FLEXJOB_ATTEMPT", value: "1" },
    ]);
  });

  it("the universal target starts an execution named by the execution id, with the filled Input", async () => {
    const invocation = aws.scheduler.fire({
      name: "machine",
      at: "2026-03-01T02:00:00Z",
      executionId: "e-2",
    });
    expect(invocation.executionArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:nightly:e-2`);
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: invocation.executionArn }));
    expect([execution.status, execution.input]).toEqual([
      "RUNNING",
      '{"FLEXJOB_SCHEDULED_TIME":"2026-03-01T02:00:00Z"}',
    ]);
  });

  it("a duplicate delivery of a running invocation starts no second execution", async () => {
    const first = aws.scheduler.fire({ name: "machine", executionId: "e-3" });
    aws.clock.advance(5_000);
    const second = aws.scheduler.fire({ name: "machine", executionId: "e-3" });
    expect([first.duplicate, second.duplicate, second.executionArn]).toEqual([
      false,
      true,
      first.executionArn,
    ]);
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE }));
    expect(listed.executions).toHaveLength(1);
  });

  it("a duplicate delivery to an ECS target runs a second task: RunTask has no execution id to dedupe on", async () => {
    const first = aws.scheduler.fire({ name: "direct", executionId: "e-7" });
    const second = aws.scheduler.fire({ name: "direct", executionId: "e-7" });
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(new Set([...(first.taskArns ?? []), ...(second.taskArns ?? [])]).size).toBe(2);
  });

  it("a duplicate delivery after the run finished is refused by Step Functions, a start failure", async () => {
    aws.scheduler.fire({ name: "machine", executionId: "e-4" });
    aws.clock.advance(100_000);
    const late = aws.scheduler.fire({ name: "machine", executionId: "e-4" });
    expect(late.error?.code).toBe("ExecutionAlreadyExists");
    expect(aws.scheduler.failures().map((f) => [f.executionId, f.error?.code])).toEqual([
      ["e-4", "ExecutionAlreadyExists"],
    ]);
  });

  it("RunTask is authorized on the target's task definition revision, as IAM sees it", async () => {
    const scoped = await role("scoped", TRUST_SCHEDULER, []);
    const iam = new IAMClient(aws.clientConfig());
    const statement = [
      { Effect: "Allow", Action: "ecs:RunTask", Resource: TASK_DEFINITION.replace(/:1$/, ":*") },
    ];
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "scoped",
        PolicyName: "p",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statement }),
      }),
    );
    iam.destroy();
    const direct = (await scheduler.send(new GetScheduleCommand({ Name: "direct" }))).Target;
    await schedule("scoped", scoped, { ...direct, RoleArn: undefined });
    const invocation = aws.scheduler.fire({ name: "scoped" });
    expect([invocation.error, invocation.taskArns?.length]).toEqual([undefined, 1]);
  });

  it("a role that may not StartExecution fails the invocation and starts nothing", async () => {
    const weak = await role("weak", TRUST_SCHEDULER, ["ecs:RunTask"]);
    await schedule("denied", weak, startExecutionTarget());
    const invocation = aws.scheduler.fire({ name: "denied", executionId: "e-5" });
    expect(invocation.error?.code).toBe("AccessDeniedException");
    expect(invocation.error?.message).toContain("is not authorized to perform: states:StartExecution");
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE }))).executions).toEqual([]);
    expect(aws.scheduler.failures()).toHaveLength(1);
  });

  it("a target Input its target cannot read is a start failure, kept with the others", async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
    await schedule("garbled", roleArn, { ...startExecutionTarget(), Input: "{not json" });
    await schedule("machineless", roleArn, {
      ...startExecutionTarget(),
      Input: JSON.stringify({ Name: "x" }),
    });
    await schedule("garbled-ecs", roleArn, {
      Arn: CLUSTER,
      Input: "{not json",
      EcsParameters: { TaskDefinitionArn: TASK_DEFINITION, LaunchType: "FARGATE" },
    });
    expect(aws.scheduler.fire({ name: "garbled" }).error).toEqual({
      code: "ValidationException",
      message: "The target Input is not the JSON of a StartExecution request",
    });
    expect(aws.scheduler.fire({ name: "machineless" }).error).toEqual({
      code: "ValidationException",
      message: "StartExecution's StateMachineArn is required",
    });
    expect(aws.scheduler.fire({ name: "garbled-ecs" }).error).toEqual({
      code: "ValidationException",
      message: "The target Input is not the JSON of RunTask overrides",
    });
    expect(aws.scheduler.failures().map((failure) => failure.schedule)).toEqual([
      "garbled",
      "machineless",
      "garbled-ecs",
    ]);
  });

  it("fires over the /_fake control route too", async () => {
    const response = await fetch(`${aws.url}/_fake/scheduler/fire`, {
      method: "POST",
      body: JSON.stringify({ name: "machine", executionId: "e-6", at: "2026-03-01T02:00:00Z" }),
    });
    expect(await response.json()).toEqual({
      group: "default",
      schedule: "machine",
      executionId: "e-6",
      scheduledTime: "2026-03-01T02:00:00Z",
      duplicate: false,
      executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:nightly:e-6`,
    });
  });
});

describe("dead letters", () => {
  const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:app-flexjob-missed`;
  const SCHEDULE = `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default`;

  async function deadLetters(): Promise<{ body?: string; attributes: Record<string, string> }[]> {
    const sqs = new SQSClient({ ...aws.clientConfig(), maxAttempts: 1 });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "app-flexjob-missed" }));
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
    );
    sqs.destroy();
    return (got.Messages ?? []).map((m) => ({
      ...(m.Body !== undefined && { body: m.Body }),
      attributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          `${value.DataType}:${value.StringValue}`,
        ]),
      ),
    }));
  }

  async function dlqSchedule(name: string, actions: string[], retries = 3): Promise<void> {
    const sqs = new SQSClient({ ...aws.clientConfig(), maxAttempts: 1 });
    await sqs.send(new CreateQueueCommand({ QueueName: "app-flexjob-missed" }));
    sqs.destroy();
    const roleArn = await role(`${name}-role`, TRUST_SCHEDULER, actions);
    const direct = (await scheduler.send(new GetScheduleCommand({ Name: "direct" }))).Target;
    await schedule(name, roleArn, {
      ...direct,
      RoleArn: undefined,
      DeadLetterConfig: { Arn: QUEUE },
      RetryPolicy: { MaximumRetryAttempts: retries, MaximumEventAgeInSeconds: 3600 },
    });
  }

  it("a target the role may not start goes to the queue at once, with the documented attributes", async () => {
    await dlqSchedule("unstartable", ["sqs:SendMessage"]);
    const invocation = aws.scheduler.fire({
      name: "unstartable",
      at: "2026-03-01T02:00:00Z",
      executionId: "e-9",
    });
    expect(invocation.deadLetter).toEqual({ queueArn: QUEUE, delivered: true });
    const message = `User: arn:aws:sts::${ACCOUNT}:assumed-role/unstartable-role/scheduler is not authorized to perform: ecs:RunTask on resource: ${TASK_DEFINITION}`;
    expect(await deadLetters()).toEqual([
      {
        body: JSON.stringify({
          containerOverrides: [
            {
              name: "job",
              environment: [
                { name: "FLEXJOB_RUN_ID", value: "e-9" },
                { name: "FLEXJOB_SCHEDULED_TIME", value: "2026-03-01T02:00:00Z" },
                { name: "FLEXJOB_ATTEMPT", value: "1" },
              ],
            },
          ],
        }),
        attributes: {
          ERROR_CODE: "String:AccessDeniedException",
          ERROR_MESSAGE: `String:${message}`,
          EXECUTION_ID: "String:e-9",
          IS_PAYLOAD_TRUNCATED: "String:false",
          RETRY_ATTEMPTS: "String:0",
          SCHEDULED_TIME: "String:2026-03-01T02:00:00Z",
          SCHEDULE_ARN: `String:${SCHEDULE}/unstartable`,
          TARGET_ARN: `String:${CLUSTER}`,
        },
      },
    ]);
  });

  it("an error Scheduler retries arrives as the retry policy run out", async () => {
    await dlqSchedule("busy", ["sqs:SendMessage", "ecs:RunTask"], 3);
    const invocation = aws.scheduler.fire({ name: "busy", executionId: "e-10", targetError: "throttle" });
    expect([invocation.error?.code, invocation.deadLetter?.delivered, invocation.taskArns]).toEqual([
      "ThrottlingException",
      true,
      undefined,
    ]);
    const [letter] = await deadLetters();
    expect([
      letter?.attributes.RETRY_ATTEMPTS,
      letter?.attributes.EXHAUSTED_RETRY_CONDITION,
      letter?.attributes.ERROR_CODE,
    ]).toEqual(["String:3", "String:MaximumRetryAttempts", "String:ThrottlingException"]);
  });

  it("a role without sqs:SendMessage drops the dead letter, and the failure says so", async () => {
    await dlqSchedule("voiceless", []);
    const invocation = aws.scheduler.fire({ name: "voiceless", executionId: "e-11" });
    const deadLetter = {
      queueArn: QUEUE,
      delivered: false,
      reason: `role arn:aws:iam::${ACCOUNT}:role/voiceless-role is not allowed sqs:SendMessage on ${QUEUE}`,
    };
    expect(invocation.deadLetter).toEqual(deadLetter);
    expect(aws.scheduler.failures().map((f) => f.deadLetter)).toEqual([deadLetter]);
    expect(await deadLetters()).toEqual([]);
  });

  it("a role Scheduler can no longer assume sends no dead letter either", async () => {
    await dlqSchedule("untrusted", ["sqs:SendMessage"]);
    const iam = new IAMClient(aws.clientConfig());
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: "untrusted-role",
        PolicyDocument: TRUST_SCHEDULER.replace("scheduler.amazonaws.com", "ecs-tasks.amazonaws.com"),
      }),
    );
    iam.destroy();
    const invocation = aws.scheduler.fire({ name: "untrusted" });
    expect(invocation.deadLetter).toEqual({
      queueArn: QUEUE,
      delivered: false,
      reason: `Scheduler could not assume the role arn:aws:iam::${ACCOUNT}:role/untrusted-role`,
    });
    expect(await deadLetters()).toEqual([]);
  });

  it("a start failure without a DeadLetterConfig sends nothing anywhere", async () => {
    const weak = await role("weak-direct", TRUST_SCHEDULER, ["sqs:SendMessage"]);
    const direct = (await scheduler.send(new GetScheduleCommand({ Name: "direct" }))).Target;
    await schedule("plain", weak, { ...direct, RoleArn: undefined });
    const invocation = aws.scheduler.fire({ name: "plain" });
    expect([invocation.error?.code, invocation.deadLetter]).toEqual(["AccessDeniedException", undefined]);
    expect(await deadLetters()).toEqual([]);
  });
});
