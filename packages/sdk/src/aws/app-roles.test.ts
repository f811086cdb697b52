import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/parse.js";
import { renderAppRoles } from "./app-roles.js";

function desired() {
  const config = parseConfig({
    app: "billing",
    jobs: { nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim", schedule: "rate(1 hour)" } },
  });
  return renderAppRoles({
    config,
    retained: [],
    accountId: "123456789012",
    region: "eu-west-1",
    images: { nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim" } },
    network: {
      vpcId: "vpc-0a1b2c3d4e5f67890",
      subnets: ["subnet-0a1a1a1a1a1a1a1a1"],
      securityGroups: ["sg-0c3c3c3c3c3c3c3c3"],
      assignPublicIp: false,
    },
  });
}

describe("renderAppRoles: the scheduler role", () => {
  it("passes the job roles to ECS tasks only, matching the service exactly as the deploy policy does", () => {
    const statements = desired()[1]?.inlinePolicies["flexjob-scheduler"]?.Statement ?? [];
    expect(statements.find((statement) => statement.Sid === "PassJobRoles")).toEqual({
      Sid: "PassJobRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: ["arn:aws:iam::123456789012:role/billing-flexjob-execution"],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    });
  });
});

describe("renderAppRoles: the states role", () => {
  function withJob(job: Record<string, unknown>) {
    const config = parseConfig({
      app: "billing",
      jobs: {
        nightly: {
          image: "public.ecr.aws/docker/library/python:3.13-slim",
          schedule: "rate(1 hour)",
          ...job,
        },
      },
    });
    return renderAppRoles({
      config,
      retained: [],
      accountId: "123456789012",
      region: "eu-west-1",
      images: { nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim" } },
      network: { vpcId: "vpc-1", subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: false },
    });
  }

  it("exists only when a job has a state machine", () => {
    expect(withJob({}).map((role) => role.name)).toEqual([
      "billing-flexjob-execution",
      "billing-flexjob-scheduler",
      "billing-flexjob-pipes",
      "billing-flexjob-metrics",
    ]);
    expect(withJob({ retries: 1 }).map((role) => role.name)).toEqual([
      "billing-flexjob-execution",
      "billing-flexjob-scheduler",
      "billing-flexjob-states",
      "billing-flexjob-pipes",
      "billing-flexjob-metrics",
    ]);
  });

  it("is trusted by Step Functions of this account only and allows exactly what .sync runs need", () => {
    const role = withJob({ overlap: "replace" })[2];
    expect(role?.assumeRolePolicy.Statement[0]).toEqual({
      Effect: "Allow",
      Principal: { Service: "states.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    const tasks = "arn:aws:ecs:eu-west-1:123456789012:task/billing/*";
    const cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/billing";
    expect(role?.inlinePolicies["flexjob-states"]?.Statement).toEqual([
      {
        Sid: "RunJobTasks",
        Effect: "Allow",
        Action: "ecs:RunTask",
        Resource: [
          "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly",
          "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly:*",
        ],
        Condition: { ArnLike: { "ecs:cluster": cluster } },
      },
      {
        Sid: "TagJobTasks",
        Effect: "Allow",
        Action: "ecs:TagResource",
        Resource: tasks,
        Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      },
      {
        Sid: "WatchAndStopJobTasks",
        Effect: "Allow",
        Action: ["ecs:DescribeTasks", "ecs:StopTask"],
        Resource: tasks,
      },
      {
        Sid: "ListJobTasks",
        Effect: "Allow",
        Action: "ecs:ListTasks",
        Resource: "*",
        Condition: { ArnEquals: { "ecs:cluster": cluster } },
      },
      {
        Sid: "LearnWhenTasksStop",
        Effect: "Allow",
        Action: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
        Resource: "arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule",
      },
      {
        Sid: "PassJobRoles",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: ["arn:aws:iam::123456789012:role/billing-flexjob-execution"],
        Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
    ]);
  });

  it("lets the scheduler role start the app's state machines and nothing else of Step Functions", () => {
    const statements = withJob({ timeout: "1h" })[1]?.inlinePolicies["flexjob-scheduler"]?.Statement ?? [];
    expect(statements.find((statement) => statement.Sid === "StartJobRuns")).toEqual({
      Sid: "StartJobRuns",
      Effect: "Allow",
      Action: "states:StartExecution",
      Resource: ["arn:aws:states:eu-west-1:123456789012:stateMachine:billing-nightly"],
    });
    const plain = withJob({})[1]?.inlinePolicies["flexjob-scheduler"]?.Statement ?? [];
    expect(plain.some((statement) => statement.Sid === "StartJobRuns")).toBe(false);
  });
});
