/**
 * Alerts end to end against fake-aws: deploy, fire the schedules as Scheduler does, let the fake
 * ECS and Step Functions end the runs, and read what EventBridge published to the alerts topic.
 */
import { ListTasksCommand } from "@aws-sdk/client-ecs";
import { ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { ListSubscriptionsByTopicCommand, ListTopicsCommand } from "@aws-sdk/client-sns";
import { type FakeAws, isAllowed } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import { destroy } from "../src/deploy/destroy.js";
import { deployPolicy, runPolicy } from "../src/deploy/iam-policy.js";
import { runs } from "../src/deploy/runs.js";
import { status } from "../src/deploy/status.js";
import type { Deps } from "../src/deps.js";
import { callRequests } from "./call-requests.js";
import { fireSchedule, REGION, startWorld, waitMinutes } from "./harness.js";

let aws: FakeAws;
let deps: Deps;

beforeEach(async () => {
  ({ aws, deps } = await startWorld());
});
afterEach(() => aws.close());

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:shop-flexjob-alerts";
const LOGS = (job: string) =>
  `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fflexjob$252Fshop$252F${job}`;

function config(alerts: Record<string, unknown> = { email: ["ops@example.com"] }, cleanup = {}) {
  return parseConfig(rawConfig(alerts, cleanup));
}

function rawConfig(alerts: Record<string, unknown> = { email: ["ops@example.com"] }, cleanup = {}) {
  return {
    app: "shop",
    region: REGION,
    alerts,
    jobs: {
      report: {
        image: "public.ecr.aws/docker/library/busybox:1.37",
        command: ["sh", "-c", "echo report"],
        schedule: "rate(1 hour)",
        retries: 2,
      },
      cleanup: {
        image: "public.ecr.aws/docker/library/alpine:3",
        command: "echo cleanup",
        schedule: "rate(1 hour)",
        ...cleanup,
      },
    },
  };
}

function fire(job: string, executionId: string) {
  const invocation = fireSchedule(
    aws,
    { group: "flexjob-shop", name: `shop-${job}` },
    executionId,
    "2026-12-01T11:00:00Z",
  );
  expect(invocation.error).toBeUndefined();
}

const published = () => aws.sns.published().filter((message) => message.topicArn === TOPIC);
const TASK = "arn:aws:ecs:eu-west-1:123456789012:task/shop/<id>";
/** What was mailed, with each task's id (random) written as <id>. */
const publishedText = () =>
  published().map((message) => message.message.replace(/task\/shop\/\w+/, "task/shop/<id>"));

describe("one alert per run, after its last attempt", () => {
  it("a state-machine job that always fails (retries: 2) publishes once, when the execution fails", async () => {
    await deploy(config(), {}, deps);
    aws.ecs.setExitCodes("shop-report", [1, 1, 1]);
    fire("report", "run-1");
    await waitMinutes(aws, deps, 15);
    expect(published().map((message) => [message.message, message.publishedBy])).toEqual([
      [
        `"flexjob shop/report: run run-1 ended FAILED after its last attempt (up to 3 attempts): Flexjob.AttemptFailed: the task stopped unsuccessfully. Logs: ${LOGS("report")}"`,
        "events.amazonaws.com",
      ],
    ]);
  });

  it("a direct job whose task exits 1 publishes once", async () => {
    await deploy(config(), {}, deps);
    aws.ecs.setExitCodes("shop-cleanup", [1]);
    fire("cleanup", "run-1");
    await waitMinutes(aws, deps, 5);
    expect(publishedText()).toEqual([
      `"flexjob shop/cleanup: a run failed (stop code EssentialContainerExited, exit code 1: Essential container in task exited) after 1 attempt (the job has no retries). Task ${TASK}. Logs: ${LOGS("cleanup")}"`,
    ]);
  });

  it("a direct job's task that Fargate Spot reclaims, or that cannot start, publishes once each", async () => {
    await deploy(config(), {}, deps);
    aws.ecs.interruptNext("shop-cleanup");
    fire("cleanup", "run-1");
    await waitMinutes(aws, deps, 5);
    aws.ecs.setStartFailure("shop-cleanup", "CannotPullContainerError: pull access denied");
    fire("cleanup", "run-2");
    await waitMinutes(aws, deps, 5);
    expect(publishedText()).toEqual([
      `"flexjob shop/cleanup: a run failed (stop code SpotInterruption, exit code 143: Your Spot Task was interrupted.) after 1 attempt (the job has no retries). Task ${TASK}. Logs: ${LOGS("cleanup")}"`,
      `"flexjob shop/cleanup: a run failed (stop code TaskFailedToStart, exit code : CannotPullContainerError: pull access denied) after 1 attempt (the job has no retries). Task ${TASK}. Logs: ${LOGS("cleanup")}"`,
    ]);
  });

  it("a run Scheduler could not start publishes once, for its own job only, with Scheduler's reason", async () => {
    await deploy(config(), {}, deps);
    const invocation = aws.scheduler.fire({
      group: "flexjob-shop",
      name: "shop-cleanup",
      at: "2026-12-01T11:00:00Z",
      executionId: "run-1",
      targetError: "throttle",
    });
    expect(invocation.deadLetter?.delivered).toBe(true);
    await waitMinutes(aws, deps, 2);
    expect(publishedText()).toEqual([
      `"flexjob shop/cleanup: the run scheduled for 2026-12-01T11:00:00Z was missed: it could not start (ThrottlingException: Rate exceeded; start retries: 185). Logs: ${LOGS("cleanup")}"`,
    ]);
  });

  it("a late duplicate delivery of a finished run, refused by Step Functions, is neither alerted nor missed", async () => {
    await deploy(config(), {}, deps);
    aws.ecs.setExitCodes("shop-report", [0]);
    fire("report", "run-1");
    await waitMinutes(aws, deps, 5);
    const again = aws.scheduler.fire({ group: "flexjob-shop", name: "shop-report", executionId: "run-1" });
    expect(again).toMatchObject({ duplicate: true, error: { code: "ExecutionAlreadyExists" } });
    expect(again.deadLetter?.delivered).toBe(true);
    await waitMinutes(aws, deps, 2);
    expect(published()).toEqual([]);
    const since = new Date(deps.now().getTime() - 86_400_000);
    expect((await runs(config(), "report", { since }, deps)).map((run) => [run.runId, run.outcome])).toEqual([
      ["run-1", "succeeded"],
    ]);
  });

  it("a run that succeeds publishes nothing", async () => {
    await deploy(config(), {}, deps);
    aws.ecs.setExitCodes("shop-report", [1, 0]);
    aws.ecs.setExitCodes("shop-cleanup", [0]);
    fire("report", "run-1");
    fire("cleanup", "run-1");
    await waitMinutes(aws, deps, 15);
    expect(published()).toEqual([]);
  });

  it("a task a person stopped publishes nothing, for a direct job and for a state-machine job", async () => {
    await deploy(config(), {}, deps);
    aws.ecs.hangNext("shop-cleanup");
    aws.ecs.hangNext("shop-report");
    fire("cleanup", "run-1");
    fire("report", "run-1");
    await waitMinutes(aws, deps, 1);
    const { taskArns = [] } = await deps.clients.ecs.send(
      new ListTasksCommand({ cluster: "shop", desiredStatus: "RUNNING" }),
    );
    expect(taskArns).toHaveLength(2);
    for (const task of taskArns) aws.ecs.stopTask(task);
    await waitMinutes(aws, deps, 10);
    expect(published()).toEqual([]);
  });

  it("on: [timedOut] leaves a failed run unreported and a direct job without a runs rule", async () => {
    await deploy(config({ email: ["ops@example.com"], on: ["timedOut"] }), {}, deps);
    aws.ecs.setExitCodes("shop-report", [1, 1, 1]);
    fire("report", "run-1");
    await waitMinutes(aws, deps, 15);
    expect(published()).toEqual([]);
    const { Rules = [] } = await deps.clients.events.send(
      new ListRulesCommand({ NamePrefix: "flexjob-shop-" }),
    );
    expect(Rules.map((rule) => rule.Name).sort()).toEqual([
      "flexjob-shop-executions",
      "flexjob-shop-missed",
      "flexjob-shop-report-alert-runs",
      "flexjob-shop-runs",
    ]);
  });
});

describe("email subscriptions", () => {
  it("status lists an address until it confirms", async () => {
    await deploy(config(), {}, deps);
    expect((await status(config(), deps)).map((job) => [job.name, job.pendingConfirmation])).toEqual([
      ["report", ["ops@example.com"]],
      ["cleanup", ["ops@example.com"]],
    ]);
    aws.sns.confirmSubscription(TOPIC, "ops@example.com");
    expect((await status(config(), deps)).map((job) => job.pendingConfirmation)).toEqual([[], []]);
  });

  it("a removed address is unsubscribed once confirmed; a pending one is noted in the plan", async () => {
    await deploy(config({ email: ["ops@example.com", "dev@example.com"] }), {}, deps);
    aws.sns.confirmSubscription(TOPIC, "ops@example.com");
    const result = await deploy(config({ email: ["new@example.com"] }), {}, deps);
    expect(result.plan.notes).toContain(
      "dev@example.com is no longer in alerts but stays subscribed to SNS topic shop-flexjob-alerts while its confirmation is pending: SNS cannot remove a subscription nobody confirmed; if confirmed, the next deploy removes it",
    );
    const { Subscriptions = [] } = await deps.clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }),
    );
    expect(Subscriptions.map((each) => [each.Endpoint, each.SubscriptionArn]).sort()).toEqual([
      ["dev@example.com", "PendingConfirmation"],
      ["new@example.com", "PendingConfirmation"],
    ]);
  });
});

describe("deploy, redeploy and destroy", () => {
  it("an unchanged redeploy sends no mutating call", async () => {
    await deploy(config(), {}, deps);
    aws.sns.confirmSubscription(TOPIC, "ops@example.com");
    aws.clearCalls();
    const result = await deploy(config(), {}, deps);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(
      result.plan.steps
        .filter((step) => ["alerts-topic", "alert-rule"].includes(step.kind))
        .map((step) => `${step.kind} ${step.id} ${step.action}`),
    ).toEqual([
      "alerts-topic shop-flexjob-alerts noop",
      "alert-rule flexjob-shop-report-alert-runs noop",
      "alert-rule flexjob-shop-report-alert-missed noop",
      "alert-rule flexjob-shop-cleanup-alert-runs noop",
      "alert-rule flexjob-shop-cleanup-alert-missed noop",
    ]);
  });

  it("alerts: false on a job deletes its rules at the next deploy", async () => {
    await deploy(config(), {}, deps);
    const off = await deploy(config(undefined, { alerts: false }), {}, deps);
    expect(
      off.plan.steps
        .filter((step) => step.kind === "alert-rule" && step.action !== "noop")
        .map((step) => `${step.id} ${step.action}`),
    ).toEqual(["flexjob-shop-cleanup-alert-missed delete", "flexjob-shop-cleanup-alert-runs delete"]);
    const { Rules = [] } = await deps.clients.events.send(
      new ListRulesCommand({ NamePrefix: "flexjob-shop-" }),
    );
    expect(Rules.map((rule) => rule.Name).filter((name) => name?.includes("-alert-"))).toEqual([
      "flexjob-shop-report-alert-missed",
      "flexjob-shop-report-alert-runs",
    ]);
  });

  it("a job's own alerts get their own topic, which goes when the job inherits the app's again", async () => {
    await deploy(config(undefined, { alerts: { email: ["cleanup@example.com"] } }), {}, deps);
    const topics = async () =>
      ((await deps.clients.sns.send(new ListTopicsCommand({}))).Topics ?? [])
        .map((topic) => topic.TopicArn)
        .sort();
    expect(await topics()).toEqual(["arn:aws:sns:eu-west-1:123456789012:shop-cleanup-flexjob-alerts", TOPIC]);
    await deploy(config(), {}, deps);
    expect(await topics()).toEqual([TOPIC]);
  });

  it("destroy leaves no alerts topic and no alert rule", async () => {
    await deploy(config(), {}, deps);
    await destroy(config(), {}, deps);
    const { Topics = [] } = await deps.clients.sns.send(new ListTopicsCommand({}));
    const { Rules = [] } = await deps.clients.events.send(
      new ListRulesCommand({ NamePrefix: "flexjob-shop-" }),
    );
    expect(Topics).toEqual([]);
    expect(Rules).toEqual([]);
  });

  it("destroy with a config whose alerts were removed still leaves none, within the destroy policy", async () => {
    await deploy(config(), {}, deps);
    const noAlerts = parseConfig({ ...rawConfig(), alerts: undefined });
    aws.clearCalls();
    await destroy(noAlerts, {}, deps);
    const { Topics = [] } = await deps.clients.sns.send(new ListTopicsCommand({}));
    const { Rules = [] } = await deps.clients.events.send(
      new ListRulesCommand({ NamePrefix: "flexjob-shop-" }),
    );
    expect(Topics).toEqual([]);
    expect(Rules).toEqual([]);
    const policy = deployPolicy(noAlerts, { accountId: aws.accountId, destroy: true });
    const refused = callRequests(aws.calls, aws.accountId).filter(
      (request) =>
        /^(sns|events):/.test(request.action) && request.exact && !isAllowed({ identity: [policy] }, request),
    );
    expect(refused).toEqual([]);
  });
});

describe("iam-policy", () => {
  /** The alert calls the policy does not allow (by action where the replay knows no resource). */
  function denied(document: ReturnType<typeof deployPolicy>): string[] {
    const actions = document.Statement.flatMap((each) => [each.Action].flat());
    const requests = callRequests(aws.calls, aws.accountId).filter((request) =>
      /^(sns|events):/.test(request.action),
    );
    return requests
      .filter((request) =>
        request.exact ? !isAllowed({ identity: [document] }, request) : !actions.includes(request.action),
      )
      .map((request) => request.action);
  }

  it("the deploy policy covers a deploy, an update, a job's alerts turned off and destroy; the run policy covers status", async () => {
    const withDestroy = deployPolicy(config(), { accountId: aws.accountId, destroy: true });
    await deploy(config(), {}, deps);
    aws.sns.confirmSubscription(TOPIC, "ops@example.com");
    await deploy(config({ email: ["dev@example.com"] }, { alerts: false }), {}, deps);
    await destroy(config(), {}, deps);
    expect(denied(withDestroy)).toEqual([]);
    aws.clearCalls();
    await deploy(config(), {}, deps);
    aws.clearCalls();
    await status(config(), deps);
    expect(denied(runPolicy(config(), { accountId: aws.accountId }))).toEqual([]);
  });
});
