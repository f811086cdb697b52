import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from "@aws-sdk/client-ecs";
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreatePipeCommand, PipesClient } from "@aws-sdk/client-pipes";
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "./index.js";
import {
  defaultSubnet,
  recordEvents,
  recordedEvents,
  TRUST_ECS_TASKS,
  TRUST_SCHEDULER,
} from "./test-support.js";

/**
 * A hand-written deploy-and-run sequence with the real clients, the way flexjob's deploy engine
 * will drive AWS: image repository, log group, roles, cluster, task definition, schedule group
 * and schedule, then one run of the job watched to its end.
 */
let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: "2030-01-01T00:00:00Z" } });
});
afterAll(() => aws.close());

it("deploys a scheduled job, runs it, and sees it stop with exit code 3", async () => {
  const subnet = await defaultSubnet(aws);
  const config = { ...aws.clientConfig(), maxAttempts: 1 };
  const iam = new IAMClient(config);
  const ecs = new ECSClient(config);
  const scheduler = new SchedulerClient(config);
  const ecr = new ECRClient(config);
  const logs = new CloudWatchLogsClient(config);
  aws.clearCalls();

  await ecr.send(new CreateRepositoryCommand({ repositoryName: "flexjob/nightly" }));
  await aws.ecr.pushImage("flexjob/nightly", { tag: "abc" });
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/flexjob/nightly" }));

  const execution = await iam.send(
    new CreateRoleCommand({ RoleName: "flexjob-nightly-exec", AssumeRolePolicyDocument: TRUST_ECS_TASKS }),
  );
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: "flexjob-nightly-exec",
      PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    }),
  );
  const invoker = await iam.send(
    new CreateRoleCommand({
      RoleName: "flexjob-nightly-scheduler",
      AssumeRolePolicyDocument: TRUST_SCHEDULER,
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "flexjob-nightly-scheduler",
      PolicyName: "run-task",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "ecs:RunTask", Resource: "*" },
          { Effect: "Allow", Action: "iam:PassRole", Resource: execution.Role?.Arn },
        ],
      }),
    }),
  );
  const { cluster } = await ecs.send(
    new CreateClusterCommand({ clusterName: "flexjob", capacityProviders: ["FARGATE"] }),
  );
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "flexjob-nightly",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "512",
      memory: "1024",
      executionRoleArn: execution.Role?.Arn,
      containerDefinitions: [
        {
          name: "job",
          image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/flexjob/nightly:abc",
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": "/flexjob/nightly",
              "awslogs-region": "us-east-1",
              "awslogs-stream-prefix": "run",
            },
          },
        },
      ],
      tags: [{ key: "flexjob:hash", value: "abc" }],
    }),
  );
  await scheduler.send(new CreateScheduleGroupCommand({ Name: "flexjob" }));
  const network = { awsvpcConfiguration: { subnets: [subnet ?? ""], assignPublicIp: "ENABLED" as const } };
  await scheduler.send(
    new CreateScheduleCommand({
      Name: "nightly",
      GroupName: "flexjob",
      ScheduleExpression: "cron(0 3 * * ? *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
      FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
      Target: {
        Arn: cluster?.clusterArn ?? "",
        RoleArn: invoker.Role?.Arn ?? "",
        RetryPolicy: { MaximumRetryAttempts: 0 },
        EcsParameters: {
          TaskDefinitionArn: taskDefinition?.taskDefinitionArn ?? "",
          LaunchType: "FARGATE",
          NetworkConfiguration: {
            awsvpcConfiguration: { Subnets: network.awsvpcConfiguration.subnets, AssignPublicIp: "ENABLED" },
          },
        },
      },
    }),
  );

  aws.ecs.setPhases({ provisioningMs: 5_000, pendingMs: 10_000, runningMs: 60_000, stoppingMs: 5_000 });
  aws.ecs.setExitCode("flexjob-nightly", 3);
  const { tasks } = await ecs.send(
    new RunTaskCommand({
      cluster: "flexjob",
      taskDefinition: "flexjob-nightly",
      launchType: "FARGATE",
      networkConfiguration: network,
      startedBy: "flexjob-cli",
      overrides: {
        containerOverrides: [{ name: "job", environment: [{ name: "FLEXJOB_RUN", value: "manual" }] }],
      },
    }),
  );
  const taskArn = tasks?.[0]?.taskArn ?? "";
  const seen: string[] = [];
  for (let i = 0; i < 20 && seen[seen.length - 1] !== "STOPPED"; i++) {
    const { tasks: described } = await ecs.send(
      new DescribeTasksCommand({ cluster: "flexjob", tasks: [taskArn] }),
    );
    const status = described?.[0]?.lastStatus ?? "";
    if (seen[seen.length - 1] !== status) seen.push(status);
    aws.clock.advance(5_000);
  }
  expect(seen).toEqual(["PROVISIONING", "PENDING", "RUNNING", "DEPROVISIONING", "STOPPED"]);

  const { tasks: final } = await ecs.send(new DescribeTasksCommand({ cluster: "flexjob", tasks: [taskArn] }));
  expect(final?.[0]).toMatchObject({
    lastStatus: "STOPPED",
    stopCode: "EssentialContainerExited",
    startedBy: "flexjob-cli",
    containers: [{ name: "job", exitCode: 3 }],
  });
  const stopped = await ecs.send(new ListTasksCommand({ cluster: "flexjob", desiredStatus: "STOPPED" }));
  expect(stopped.taskArns).toEqual([taskArn]);
  const got = await scheduler.send(new GetScheduleCommand({ Name: "nightly", GroupName: "flexjob" }));
  expect(got.Target?.EcsParameters?.TaskDefinitionArn).toBe(
    "arn:aws:ecs:us-east-1:123456789012:task-definition/flexjob-nightly:1",
  );

  expect(aws.mutatingCalls().map((c) => `${c.service}:${c.operation}:${c.outcome}`)).toEqual([
    "ecr:CreateRepository:ok",
    "logs:CreateLogGroup:ok",
    "iam:CreateRole:ok",
    "iam:AttachRolePolicy:ok",
    "iam:CreateRole:ok",
    "iam:PutRolePolicy:ok",
    "ecs:CreateCluster:ok",
    "ecs:RegisterTaskDefinition:ok",
    "scheduler:CreateScheduleGroup:ok",
    "scheduler:CreateSchedule:ok",
    "ecs:RunTask:ok",
  ]);
  expect(aws.callsTo("ecs", "RunTask")[0]?.input).toMatchObject({
    startedBy: "flexjob-cli",
    overrides: {
      containerOverrides: [{ name: "job", environment: [{ name: "FLEXJOB_RUN", value: "manual" }] }],
    },
  });
  const snapshot = aws.snapshot();
  expect(snapshot.now).toBe(aws.clock.now().toISOString());
  for (const client of [iam, ecs, scheduler, ecr, logs]) client.destroy();
});

it("a run that cannot start reaches the runs log group: dead-letter queue, pipe, default bus, rule", async () => {
  aws.reset();
  const config = { ...aws.clientConfig(), maxAttempts: 1 };
  const iam = new IAMClient(config);
  const ecs = new ECSClient(config);
  const scheduler = new SchedulerClient(config);
  const sqs = new SQSClient(config);
  const pipes = new PipesClient(config);
  const account = aws.accountId;
  const queueArn = `arn:aws:sqs:us-east-1:${account}:app-flexjob-missed`;
  const busArn = `arn:aws:events:us-east-1:${account}:event-bus/default`;
  const pipeArn = `arn:aws:pipes:us-east-1:${account}:pipe/app-flexjob-missed`;
  const policy = (Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

  await sqs.send(
    new CreateQueueCommand({
      QueueName: "app-flexjob-missed",
      Attributes: { MessageRetentionPeriod: "1209600", SqsManagedSseEnabled: "true" },
    }),
  );
  // The scheduler role may send its dead letters, but not start the task: every start fails.
  const invoker = await iam.send(
    new CreateRoleCommand({ RoleName: "app-flexjob-scheduler", AssumeRolePolicyDocument: TRUST_SCHEDULER }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "app-flexjob-scheduler",
      PolicyName: "dead-letters",
      PolicyDocument: policy([{ Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn }]),
    }),
  );
  const trustPipes = policy([
    {
      Effect: "Allow",
      Principal: { Service: "pipes.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": account }, ArnEquals: { "aws:SourceArn": pipeArn } },
    },
  ]);
  const drainer = await iam.send(
    new CreateRoleCommand({ RoleName: "app-flexjob-pipes", AssumeRolePolicyDocument: trustPipes }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "app-flexjob-pipes",
      PolicyName: "drain",
      PolicyDocument: policy([
        {
          Effect: "Allow",
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
          Resource: queueArn,
        },
        { Effect: "Allow", Action: "events:PutEvents", Resource: busArn },
      ]),
    }),
  );
  await recordEvents(
    aws,
    { source: ["flexjob"], "detail-type": ["flexjob Run Missed"] },
    "/flexjob/app/runs",
  );
  await pipes.send(
    new CreatePipeCommand({
      Name: "app-flexjob-missed",
      RoleArn: drainer.Role?.Arn ?? "",
      Source: queueArn,
      Target: busArn,
      TargetParameters: {
        EventBridgeEventBusParameters: { Source: "flexjob", DetailType: "flexjob Run Missed" },
      },
    }),
  );

  const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: "app" }));
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "app-nightly",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "job", image: "busybox" }],
    }),
  );
  await scheduler.send(
    new CreateScheduleCommand({
      Name: "nightly",
      ScheduleExpression: "cron(0 3 * * ? *)",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: cluster?.clusterArn ?? "",
        RoleArn: invoker.Role?.Arn ?? "",
        DeadLetterConfig: { Arn: queueArn },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        Input: JSON.stringify({ containerOverrides: [] }),
        EcsParameters: {
          TaskDefinitionArn: taskDefinition?.taskDefinitionArn ?? "",
          LaunchType: "FARGATE",
          NetworkConfiguration: { awsvpcConfiguration: { Subnets: [await defaultSubnet(aws)] } },
        },
      },
    }),
  );

  const invocation = aws.scheduler.fire({
    name: "nightly",
    at: "2030-01-01T03:00:00Z",
    executionId: "run-1",
  });
  expect([invocation.error?.code, invocation.deadLetter]).toEqual([
    "AccessDeniedException",
    { queueArn, delivered: true },
  ]);
  expect(aws.sqs.messages("app-flexjob-missed")).toEqual([]);
  const recorded = await recordedEvents(aws, "/flexjob/app/runs");
  expect(recorded.map((event) => [event.source, event["detail-type"]])).toEqual([
    ["flexjob", "flexjob Run Missed"],
  ]);
  const detail = recorded[0]?.detail as {
    body: string;
    messageAttributes: Record<string, { stringValue: string }>;
  };
  expect(detail.body).toBe('{"containerOverrides":[]}');
  expect(
    Object.fromEntries(
      Object.entries(detail.messageAttributes).map(([name, value]) => [name, value.stringValue]),
    ),
  ).toEqual({
    ERROR_CODE: "AccessDeniedException",
    ERROR_MESSAGE: `User: arn:aws:sts::${account}:assumed-role/app-flexjob-scheduler/scheduler is not authorized to perform: ecs:RunTask on resource: ${taskDefinition?.taskDefinitionArn}`,
    EXECUTION_ID: "run-1",
    IS_PAYLOAD_TRUNCATED: "false",
    RETRY_ATTEMPTS: "0",
    SCHEDULED_TIME: "2030-01-01T03:00:00Z",
    SCHEDULE_ARN: `arn:aws:scheduler:us-east-1:${account}:schedule/default/nightly`,
    TARGET_ARN: cluster?.clusterArn,
  });
  expect(aws.pipes.failures()).toEqual([]);
  for (const client of [iam, ecs, scheduler, sqs, pipes]) client.destroy();
});
