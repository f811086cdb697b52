import {
  DeleteRuleCommand,
  DescribeApiDestinationCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import {
  type AlertRuleSpec,
  alertRules,
  applyAlertRule,
  observeAlertRule,
  planAlertRule,
} from "./alert-rule.js";
import { alertsTopics } from "./alerts-topic.js";
import { appScope } from "./app-scope.js";
import { createClients } from "./clients.js";
import { deleteStep, type RenderInput } from "./resource.js";

const events = mockClient(EventBridgeClient);
const clients = createClients({ region: "eu-west-1" });
beforeEach(() => events.reset());

const IMAGE = "public.ecr.aws/docker/library/python:3.13-slim";
const ACCOUNT = "123456789012";
const LOGS = (job: string) =>
  `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fflexjob$252Fbilling$252F${job}`;
const TASK_TEXT = (job: string) =>
  `flexjob billing/${job}: a run failed (stop code <stopCode>, exit code <exitCode>: <reason>) after 1 attempt (the job has no retries). Task <task>. Logs: ${LOGS(job)}`;
const TASK_PATHS = {
  stopCode: "$.detail.stopCode",
  exitCode: "$.detail.containers[0].exitCode",
  reason: "$.detail.stoppedReason",
  task: "$.detail.taskArn",
};
const MISSED_PATHS = {
  scheduled: "$.detail.messageAttributes.SCHEDULED_TIME.stringValue",
  code: "$.detail.messageAttributes.ERROR_CODE.stringValue",
  message: "$.detail.messageAttributes.ERROR_MESSAGE.stringValue",
  attempts: "$.detail.messageAttributes.RETRY_ATTEMPTS.stringValue",
};

function renderInput(raw: { alerts?: unknown; jobs: Record<string, Record<string, unknown>> }): RenderInput {
  const jobs = Object.fromEntries(
    Object.entries(raw.jobs).map(([name, job]) => [name, { image: IMAGE, schedule: "rate(1 hour)", ...job }]),
  );
  const config = parseConfig({
    app: "billing",
    ...(raw.alerts === undefined ? {} : { alerts: raw.alerts }),
    jobs,
  });
  return {
    config,
    retained: [],
    accountId: ACCOUNT,
    region: "eu-west-1",
    images: Object.fromEntries(Object.keys(jobs).map((name) => [name, { image: IMAGE }])),
    network: { vpcId: "vpc-1", subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: false },
  };
}

const pattern = (spec: AlertRuleSpec | undefined) => JSON.parse(spec?.eventPattern ?? "null");

describe("render", () => {
  it("app alerts: a direct job's runs and missed rules, to the app's topic and destination", () => {
    const input = renderInput({
      alerts: { email: ["ops@example.com"], webhook: "https://hooks.example.com/T0/B0/x" },
      jobs: { nightly: { tasks: 2 } },
    });
    const [runs, missed, ...more] = alertRules.render(input);
    expect(more).toEqual([]);
    const tags = { "flexjob:managed": "true", "flexjob:app": "billing", "flexjob:job": "nightly" };
    expect(runs).toEqual({
      id: "flexjob-billing-nightly-alert-runs",
      job: "nightly",
      spec: {
        name: "flexjob-billing-nightly-alert-runs",
        description: "flexjob billing: alerts when a run of nightly ends badly after its last attempt",
        eventPattern: runs?.spec.eventPattern,
        targets: [
          {
            id: "email",
            to: { topic: `arn:aws:sns:eu-west-1:${ACCOUNT}:billing-flexjob-alerts` },
            inputPathsMap: TASK_PATHS,
            inputTemplate: `"${TASK_TEXT("nightly")}"`,
          },
          {
            id: "webhook",
            to: {
              destination: "flexjob-billing-alerts",
              roleArn: `arn:aws:iam::${ACCOUNT}:role/billing-flexjob-alerts`,
            },
            inputPathsMap: TASK_PATHS,
            inputTemplate: `{"text": "${TASK_TEXT("nightly")}"}`,
          },
        ],
        tags,
      },
    });
    expect(pattern(runs?.spec)).toEqual({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: {
        lastStatus: ["STOPPED"],
        clusterArn: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/billing`],
        taskDefinitionArn: [{ prefix: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/billing-nightly:` }],
        $or: [
          { stopCode: ["SpotInterruption", "TaskFailedToStart", "TerminationNotice"] },
          { stopCode: ["EssentialContainerExited"], containers: { exitCode: [{ "anything-but": 0 }] } },
        ],
      },
    });
    expect(missed?.spec.name).toBe("flexjob-billing-nightly-alert-missed");
    expect(missed?.spec.targets.map((target) => target.inputPathsMap)).toEqual([MISSED_PATHS, MISSED_PATHS]);
    expect(pattern(missed?.spec)).toEqual({
      source: ["flexjob"],
      "detail-type": ["flexjob Run Missed"],
      detail: {
        eventSourceARN: [`arn:aws:sqs:eu-west-1:${ACCOUNT}:flexjob-billing-missed`],
        messageAttributes: {
          // A duplicate Step Functions refused is not a missed run.
          ERROR_CODE: { stringValue: [{ "anything-but": "ExecutionAlreadyExists" }] },
          SCHEDULE_ARN: {
            stringValue: [
              `arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/flexjob-billing/billing-nightly`,
              `arn:aws:scheduler:eu-west-1:${ACCOUNT}:schedule/flexjob-billing/billing-nightly.1`,
            ],
          },
        },
      },
    });
  });

  it("a job's own alerts: its own topic, destination and state-machine outcomes; the topic lets only its rules publish", () => {
    const input = renderInput({
      alerts: { email: ["ops@example.com"] },
      jobs: {
        nightly: { retries: 2, alerts: { email: ["billing@example.com"], on: ["failed", "timedOut"] } },
      },
    });
    const [runs, ...more] = alertRules.render(input);
    expect(more).toEqual([]);
    expect(runs?.spec.targets.map((target) => target.to)).toEqual([
      { topic: `arn:aws:sns:eu-west-1:${ACCOUNT}:billing-nightly-flexjob-alerts` },
    ]);
    expect(runs?.spec.targets[0]?.inputTemplate).toBe(
      `"flexjob billing/nightly: run <run> ended <status> after its last attempt (up to 3 attempts): <error>: <cause>. Logs: ${LOGS("nightly")}"`,
    );
    expect(pattern(runs?.spec)).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: {
        stateMachineArn: [`arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:billing-nightly`],
        $or: [
          { status: ["FAILED"], error: [{ "anything-but": ["Flexjob.StoppedByPerson"] }] },
          { status: ["TIMED_OUT"] },
        ],
      },
    });
    // The app's alerts reach no job, so the app's topic is not made.
    expect(alertsTopics.render(input)).toEqual([
      {
        id: "billing-nightly-flexjob-alerts",
        job: "nightly",
        spec: {
          name: "billing-nightly-flexjob-alerts",
          arn: `arn:aws:sns:eu-west-1:${ACCOUNT}:billing-nightly-flexjob-alerts`,
          policy: JSON.stringify({
            Statement: [
              {
                Action: "sns:Publish",
                Condition: {
                  ArnEquals: {
                    "aws:SourceArn": [
                      `arn:aws:events:eu-west-1:${ACCOUNT}:rule/flexjob-billing-nightly-alert-runs`,
                    ],
                  },
                },
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Resource: `arn:aws:sns:eu-west-1:${ACCOUNT}:billing-nightly-flexjob-alerts`,
                Sid: "AlertRulesPublish",
              },
            ],
            Version: "2012-10-17",
          }),
          emails: ["billing@example.com"],
          tags: { "flexjob:managed": "true", "flexjob:app": "billing", "flexjob:job": "nightly" },
        },
      },
    ]);
  });

  it("on: [failed] for a state-machine job matches only a failure a person did not cause", () => {
    const input = renderInput({
      alerts: { email: ["ops@example.com"], on: ["failed"] },
      jobs: { nightly: { timeout: "1h" } },
    });
    const [runs, ...more] = alertRules.render(input);
    expect(more).toEqual([]);
    expect(pattern(runs?.spec).detail).toEqual({
      stateMachineArn: [`arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:billing-nightly`],
      status: ["FAILED"],
      error: [{ "anything-but": ["Flexjob.StoppedByPerson"] }],
    });
  });

  it("alerts: false, no alerts, and outcomes a job cannot have render no rule and no topic", () => {
    const input = renderInput({
      alerts: { email: ["ops@example.com"], on: ["timedOut"] },
      jobs: { quiet: { alerts: false }, direct: {} },
    });
    expect(alertRules.render(input)).toEqual([]);
    expect(alertsTopics.render(input)).toEqual([]);
    expect(alertRules.render(renderInput({ jobs: { direct: {} } }))).toEqual([]);
  });

  it("the app's topic lets every alert rule that targets it publish, and nothing else", () => {
    const input = renderInput({
      alerts: { email: ["b@example.com", "a@example.com"], on: ["failed"] },
      jobs: { one: {}, two: {} },
    });
    const [topic, ...more] = alertsTopics.render(input);
    expect(more).toEqual([]);
    expect(topic?.spec.emails).toEqual(["a@example.com", "b@example.com"]);
    expect(JSON.parse(topic?.spec.policy ?? "{}").Statement[0].Condition.ArnEquals["aws:SourceArn"]).toEqual([
      `arn:aws:events:eu-west-1:${ACCOUNT}:rule/flexjob-billing-one-alert-runs`,
      `arn:aws:events:eu-west-1:${ACCOUNT}:rule/flexjob-billing-two-alert-runs`,
    ]);
  });
});

describe("observe, plan and apply", () => {
  const input = renderInput({
    alerts: { webhook: "https://hooks.example.com/T0/B0/x", on: ["failed"] },
    jobs: { nightly: {} },
  });
  const [desired] = alertRules.render(input);
  const spec = desired?.spec as AlertRuleSpec;
  const RULE_ARN = `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${spec.name}`;
  const DESTINATION_ARN = `arn:aws:events:eu-west-1:${ACCOUNT}:api-destination/flexjob-billing-alerts/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;
  const target = spec.targets[0];

  function liveRule() {
    events.on(DescribeRuleCommand).resolves({
      Name: spec.name,
      Arn: RULE_ARN,
      Description: spec.description,
      EventPattern: spec.eventPattern,
      State: "ENABLED",
    });
    events.on(ListTargetsByRuleCommand).resolves({
      Targets: [
        {
          Id: "webhook",
          Arn: DESTINATION_ARN,
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/billing-flexjob-alerts`,
          InputTransformer: { InputPathsMap: target?.inputPathsMap, InputTemplate: target?.inputTemplate },
        },
      ],
    });
    events.on(ListTagsForResourceCommand).resolves({
      Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
    });
  }

  it("reads an API destination's ARN back as its name, so an unchanged rule plans a no-op", async () => {
    liveRule();
    const live = await observeAlertRule(clients, spec.name);
    expect(live?.targets.map((each) => each.to)).toEqual([
      {
        destination: "flexjob-billing-alerts",
        roleArn: `arn:aws:iam::${ACCOUNT}:role/billing-flexjob-alerts`,
      },
    ]);
    expect(planAlertRule(spec, live, "nightly").action).toBe("noop");
  });

  it("a changed message is an update of the targets", async () => {
    liveRule();
    const live = await observeAlertRule(clients, spec.name);
    const changed = {
      ...spec,
      targets: spec.targets.map((each) => ({ ...each, inputTemplate: '{"text": "x"}' })),
    };
    const step = planAlertRule(changed, live, "nightly");
    expect([step.action, step.changes.map((each) => each.path)]).toEqual(["update", ["targets"]]);
  });

  it("on clients with nothing loaded, destroy lists the app's alert rules and deletes each, its targets first", async () => {
    liveRule();
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: spec.name }, { Name: "flexjob-billing-runs" }] });
    const fresh = createClients({ region: "eu-west-1" });
    const [found, ...others] = await alertRules.owned({
      clients: fresh,
      config: input.config,
      job: undefined,
    });
    expect([found?.id, found?.job, others]).toEqual([spec.name, "nightly", []]);
    if (found === undefined) throw new Error("no alert rule found");
    await applyAlertRule(createClients({ region: "eu-west-1" }), deleteStep("alert-rule", found, "destroy"));
    // The last two calls: RemoveTargets (by rule and ids), then DeleteRule (by name).
    expect(
      events
        .calls()
        .slice(-2)
        .map((call) => call.args[0].input),
    ).toEqual([{ Rule: spec.name, Ids: ["webhook"] }, { Name: spec.name }]);
    expect(events.commandCalls(RemoveTargetsCommand)).toHaveLength(1);
    expect(events.commandCalls(DeleteRuleCommand)).toHaveLength(1);
  });

  it("apply looks the destination's ARN up by name just before PutTargets", async () => {
    events.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN });
    events.on(DescribeApiDestinationCommand, { Name: "flexjob-billing-alerts" }).resolves({
      ApiDestinationArn: DESTINATION_ARN,
    });
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
    await applyAlertRule(clients, planAlertRule(spec, undefined, "nightly"));
    expect(events.commandCalls(PutTargetsCommand).map((call) => call.args[0].input)).toEqual([
      {
        Rule: spec.name,
        Targets: [
          {
            Id: "webhook",
            Arn: DESTINATION_ARN,
            RoleArn: `arn:aws:iam::${ACCOUNT}:role/billing-flexjob-alerts`,
            InputTransformer: {
              InputPathsMap: TASK_PATHS,
              InputTemplate: `{"text": "${TASK_TEXT("nightly")}"}`,
            },
          },
        ],
      },
    ]);
    expect(events.commandCalls(PutRuleCommand)[0]?.args[0].input.Tags).toEqual([
      { Key: "flexjob:app", Value: "billing" },
      { Key: "flexjob:job", Value: "nightly" },
      { Key: "flexjob:managed", Value: "true" },
    ]);
  });
});

describe("permissions", () => {
  const permissions = (input: RenderInput) => {
    const scope = appScope(input.config, { accountId: ACCOUNT });
    return [alertRules.permissions(scope), alertsTopics.permissions(scope)];
  };

  const destroyRules = {
    Sid: "DestroyAlertRules",
    Effect: "Allow",
    Action: [
      "events:DeleteRule",
      "events:DescribeRule",
      "events:ListTagsForResource",
      "events:ListTargetsByRule",
      "events:RemoveTargets",
    ],
    Resource: `arn:aws:events:*:${ACCOUNT}:rule/flexjob-billing-*`,
  };
  const destroyTopics = {
    Sid: "DestroyAlertsTopics",
    Effect: "Allow",
    Action: [
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:ListTagsForResource",
    ],
    Resource: [
      `arn:aws:sns:*:${ACCOUNT}:billing-flexjob-alerts`,
      `arn:aws:sns:*:${ACCOUNT}:billing-*-flexjob-alerts`,
    ],
  };

  it("an app without alerts is granted nothing of them to deploy, but destroy may find and delete what is left", () => {
    expect(permissions(renderInput({ jobs: { nightly: {} } }))).toEqual([
      {
        deploy: [],
        destroy: [
          destroyRules,
          { Sid: "FindAlertRules", Effect: "Allow", Action: "events:ListRules", Resource: "*" },
        ],
      },
      {
        deploy: [],
        destroy: [
          destroyTopics,
          { Sid: "FindAlertsTopics", Effect: "Allow", Action: "sns:ListTopics", Resource: "*" },
        ],
      },
    ]);
  });

  it("rules and topics of the app only; with a webhook, its destinations' ARNs and passing the alerts role to EventBridge", () => {
    const input = renderInput({
      alerts: { email: ["ops@example.com"], webhook: "https://hooks.example.com/T0/B0/x" },
      jobs: { nightly: {} },
    });
    expect(permissions(input)).toEqual([
      {
        reads: ["events:ListRules"],
        deploy: [
          {
            Sid: "ManageAlertRules",
            Effect: "Allow",
            Action: [
              "events:DeleteRule",
              "events:DescribeRule",
              "events:ListTagsForResource",
              "events:ListTargetsByRule",
              "events:PutRule",
              "events:PutTargets",
              "events:RemoveTargets",
              "events:TagResource",
            ],
            Resource: `arn:aws:events:*:${ACCOUNT}:rule/flexjob-billing-*`,
          },
          {
            Sid: "FindAlertDestinations",
            Effect: "Allow",
            Action: "events:DescribeApiDestination",
            Resource: `arn:aws:events:*:${ACCOUNT}:api-destination/flexjob-billing-*`,
          },
          {
            Sid: "PassAlertsRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: `arn:aws:iam::${ACCOUNT}:role/billing-flexjob-alerts`,
            Condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
          },
        ],
        destroy: [destroyRules],
      },
      {
        reads: ["sns:ListTopics"],
        destroy: [destroyTopics],
        deploy: [
          {
            Sid: "ManageAlertsTopics",
            Effect: "Allow",
            Action: [
              "sns:CreateTopic",
              "sns:DeleteTopic",
              "sns:GetTopicAttributes",
              "sns:ListSubscriptionsByTopic",
              "sns:ListTagsForResource",
              "sns:SetTopicAttributes",
              "sns:Subscribe",
              "sns:TagResource",
            ],
            Resource: [
              `arn:aws:sns:*:${ACCOUNT}:billing-flexjob-alerts`,
              `arn:aws:sns:*:${ACCOUNT}:billing-*-flexjob-alerts`,
            ],
          },
          {
            Sid: "UnsubscribeRemovedAlertAddresses",
            Effect: "Allow",
            Action: "sns:Unsubscribe",
            Resource: "*",
          },
        ],
      },
    ]);
  });
});
