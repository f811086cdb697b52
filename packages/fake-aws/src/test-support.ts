import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutResourcePolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import type { FakeAws } from "./core/server.js";

/** A subnet of the EC2 service's default VPC, read through the real EC2 client. Tests only. */
export async function defaultSubnet(aws: FakeAws, region = aws.region): Promise<string> {
  const ec2 = new EC2Client({ ...aws.clientConfig(region), maxAttempts: 1 });
  try {
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    const subnet = (Subnets.find((s) => s.DefaultForAz) ?? Subnets[0])?.SubnetId;
    if (subnet === undefined) throw new Error("fake EC2 has no default subnet");
    return subnet;
  } finally {
    ec2.destroy();
  }
}

export const TRUST_ECS_TASKS = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

export const TRUST_SCHEDULER = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

export const TRUST_PIPES = TRUST_SCHEDULER.replace("scheduler.amazonaws.com", "pipes.amazonaws.com");

/**
 * A rule on the default bus whose Logs target records every event matching `pattern` in a new
 * log group `group` (its resource policy open to EventBridge), as flexjob's runs rule does.
 */
export async function recordEvents(aws: FakeAws, pattern: object, group: string): Promise<void> {
  const config = { ...aws.clientConfig(), maxAttempts: 1 };
  const logs = new CloudWatchLogsClient(config);
  const events = new EventBridgeClient(config);
  const groupArn = `arn:aws:logs:${aws.region}:${aws.accountId}:log-group:${group}`;
  const statement = {
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${groupArn}:*`,
  };
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const policyDocument = JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
    const name = `recorded${group.replace(/[^A-Za-z0-9_.-]/g, "-")}`;
    await logs.send(new PutResourcePolicyCommand({ policyName: name, policyDocument }));
    await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
    await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "log", Arn: groupArn }] }));
  } finally {
    logs.destroy();
    events.destroy();
  }
}

/** The events a log group holds, parsed, oldest stream first. */
export async function recordedEvents(aws: FakeAws, group: string): Promise<Record<string, unknown>[]> {
  const logs = new CloudWatchLogsClient({ ...aws.clientConfig(), maxAttempts: 1 });
  try {
    const { logStreams = [] } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    const out: Record<string, unknown>[] = [];
    for (const stream of logStreams) {
      const got = await logs.send(
        new GetLogEventsCommand({ logGroupName: group, logStreamName: stream.logStreamName }),
      );
      out.push(...(got.events ?? []).map((e) => JSON.parse(e.message ?? "null") as Record<string, unknown>));
    }
    return out;
  } finally {
    logs.destroy();
  }
}

/**
 * The definition AWS Copilot gives a Scheduled Job's state machine: one Task state that runs the
 * job's task (`.sync`) with a retrier, inside an execution timeout (here 3 retries, 90 minutes).
 */
export function runTaskMachine(taskDefinition: string): object {
  return {
    TimeoutSeconds: 5400,
    StartAt: "Run Fargate Task",
    States: {
      "Run Fargate Task": {
        Type: "Task",
        Resource: "arn:aws:states:::ecs:runTask.sync",
        Parameters: { LaunchType: "FARGATE", Cluster: "c", TaskDefinition: taskDefinition },
        Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 1.5 }],
        End: true,
      },
    },
  };
}

/**
 * A state machine (with a role Step Functions may assume) and a scheduled EventBridge rule that
 * starts it, as CloudFormation stacks such as AWS Copilot's Scheduled Jobs deploy them, made
 * through the real clients. Tests only.
 */
export async function scheduledStateMachine(
  aws: FakeAws,
  options: {
    name: string;
    /** Default: {@link runTaskMachine} of a task definition named as the machine. */
    definition?: object;
    rule: string;
    expression: string;
    state: "ENABLED" | "DISABLED";
  },
): Promise<{ stateMachineArn: string; ruleArn: string }> {
  const config = { ...aws.clientConfig(), maxAttempts: 1 };
  const iam = new IAMClient(config);
  const sfn = new SFNClient(config);
  const events = new EventBridgeClient(config);
  const trust = TRUST_SCHEDULER.replace("scheduler.amazonaws.com", "states.amazonaws.com");
  try {
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: `${options.name}-machine`, AssumeRolePolicyDocument: trust }),
    );
    const { stateMachineArn = "" } = await sfn.send(
      new CreateStateMachineCommand({
        name: options.name,
        roleArn: role.Role?.Arn,
        definition: JSON.stringify(options.definition ?? runTaskMachine(options.name)),
      }),
    );
    const { RuleArn = "" } = await events.send(
      new PutRuleCommand({
        Name: options.rule,
        ScheduleExpression: options.expression,
        State: options.state,
      }),
    );
    const starter = `arn:aws:iam::${aws.accountId}:role/${options.name}-rule`;
    await events.send(
      new PutTargetsCommand({
        Rule: options.rule,
        Targets: [{ Id: "statemachine", Arn: stateMachineArn, RoleArn: starter }],
      }),
    );
    return { stateMachineArn, ruleArn: RuleArn };
  } finally {
    for (const client of [iam, sfn, events]) client.destroy();
  }
}
