import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import { renderAppRoles } from "./app-roles.js";
import { boundaryPolicy } from "./permissions-boundary.js";
import { metricsDefinition } from "./run-metrics.js";

function roles(top: Record<string, unknown> = {}) {
  const config = parseConfig({
    app: "billing",
    ...top,
    jobs: { nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim", schedule: "rate(1 hour)" } },
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

describe("the metrics role", () => {
  it("is assumed by this account's EventBridge and Step Functions only, starts one machine and publishes one namespace", () => {
    const role = roles().find((each) => each.name === "billing-flexjob-metrics");
    expect(role?.assumeRolePolicy.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "states.amazonaws.com"] },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    expect(role?.inlinePolicies["flexjob-metrics"]?.Statement).toEqual([
      {
        Sid: "StartRunMetrics",
        Effect: "Allow",
        Action: "states:StartExecution",
        Resource: "arn:aws:states:eu-west-1:123456789012:stateMachine:billing-flexjob-metrics",
      },
      {
        Sid: "PublishRunMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": "flexjob" } },
      },
    ]);
  });

  it("does not exist with metrics: false", () => {
    expect(roles({ metrics: false }).map((role) => role.name)).not.toContain("billing-flexjob-metrics");
  });

  it("stays within the app's boundary, which lets roles publish only into the flexjob namespace", () => {
    const boundary = boundaryPolicy("billing", { accountId: "123456789012" }).Statement;
    expect(boundary.find((statement) => statement.Sid === "PublishRunMetrics")).toEqual({
      Sid: "PublishRunMetrics",
      Effect: "Allow",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "flexjob" } },
    });
    // The machine's name is under the <app>- prefix roles may already start.
    expect(boundary.find((statement) => statement.Sid === "StartAppRuns")?.Resource).toBe(
      "arn:aws:states:*:123456789012:stateMachine:billing-*",
    );
  });
});

describe("the metrics machine's definition", () => {
  it("is JSONata: measure, then publish only when the record gave data points", () => {
    const definition = metricsDefinition({ app: "billing", machineFamilies: [], machines: [] });
    expect(definition).toMatchObject({
      QueryLanguage: "JSONata",
      StartAt: "Measure",
      States: {
        Measure: { Type: "Pass", Next: "Anything" },
        Anything: {
          Type: "Choice",
          Choices: [{ Condition: "{% $count($states.input) > 0 %}", Next: "Publish" }],
          Default: "Nothing",
        },
        Publish: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:cloudwatch:putMetricData",
          Arguments: { Namespace: "flexjob", MetricData: "{% $states.input %}" },
          End: true,
        },
        Nothing: { Type: "Succeed" },
      },
    });
  });
});
