import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import { renderAppRoles } from "./app-roles.js";
import { type MissedPipeLive, missedPipes, planMissedPipe } from "./missed-pipe.js";
import { type MissedQueueLive, missedQueues, planMissedQueue } from "./missed-queue.js";
import { missedRulePattern } from "./missed-runs.js";
import type { RenderInput } from "./resource.js";

const INPUT: RenderInput = {
  config: parseConfig({
    app: "shop",
    jobs: { report: { image: "public.ecr.aws/docker/library/python:3.13-slim", schedule: "rate(1 hour)" } },
  }),
  retained: [],
  accountId: "123456789012",
  region: "eu-west-1",
  images: { report: { image: "public.ecr.aws/docker/library/python:3.13-slim" } },
  network: { vpcId: "vpc-1", subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: false },
};
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:flexjob-shop-missed";
const TAGS = { "flexjob:app": "shop", "flexjob:managed": "true" };

function only<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined || items.length !== 1) throw new Error(`expected one, got ${items.length}`);
  return item;
}

describe("the missed-runs queue", () => {
  const { spec } = only(missedQueues.render(INPUT));

  it("is one encrypted standard queue per app that keeps a dead letter 14 days", () => {
    expect(spec).toEqual({
      name: "flexjob-shop-missed",
      arn: QUEUE_ARN,
      attributes: { MessageRetentionPeriod: "1209600", SqsManagedSseEnabled: "true" },
      tags: TAGS,
    });
  });

  it("compares only what flexjob sets: SQS's other attributes and a user's tags change nothing", () => {
    const live: MissedQueueLive = {
      name: spec.name,
      url: "https://sqs.eu-west-1.amazonaws.com/123456789012/flexjob-shop-missed",
      attributes: { ...spec.attributes, VisibilityTimeout: "30", QueueArn: QUEUE_ARN },
      tags: { ...TAGS, team: "data" },
    };
    expect(planMissedQueue(spec, live).action).toBe("noop");
    const shorter = { ...live, attributes: { ...live.attributes, MessageRetentionPeriod: "345600" } };
    expect(planMissedQueue(spec, shorter).changes).toEqual([
      { path: "attributes.MessageRetentionPeriod", before: "345600", after: "1209600" },
    ]);
  });
});

describe("the missed-runs pipe", () => {
  const { spec } = only(missedPipes.render(INPUT));
  const live: MissedPipeLive = {
    ...spec,
    arn: "arn:aws:pipes:eu-west-1:123456789012:pipe/flexjob-shop-missed",
    desiredState: "RUNNING",
    currentState: "RUNNING",
  };

  it("moves the app's dead letters onto the default bus as flexjob's missed-run events", () => {
    expect(spec).toMatchObject({
      name: "flexjob-shop-missed",
      roleArn: "arn:aws:iam::123456789012:role/shop-flexjob-pipes",
      source: QUEUE_ARN,
      target: "arn:aws:events:eu-west-1:123456789012:event-bus/default",
      batchSize: 1,
      eventSource: "flexjob",
      detailType: "flexjob Run Missed",
    });
    expect(planMissedPipe(spec, live).action).toBe("noop");
  });

  it("starts a pipe someone stopped and rewrites one whose last change failed", () => {
    expect(
      planMissedPipe(spec, { ...live, desiredState: "STOPPED", currentState: "STOPPED" }).changes,
    ).toEqual([{ path: "desiredState", before: "STOPPED", after: "RUNNING" }]);
    expect(planMissedPipe(spec, { ...live, currentState: "UPDATE_FAILED" }).action).toBe("update");
  });

  it("runs as a role that may only drain the app's queue and put events on the default bus", () => {
    const role = renderAppRoles(INPUT).find((each) => each.name === "shop-flexjob-pipes");
    expect(role?.assumeRolePolicy.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pipes.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    expect(role?.inlinePolicies["flexjob-pipes"]?.Statement).toEqual([
      {
        Sid: "DrainMissedRuns",
        Effect: "Allow",
        Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        Resource: QUEUE_ARN,
      },
      {
        Sid: "PutMissedRunEvents",
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: "arn:aws:events:eu-west-1:123456789012:event-bus/default",
      },
    ]);
  });

  it("lets the scheduler role send to the app's queue and nowhere else", () => {
    const role = renderAppRoles(INPUT).find((each) => each.name === "shop-flexjob-scheduler");
    const sends = role?.inlinePolicies["flexjob-scheduler"]?.Statement.filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith("sqs:")),
    );
    expect(sends).toEqual([
      { Sid: "RecordMissedRuns", Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN },
    ]);
  });
});

describe("missedRulePattern", () => {
  it("matches the app's missed-run events, or only those of some schedules", () => {
    expect(JSON.parse(missedRulePattern(QUEUE_ARN))).toEqual({
      source: ["flexjob"],
      "detail-type": ["flexjob Run Missed"],
      detail: { eventSourceARN: [QUEUE_ARN] },
    });
    const schedule = "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report";
    // A job's alert: not for a duplicate Step Functions refused (the run it duplicates happened).
    expect(JSON.parse(missedRulePattern(QUEUE_ARN, [schedule])).detail).toEqual({
      eventSourceARN: [QUEUE_ARN],
      messageAttributes: {
        ERROR_CODE: { stringValue: [{ "anything-but": "ExecutionAlreadyExists" }] },
        SCHEDULE_ARN: { stringValue: [schedule] },
      },
    });
  });
});
