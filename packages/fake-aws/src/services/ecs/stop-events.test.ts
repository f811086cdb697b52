import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from "@aws-sdk/client-ecs";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { defaultSubnet, TRUST_ECS_TASKS } from "../../test-support.js";

const START = Date.parse("2030-01-01T00:00:00Z");
const ACCOUNT = "123456789012";
let aws: FakeAws;
let ecs: ECSClient;
let events: EventBridgeClient;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: START } });
  ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
  events = new EventBridgeClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  ecs.destroy();
  events.destroy();
  await aws.close();
});

/** A rule on STOPPED task changes, delivered to the queue `runs` (read with `aws.sqs.messages`). */
beforeEach(async () => {
  aws.reset();
  const iam = new IAMClient({ ...aws.clientConfig(), maxAttempts: 1 });
  const sqs = new SQSClient({ ...aws.clientConfig(), maxAttempts: 1 });
  await iam.send(new CreateRoleCommand({ RoleName: "exec", AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
  const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:runs`;
  const policy = {
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
      },
    ],
  };
  await sqs.send(
    new CreateQueueCommand({ QueueName: "runs", Attributes: { Policy: JSON.stringify(policy) } }),
  );
  iam.destroy();
  sqs.destroy();
  const pattern = {
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: { lastStatus: ["STOPPED"] },
  };
  await events.send(new PutRuleCommand({ Name: "runs", EventPattern: JSON.stringify(pattern) }));
  await events.send(new PutTargetsCommand({ Rule: "runs", Targets: [{ Id: "q", Arn: queueArn }] }));
  await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "report",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
      containerDefinitions: [{ name: "job", image: "public.ecr.aws/docker/library/busybox:latest" }],
    }),
  );
  aws.ecs.setPhases({ provisioningMs: 1000, pendingMs: 1000, runningMs: 10_000, stoppingMs: 1000 });
});

async function runTask(): Promise<string> {
  const { tasks } = await ecs.send(
    new RunTaskCommand({
      cluster: "jobs",
      taskDefinition: "report",
      launchType: "FARGATE",
      startedBy: "flexjob",
      group: "family:report",
      networkConfiguration: { awsvpcConfiguration: { subnets: [await defaultSubnet(aws)] } },
    }),
  );
  return tasks?.[0]?.taskArn ?? "";
}

interface StopEvent {
  detail: { taskArn: string; containers: { exitCode?: number }[]; tags?: unknown };
}

const published = () => aws.sqs.messages("runs").map((m) => JSON.parse(m) as StopEvent);

describe("ECS Task State Change", () => {
  it("is published once when a task reaches STOPPED, stamped with its stop time, with the task's detail", async () => {
    aws.ecs.setExitCode("report", 3);
    const taskArn = await runTask();
    aws.clock.advance(12_999);
    await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: [taskArn] }));
    expect(published()).toEqual([]);
    aws.clock.advance(60_000);
    await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: [taskArn] }));
    await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: [taskArn] }));
    const [event, ...more] = published();
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      source: "aws.ecs",
      "detail-type": "ECS Task State Change",
      time: "2030-01-01T00:00:13Z",
      resources: [taskArn],
      detail: {
        clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`,
        taskArn,
        taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/report:1`,
        group: "family:report",
        startedBy: "flexjob",
        lastStatus: "STOPPED",
        desiredStatus: "STOPPED",
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        containers: [{ name: "job", exitCode: 3, lastStatus: "STOPPED" }],
        createdAt: "2030-01-01T00:00:00.000Z",
        startedAt: "2030-01-01T00:00:02.000Z",
        stoppingAt: "2030-01-01T00:00:12.000Z",
        stoppedAt: "2030-01-01T00:00:13.000Z",
        updatedAt: "2030-01-01T00:00:13.000Z",
        overrides: expect.any(Object),
      },
    });
    expect(event?.detail.tags).toBeUndefined();
  });

  it("goes out before ECS forgets the task, even when the clock jumps past the hour it keeps it", async () => {
    const taskArn = await runTask();
    aws.clock.advance(3 * 3_600_000);
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: [taskArn] }));
    expect(tasks).toEqual([]);
    expect(published().map((e) => [e.detail.taskArn, e.detail.containers[0]?.exitCode])).toEqual([
      [taskArn, 0],
    ]);
  });

  it("is not published for a task that is still running", async () => {
    aws.ecs.hangNext("report");
    await runTask();
    aws.clock.advance(24 * 3_600_000);
    await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: ["x"] }));
    expect(published()).toEqual([]);
  });
});
