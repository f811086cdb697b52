import type { Target } from "@aws-sdk/client-eventbridge";
import { type AlertsSpec, alertsOf } from "../config/alerts.js";
import type { FlexjobConfig, JobSpec } from "../config/index.js";
import { logGroupConsoleUrl } from "../console-links.js";
import { internal, REPORT_WITH_PLAN } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import { names, ownedByApp, ownTags, roleArn, TAG_APP, TAG_JOB, TAG_MANAGED } from "../naming.js";
import { canonicalJson } from "../plan/canonical-json.js";
import { diffFields, Leaf, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import type { AppScope } from "./app-scope.js";
import { STOPPED_BY_PERSON, usesStateMachine } from "./asl.js";
import { wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { missedQueueArn, missedRulePattern } from "./missed-runs.js";
import {
  type Desired,
  deleteStep,
  type Found,
  type ObserveContext,
  type Permissions,
  planJobLeftover,
  type RenderInput,
  type ResourceAdapter,
  runStep,
} from "./resource.js";
import { deleteRule, RULE_ACTIONS, type RuleRead, type RuleWrite, readRule, writeRule } from "./rule-io.js";
import { scheduleCount } from "./schedule-fields.js";
import { stateMachineArn } from "./state-machine.js";

/**
 * Where an alert goes: the alerts SNS topic (email), or a webhook's API destination, named rather
 * than by ARN because an API destination's ARN ends in an id AWS assigns (apply looks it up).
 */
export type AlertDelivery = { topic: string } | { destination: string; roleArn: string };

/** One target of an alert rule, with the input transformer that writes its message. */
export interface AlertTargetSpec {
  id: string;
  to: AlertDelivery;
  inputPathsMap: Record<string, string>;
  inputTemplate: string;
}

/**
 * An EventBridge rule on the default bus that alerts on one job's runs that ended badly: `runs`
 * (a task stop or a state-machine execution's end) or `missed` (a run that could not start).
 */
export interface AlertRuleSpec extends RuleWrite<AlertTargetSpec> {}

export interface AlertRuleLive extends RuleRead<AlertTargetSpec> {}

export type AlertRuleStep = PlanStep<"alert-rule", AlertRuleSpec, AlertRuleLive>;

/** A job whose runs alert, and whose alerts they are: its own (`owner` = its name) or the app's. */
export interface AlertingJob {
  job: JobSpec;
  owner: string | undefined;
  alerts: AlertsSpec;
}

/** Every job of the config that alerts, with the alerts that apply to it. */
export function alertingJobs(config: FlexjobConfig): AlertingJob[] {
  return config.jobs.flatMap((job) => {
    const found = alertsOf(config.alerts, job);
    return found === undefined ? [] : [{ job, owner: found.owner, alerts: found.spec }];
  });
}

/**
 * Whether the config mentions alerts at all. Without them flexjob neither reads nor grants anything
 * of alerts, as with `discovery:`: the last alert rules and topic of an app stay when its `alerts:`
 * go, until a deploy or destroy with alerts in the config removes them (see the README).
 */
export function configHasAlerts(config: FlexjobConfig): boolean {
  return (
    config.alerts !== undefined || config.jobs.some((job) => job.alerts !== undefined && job.alerts !== false)
  );
}

export function alertsTopicArn(region: string, accountId: string, app: string, owner: string | undefined) {
  return `arn:aws:sns:${region}:${accountId}:${names.alertsTopic(app, owner)}`;
}

export function ruleArn(region: string, accountId: string, name: string): string {
  return `arn:aws:events:${region}:${accountId}:rule/${name}`;
}

/**
 * ECS stop codes of a run that went wrong before or without its container's say: it never
 * started, or Fargate took the capacity back. A task a person stopped (`UserInitiated`) is not
 * among them, and its container's exit code is not read, so it never alerts.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
 */
const ABNORMAL_STOPS = ["SpotInterruption", "TaskFailedToStart", "TerminationNotice"];

/**
 * A direct job's run that failed: a task of its family stopped in the app's cluster, either with
 * an abnormal stop code or because its container exited non-zero (the job has one container).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
 */
function taskAlertPattern(clusterArn: string, familyArnPrefix: string): string {
  return canonicalJson({
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: {
      lastStatus: ["STOPPED"],
      clusterArn: [clusterArn],
      taskDefinitionArn: [{ prefix: familyArnPrefix }],
      $or: [
        { stopCode: ABNORMAL_STOPS },
        { stopCode: ["EssentialContainerExited"], containers: { exitCode: [{ "anything-but": 0 }] } },
      ],
    },
  });
}

/**
 * A state-machine job's run that ended badly after its last attempt: the execution FAILED (not
 * because a person stopped its task) and/or TIMED_OUT. Attempts end inside the execution, so
 * retries never alert.
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 */
function executionAlertPattern(machineArn: string, on: readonly string[]): string | undefined {
  const branches = [
    ...(on.includes("failed")
      ? [{ status: ["FAILED"], error: [{ "anything-but": [STOPPED_BY_PERSON] }] }]
      : []),
    ...(on.includes("timedOut") ? [{ status: ["TIMED_OUT"] }] : []),
  ];
  const [only] = branches;
  if (only === undefined) return undefined;
  return canonicalJson({
    source: ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    detail: { stateMachineArn: [machineArn], ...(branches.length === 1 ? only : { $or: branches }) },
  });
}

/** What an alert says, with the event fields it reads; `text` goes inside a JSON string. */
interface AlertMessage {
  paths: Record<string, string>;
  text: string;
}

/** The CloudWatch console page of the job's log group. */
function logsConsoleLink(region: string, app: string, job: string): string {
  return logGroupConsoleUrl(region, names.logGroup(app, job));
}

function taskMessage(app: string, job: string, link: string): AlertMessage {
  return {
    paths: {
      stopCode: "$.detail.stopCode",
      exitCode: "$.detail.containers[0].exitCode",
      reason: "$.detail.stoppedReason",
      task: "$.detail.taskArn",
    },
    text: `flexjob ${app}/${job}: a run failed (stop code <stopCode>, exit code <exitCode>: <reason>) after 1 attempt (the job has no retries). Task <task>. Logs: ${link}`,
  };
}

function executionMessage(app: string, job: JobSpec, link: string): AlertMessage {
  return {
    paths: {
      status: "$.detail.status",
      error: "$.detail.error",
      cause: "$.detail.cause",
      run: "$.detail.name",
    },
    text: `flexjob ${app}/${job.name}: run <run> ended <status> after its last attempt (up to ${job.retries + 1} attempts): <error>: <cause>. Logs: ${link}`,
  };
}

function missedMessage(app: string, job: string, link: string): AlertMessage {
  const attribute = (name: string) => `$.detail.messageAttributes.${name}.stringValue`;
  return {
    paths: {
      scheduled: attribute("SCHEDULED_TIME"),
      code: attribute("ERROR_CODE"),
      message: attribute("ERROR_MESSAGE"),
      attempts: attribute("RETRY_ATTEMPTS"),
    },
    text: `flexjob ${app}/${job}: the run scheduled for <scheduled> was missed: it could not start (<code>: <message>; start retries: <attempts>). Logs: ${link}`,
  };
}

/** Where a job's alerts go: the topic when there are addresses, the destination when a webhook. */
function targetsFor(input: RenderInput, alerting: AlertingJob, message: AlertMessage): AlertTargetSpec[] {
  const { config, region, accountId } = input;
  const targets: AlertTargetSpec[] = [];
  if (alerting.alerts.email.length > 0) {
    targets.push({
      id: "email",
      to: { topic: alertsTopicArn(region, accountId, config.app, alerting.owner) },
      inputPathsMap: message.paths,
      // A template that is one JSON string: SNS mails its text.
      inputTemplate: `"${message.text}"`,
    });
  }
  if (alerting.alerts.webhook !== undefined) {
    targets.push({
      id: "webhook",
      to: {
        destination: names.alertsDestination(config.app, alerting.owner),
        roleArn: roleArn(accountId, names.alertsRole(config.app)),
      },
      inputPathsMap: message.paths,
      // Slack's incoming webhooks, and most chat webhooks, read a JSON body's `text`.
      inputTemplate: `{"text": "${message.text}"}`,
    });
  }
  return targets;
}

/** The ARN of each of the job's schedules, one per shard: the ones its missed runs name. */
function scheduleArns(input: RenderInput, job: JobSpec): string[] {
  const group = names.scheduleGroup(input.config.app);
  return Array.from(
    { length: scheduleCount(job) },
    (_, shard) =>
      `arn:aws:scheduler:${input.region}:${input.accountId}:schedule/${group}/${names.schedule(input.config.app, job.name, shard)}`,
  );
}

function runsPattern(input: RenderInput, alerting: AlertingJob): string | undefined {
  const { config, region, accountId } = input;
  const { job, alerts } = alerting;
  if (usesStateMachine(job)) {
    const machine = stateMachineArn(region, accountId, names.stateMachine(config.app, job.name));
    return executionAlertPattern(machine, alerts.on);
  }
  // A direct job has no timeout: only failures alert.
  if (!alerts.on.includes("failed")) return undefined;
  const family = names.taskFamily(config.app, job.name);
  return taskAlertPattern(
    `arn:aws:ecs:${region}:${accountId}:cluster/${names.cluster(config.app, config.cluster)}`,
    `arn:aws:ecs:${region}:${accountId}:task-definition/${family}:`,
  );
}

/** One job's alert rules: up to two, and none whose outcomes `on` leaves out. */
function renderJobRules(input: RenderInput, alerting: AlertingJob): AlertRuleSpec[] {
  const { config, region, accountId } = input;
  const app = config.app;
  const { job, alerts } = alerting;
  const link = logsConsoleLink(region, app, job.name);
  const tags = { [TAG_MANAGED]: "true", [TAG_APP]: app, [TAG_JOB]: job.name };
  const rules: AlertRuleSpec[] = [];
  const runs = runsPattern(input, alerting);
  if (runs !== undefined) {
    const message = usesStateMachine(job)
      ? executionMessage(app, job, link)
      : taskMessage(app, job.name, link);
    rules.push({
      name: names.alertsRule(app, job.name, "runs"),
      description: `flexjob ${app}: alerts when a run of ${job.name} ends badly after its last attempt`,
      eventPattern: runs,
      targets: targetsFor(input, alerting, message),
      tags,
    });
  }
  if (alerts.on.includes("missed")) {
    const queue = missedQueueArn(region, accountId, names.missedQueue(app));
    rules.push({
      name: names.alertsRule(app, job.name, "missed"),
      description: `flexjob ${app}: alerts when a run of ${job.name} could not start`,
      eventPattern: missedRulePattern(queue, scheduleArns(input, job)),
      targets: targetsFor(input, alerting, missedMessage(app, job.name, link)),
      tags,
    });
  }
  return rules;
}

/** Every alert rule the config asks for, with the job each belongs to. */
export function renderAlertRules(input: RenderInput): Desired<AlertRuleSpec>[] {
  return alertingJobs(input.config).flatMap((alerting) =>
    renderJobRules(input, alerting).map((spec) => ({ id: spec.name, job: alerting.job.name, spec })),
  );
}

/** A live target as a spec's: an API destination's ARN (`…:api-destination/<name>/<id>`) back to its name. */
function liveTarget(target: Target): AlertTargetSpec {
  const arn = target.Arn ?? "";
  const marker = ":api-destination/";
  const at = arn.indexOf(marker);
  const to: AlertDelivery =
    at === -1
      ? { topic: arn }
      : { destination: arn.slice(at + marker.length).split("/")[0] ?? "", roleArn: target.RoleArn ?? "" };
  return {
    id: target.Id ?? "",
    to,
    inputPathsMap: { ...target.InputTransformer?.InputPathsMap },
    inputTemplate: target.InputTransformer?.InputTemplate ?? "",
  };
}

export async function observeAlertRule(
  clients: AwsClients,
  name: string,
): Promise<AlertRuleLive | undefined> {
  return readRule(clients, name, liveTarget);
}

const READ_CONCURRENCY = 8;

/** An alert rule's name ends in its kind, unless it was cut to 64 characters with a hash. */
const mayBeAlertRule = (name: string) => /-alert-(?:runs|missed)$/.test(name) || name.length === 64;

/**
 * The app's rules under `flexjob-<app>-` that are a job's alert rules: flexjob's tags for the app
 * and a job, and the name that job's alert rule would have (the run-history rules have no job).
 */
async function listAlertRules(clients: AwsClients, app: string): Promise<AlertRuleLive[]> {
  const { ListRulesCommand } = await loadSdk(clients, "events");
  const listed: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await clients.events.send(
        new ListRulesCommand({ NamePrefix: `flexjob-${app}-`, NextToken: token }),
      );
      listed.push(...(page.Rules ?? []).flatMap((rule) => rule.Name ?? []).filter(mayBeAlertRule));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw wrapAwsError(error, `listing the EventBridge rules of app ${app}`);
  }
  // A few reads at a time: an app of many jobs has two rules each, three calls a rule.
  const found = await mapLimit(listed.sort(), READ_CONCURRENCY, (name) => observeAlertRule(clients, name));
  return found.flatMap((live) => {
    const job = live?.tags[TAG_JOB];
    if (live === undefined || job === undefined || !ownedByApp(live.tags, app)) return [];
    const alertNames = [names.alertsRule(app, job, "runs"), names.alertsRule(app, job, "missed")];
    return alertNames.includes(live.name) ? [live] : [];
  });
}

/** The fields a plan compares; a rule someone disabled is enabled again. */
function comparable(rule: Omit<AlertRuleLive, "arn" | "name">): Record<string, unknown> {
  return {
    description: rule.description,
    eventPattern: new Leaf(JSON.parse(rule.eventPattern)),
    state: rule.state,
    targets: new Leaf(rule.targets),
    tags: rule.tags,
  };
}

export function planAlertRule(
  spec: AlertRuleSpec,
  live: AlertRuleLive | undefined,
  job: string | undefined,
): AlertRuleStep {
  const base = {
    kind: "alert-rule",
    id: spec.name,
    ...(job === undefined ? {} : { job }),
    desired: spec,
  } as const;
  const desired = comparable({ ...spec, state: "ENABLED" });
  if (live === undefined) return stepFrom(base, live, diffFields(undefined, desired));
  // Tags a user added to the rule are theirs: only flexjob's own keys are compared.
  const liveTags = ownTags(spec.tags, live.tags);
  return stepFrom(base, live, diffFields(comparable({ ...live, tags: liveTags }), desired));
}

/** An API destination's ARN from its name, read just before the target is written. */
async function destinationArn(clients: AwsClients, name: string): Promise<string> {
  const { DescribeApiDestinationCommand } = await loadSdk(clients, "events");
  const found = await clients.events.send(new DescribeApiDestinationCommand({ Name: name }));
  if (found.ApiDestinationArn === undefined) {
    throw internal(`API destination ${name} has no ARN before its alert rule`, REPORT_WITH_PLAN);
  }
  return found.ApiDestinationArn;
}

async function targetRequest(clients: AwsClients, target: AlertTargetSpec): Promise<Target> {
  const transformer = {
    InputTransformer: { InputPathsMap: target.inputPathsMap, InputTemplate: target.inputTemplate },
  };
  if ("topic" in target.to) return { Id: target.id, Arn: target.to.topic, ...transformer };
  return {
    Id: target.id,
    Arn: await destinationArn(clients, target.to.destination),
    RoleArn: target.to.roleArn,
    ...transformer,
  };
}

export async function applyAlertRule(clients: AwsClients, step: AlertRuleStep): Promise<string | undefined> {
  const request = (target: AlertTargetSpec) => targetRequest(clients, target);
  return runStep(step, "EventBridge alert rule", {
    delete: () => deleteRule(clients, step.id, step.live?.targets),
    create: (spec) => writeRule(clients, spec, undefined, request),
    update: (spec, live) => writeRule(clients, spec, live, request),
  });
}

async function observeAlertRules(
  desired: readonly Desired<AlertRuleSpec>[],
  context: ObserveContext,
): Promise<{ live: Map<string, AlertRuleLive>; unwanted: Found<AlertRuleLive>[] }> {
  // Nothing of alerts is read unless some are asked for: the deploy role may lack the reads.
  if (desired.length === 0) return { live: new Map(), unwanted: [] };
  // One listing finds both the rules asked for and those no longer asked for (alerts turned off).
  const owned = await listAlertRules(context.clients, context.app);
  const wanted = new Set(desired.map((item) => item.id));
  const selected = new Set(desired.filter((item) => context.selected(item.job)).map((item) => item.id));
  return {
    live: new Map(owned.filter((live) => selected.has(live.name)).map((live) => [live.name, live])),
    unwanted: owned.filter((live) => !wanted.has(live.name)).map(foundRule),
  };
}

/** A listed rule as found, with its job: every listed rule carries one (see listAlertRules). */
function foundRule(live: AlertRuleLive): Found<AlertRuleLive> {
  return { id: live.name, job: live.tags[TAG_JOB] ?? "", live };
}

/** Each alerting job's rules: `flexjob-<app>-<job>-alert-runs` and `…-alert-missed`. */
export const alertRules: ResourceAdapter<AlertRuleStep> = {
  kind: "alert-rule",
  // After the topic and the API destinations it targets; removed before them.
  order: { write: 3, remove: 1 },
  render: renderAlertRules,
  observe: observeAlertRules,
  plan: (desired, live) => planAlertRule(desired.spec, live, desired.job),
  planUnwanted: (found, context) =>
    planJobLeftover(found, context, {
      remove: (item, reason) => deleteStep<AlertRuleStep>("alert-rule", item, reason),
      reason: () => "the job's alerts no longer ask for this rule",
      remains: "its alert rules remain; deploy with prune to remove them",
    }),
  // Destroy looks whatever the config says now: alerts removed from it must not outlive the app.
  async owned({ clients, config, job }) {
    const owned = (await listAlertRules(clients, config.app)).map(foundRule);
    return owned.filter((found) => job === undefined || found.job === job);
  },
  apply: (step, { clients }) => applyAlertRule(clients, step),
  permissions: (scope) => alertRulePermissions(scope),
};

function alertRulePermissions(scope: AppScope): Permissions {
  const rules = scope.arn("events", `rule/flexjob-${scope.app}-*`);
  const destroy = [
    {
      Sid: "DestroyAlertRules",
      Effect: "Allow" as const,
      Action: [
        "events:DeleteRule",
        "events:DescribeRule",
        "events:ListTagsForResource",
        "events:ListTargetsByRule",
        "events:RemoveTargets",
      ],
      Resource: rules,
    },
  ];
  // Without alerts only destroy looks for them; ListRules takes no ARN.
  const list = { Sid: "FindAlertRules", Effect: "Allow" as const, Action: "events:ListRules", Resource: "*" };
  if (!configHasAlerts(scope.config)) return { deploy: [], destroy: [...destroy, list] };
  const webhooks = alertingJobs(scope.config).some(({ alerts }) => alerts.webhook !== undefined);
  return {
    reads: ["events:ListRules"],
    deploy: [
      {
        Sid: "ManageAlertRules",
        Effect: "Allow" as const,
        Action: RULE_ACTIONS,
        // A long job name is cut with a hash, so only the app's prefix is certain; tags decide deletes.
        Resource: rules,
      },
      ...(webhooks
        ? [
            {
              // PutTargets names the destination by ARN, which ends in an id AWS assigns.
              Sid: "FindAlertDestinations",
              Effect: "Allow" as const,
              Action: "events:DescribeApiDestination",
              Resource: scope.arn("events", `api-destination/flexjob-${scope.app}-*`),
            },
            {
              Sid: "PassAlertsRole",
              Effect: "Allow" as const,
              Action: "iam:PassRole",
              Resource: scope.arn("iam", `role/${names.alertsRole(scope.app)}`, ""),
              Condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
            },
          ]
        : []),
    ],
    destroy,
  };
}
