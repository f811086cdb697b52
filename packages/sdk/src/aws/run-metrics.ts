/**
 * The app's run metrics, with no agent: the history rules that write every run's record to
 * `/flexjob/<app>/runs` also start a small EXPRESS state machine with it, which turns the record
 * into CloudWatch data points (namespace `flexjob`, dimensions `app` and `job`) with one
 * PutMetricData call. Step Functions' JSONata does the arithmetic that metric filters cannot
 * (a duration is the difference of two fields), so every figure is exact.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import { names } from "../naming.js";
import { STOPPED_BY_PERSON, USER_INITIATED } from "./asl.js";
import { DEAD_LETTER_ATTRIBUTES, DUPLICATE_START, MISSED_SOURCE } from "./missed-runs.js";
import { type PolicyStatement, policy } from "./policy.js";
import type { RenderInput } from "./resource.js";
import type { BoundarySpec, RoleSpec } from "./role-spec.js";

export const METRICS_NAMESPACE = "flexjob";

/**
 * What each metric counts, per job:
 * - `Runs`: runs that ended (a state-machine job's executions, a direct job's tasks: one per shard);
 *   a run skipped by `overlap: skip` and a missed run are not runs.
 * - `Failures`: those that did not succeed, except a run a person stopped.
 * - `Duration`: seconds from start to stop of each run that started.
 * - `Attempts`: tasks the runs started; beyond `Runs`, each one is a retry.
 * - `Missed`: runs Scheduler could not start (its dead letters), not a refused duplicate start.
 */
export type RunMetric = "Runs" | "Failures" | "Duration" | "Attempts" | "Missed";

/**
 * What the metrics machine must know. Each record names its job through a name flexjob made
 * (`<app>-<job>` for a family, a state machine and a schedule, `.N` after a shard's schedule), so
 * adding, removing or resharding a direct job leaves the definition as it is, and a job removed
 * without prune is still measured. Only which jobs run through a state machine is listed: their
 * tasks are attempts, and their executions are the runs.
 */
export interface RunMetricsInput {
  app: string;
  /** The task definition families of the jobs that run through a state machine. */
  machineFamilies: readonly string[];
  /** Those jobs' state machine ARNs. */
  machines: readonly string[];
}

const PUT_METRIC_DATA = "arn:aws:states:::aws-sdk:cloudwatch:putMetricData";

/** The machine's definition: measure the record, then publish what it gave, if anything. */
export function metricsDefinition(input: RunMetricsInput): Record<string, unknown> {
  return {
    Comment: `flexjob ${input.app}: turns each run record into CloudWatch metrics`,
    QueryLanguage: "JSONata",
    StartAt: "Measure",
    States: {
      Measure: { Type: "Pass", Output: `{% ${measureExpression(input)} %}`, Next: "Anything" },
      Anything: {
        Type: "Choice",
        Choices: [{ Condition: "{% $count($states.input) > 0 %}", Next: "Publish" }],
        Default: "Nothing",
      },
      Publish: {
        Type: "Task",
        Resource: PUT_METRIC_DATA,
        Arguments: { Namespace: METRICS_NAMESPACE, MetricData: "{% $states.input %}" },
        // A throttled call is worth a few retries; an EXPRESS run has five minutes.
        Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
        End: true,
      },
      Nothing: { Type: "Succeed" },
    },
  };
}

/**
 * One JSONata expression from the record (the rule's event, as the history stores it) to the
 * MetricData list; an empty list for a record that is not a run's end (an execution still running,
 * a task of a job that left the config).
 */
function measureExpression(input: RunMetricsInput): string {
  const literal = (value: unknown) => JSON.stringify(value);
  const prefix = `${input.app}-`;
  return `(
  $e := $states.input;
  $d := $e.detail;
  $datum := function($job, $name, $value, $unit) {{
    "MetricName": $name,
    "Dimensions": [{"Name": "app", "Value": ${literal(input.app)}}, {"Name": "job", "Value": $job}],
    "Value": $value,
    "Unit": $unit
  }};
  $jobOf := function($name) { $substring($name, 0, ${prefix.length}) = ${literal(prefix)} ? $substring($name, ${prefix.length}) };
  $e.source = "aws.ecs" ? (
    $family := $substringBefore($substringAfter($d.taskDefinitionArn, ":task-definition/"), ":");
    $job := $jobOf($family);
    $exit := $d.containers[name = $job].exitCode;
    $failed := $not($exists($exit) and $exit = 0) and $not($d.stopCode = ${literal(USER_INITIATED)});
    $not($exists($job)) ? [] : $family in ${literal(input.machineFamilies)} ? [$datum($job, "Attempts", 1, "Count")] : [
      $datum($job, "Runs", 1, "Count"),
      $datum($job, "Failures", $failed ? 1 : 0, "Count"),
      $datum($job, "Attempts", 1, "Count"),
      $exists($d.startedAt) ? $datum($job, "Duration", ($toMillis($d.stoppedAt) - $toMillis($d.startedAt)) / 1000, "Seconds")
    ]
  ) : $e.source = "aws.states" ? (
    $job := $d.stateMachineArn in ${literal(input.machines)} ? $jobOf($substringAfter($d.stateMachineArn, ":stateMachine:"));
    $ended := $d.status in ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];
    $skipped := $d.status = "SUCCEEDED" and $contains($string($d.output), '"skipped":true');
    $failed := $d.status = "TIMED_OUT" or ($d.status = "FAILED" and $not($d.error = ${literal(STOPPED_BY_PERSON)}));
    $exists($job) and $ended and $not($skipped) ? [
      $datum($job, "Runs", 1, "Count"),
      $datum($job, "Failures", $failed ? 1 : 0, "Count"),
      $datum($job, "Duration", ($d.stopDate - $d.startDate) / 1000, "Seconds")
    ] : []
  ) : $e.source = ${literal(MISSED_SOURCE)} ? (
    $schedule := $d.messageAttributes.${DEAD_LETTER_ATTRIBUTES.scheduleArn}.stringValue;
    $job := $jobOf($replace($split($schedule, "/")[-1], /[.][0-9]+$/, ""));
    $duplicate := $d.messageAttributes.${DEAD_LETTER_ATTRIBUTES.errorCode}.stringValue = ${literal(DUPLICATE_START)};
    $exists($job) and $not($duplicate) ? [$datum($job, "Missed", 1, "Count")] : []
  ) : []
)`;
}

/**
 * The role the history rules start the metrics machine with, and the machine publishes as: one
 * role, since each service can only do its own half with it (EventBridge starts executions, Step
 * Functions runs the definition). Only this account's services may assume it (confused deputy);
 * it may start only the app's metrics machine and publish only into the `flexjob` namespace.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
 */
export function renderMetricsRole(
  input: Pick<RenderInput, "config" | "accountId" | "region">,
  context: { tags: Record<string, string>; permissionsBoundary: BoundarySpec },
): RoleSpec {
  const { config, accountId, region } = input;
  const app = config.app;
  return {
    name: names.metricsRole(app),
    description: `flexjob ${app}: lets the run history start the metrics machine, and it publish run metrics`,
    assumeRolePolicy: policy({
      Effect: "Allow",
      Principal: { Service: ["events.amazonaws.com", "states.amazonaws.com"] },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    }),
    inlinePolicies: {
      "flexjob-metrics": policy(
        {
          Sid: "StartRunMetrics",
          Effect: "Allow",
          Action: "states:StartExecution",
          Resource: `arn:aws:states:${region}:${accountId}:stateMachine:${names.metricsMachine(app)}`,
        },
        publishRunMetricsStatement(),
      ),
    },
    tags: context.tags,
    permissionsBoundary: context.permissionsBoundary,
  };
}

/** PutMetricData has no resource: the namespace condition is what scopes it. */
export function publishRunMetricsStatement(): PolicyStatement {
  return {
    Sid: "PublishRunMetrics",
    Effect: "Allow",
    Action: "cloudwatch:PutMetricData",
    Resource: "*",
    Condition: { StringEquals: { "cloudwatch:namespace": METRICS_NAMESPACE } },
  };
}
