import { describe, expect, it } from "vitest";
import { scheduleRequest } from "../aws/schedule-fields.js";
import type { BulkTarget } from "./render.js";
import { renderBulkSchedule } from "./render.js";

const target: BulkTarget = {
  app: "billing",
  job: "report",
  groupName: "billing-flexjob",
  timezone: "Europe/Berlin",
  schedule: {
    name: "billing-report",
    groupName: "flexjob-billing",
    expression: "cron(0 3 * * ? *)",
    timezone: "Europe/Berlin",
    state: "ENABLED",
    flexibleWindowMinutes: 15,
    startDate: "2025-07-01T07:00:00.000Z",
    endDate: undefined,
    description: "flexjob billing/report, task 1 of 1",
    target: {
      clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/billing-flexjob",
      roleArn: "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
      taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-report:7",
      capacityProvider: "FARGATE_SPOT",
      subnets: ["subnet-0a1a1a1a1a1a1a1a1"],
      securityGroups: ["sg-0c3c3c3c3c3c3c3c3"],
      assignPublicIp: false,
      retry: { attempts: 2, maxAgeSeconds: 3600 },
      deadLetterArn: "arn:aws:sqs:eu-west-1:123456789012:flexjob-billing-missed",
      input: "{}",
      taskTags: { "flexjob:app": "billing", "flexjob:job": "report" },
    },
  },
  container: "report",
  runContext: { FLEXJOB_JOB: "report" },
};
const entry = {
  key: "customer-42",
  expression: "cron(0 6 * * ? *)",
  timezone: undefined,
  enabled: true,
  env: {},
};

describe("renderBulkSchedule", () => {
  it("writes the request with the job's own schedule request builder", () => {
    const rendered = renderBulkSchedule(entry, target);
    const input = rendered.request.Target?.Input ?? "";
    expect(rendered.request).toEqual(
      scheduleRequest({
        name: rendered.name,
        groupName: "billing-flexjob",
        expression: "cron(0 6 * * ? *)",
        timezone: "Europe/Berlin",
        state: "ENABLED",
        flexibleWindowMinutes: 15,
        startDate: undefined,
        endDate: undefined,
        description: 'flexjob billing/report bulk schedule "customer-42"',
        target: { ...target.schedule.target, input },
      }),
    );
  });
});
