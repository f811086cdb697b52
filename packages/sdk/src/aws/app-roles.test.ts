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
