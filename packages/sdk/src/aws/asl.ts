/**
 * The Amazon States Language definition of a job's run: the state machine a job gets when it asks
 * for `retries`, `timeout` or an `overlap` policy other than "allow". Pure: the adapter
 * (`state-machine.ts`) renders it into the spec and compares it as canonical JSON.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-amazon-states-language.html
 */
import type { JobSpec } from "../config/index.js";
import type { FargateCapacityProvider } from "../sizing/index.js";

/** Whether a job runs through a state machine; any other job keeps the direct ECS target. */
export function usesStateMachine(job: Pick<JobSpec, "retries" | "timeoutSeconds" | "overlap">): boolean {
  return job.retries > 0 || job.timeoutSeconds !== undefined || job.overlap !== "allow";
}

/** What the definition needs of a job: everything it passes to RunTask, and its run policy. */
export interface RunDefinitionInput {
  app: string;
  job: string;
  clusterArn: string;
  /** The family: each attempt runs the family's latest ACTIVE revision. */
  family: string;
  container: string;
  capacityProvider: FargateCapacityProvider;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  taskTags: Record<string, string>;
  tasks: number;
  retries: number;
  timeoutSeconds: number | undefined;
  overlap: "allow" | "skip" | "replace";
}

/**
 * The first retry waits this long, each later one `RETRY_BACKOFF_RATE` times longer: 30 s, 60 s,
 * 120 s…, so a failure from a dependency that is briefly down gets time to clear.
 */
export const RETRY_INTERVAL_SECONDS = 30;
export const RETRY_BACKOFF_RATE = 2;

/**
 * The error an attempt fails with when it may be retried (non-zero exit, Spot interruption, OOM,
 * failed to start), and the one for a task a person stopped, which is not retried.
 */
export const ATTEMPT_FAILED = "Flexjob.AttemptFailed";
export const STOPPED_BY_PERSON = "Flexjob.StoppedByPerson";
export const CALL_FAILED = "Flexjob.RunTaskRefused";

/**
 * The StopCode ECS gives a task stopped through StopTask (a person, or the `replace` overlap
 * policy): the only stop that is not retried.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
 */
export const USER_INITIATED = "UserInitiated";

type State = Record<string, unknown>;

/**
 * The run: an overlap check first (unless "allow"), then one branch per shard that runs the task
 * and waits for it (`ecs:runTask.sync`), retried on its own. A failed shard fails the execution and
 * `timeoutSeconds` bounds the whole run (the execution's TimeoutSeconds, not each attempt), so a
 * run that did not succeed ends FAILED or TIMED_OUT, which is what its one alert hangs off.
 */
export function runDefinition(input: RunDefinitionInput): Record<string, unknown> {
  const overlap = overlapStates(input);
  return {
    Comment: `flexjob ${input.app}/${input.job}: one scheduled run, ${input.tasks} task(s)`,
    StartAt: "Start",
    ...(input.timeoutSeconds === undefined ? {} : { TimeoutSeconds: input.timeoutSeconds }),
    States: {
      // The shards are the definition's (the config's task count); the scheduled time is the run's.
      Start: {
        Type: "Pass",
        Parameters: {
          shards: Array.from({ length: input.tasks }, (_, shard) => shard),
          "scheduledTime.$": "$.FLEXJOB_SCHEDULED_TIME",
        },
        Next: input.overlap === "allow" ? "Shards" : "CheckOverlap",
      },
      ...overlap,
      Shards: shardsState(input),
    },
  };
}

/**
 * Lists the family's tasks that are running or about to (desired status RUNNING, through the AWS
 * SDK integration, whose answer is PascalCase): `skip` ends the run as succeeded with an output
 * that says so, `replace` stops them and goes on.
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
function overlapStates(input: RunDefinitionInput): Record<string, State> {
  if (input.overlap === "allow") return {};
  const onOverlap = input.overlap === "skip" ? "Skipped" : "StopRunning";
  const states: Record<string, State> = {
    CheckOverlap: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:ecs:listTasks",
      Parameters: { Cluster: input.clusterArn, Family: input.family, DesiredStatus: "RUNNING" },
      ResultSelector: { "running.$": "$.TaskArns" },
      ResultPath: "$.overlap",
      Next: "Overlapping",
    },
    Overlapping: {
      Type: "Choice",
      Choices: [{ Variable: "$.overlap.running[0]", IsPresent: true, Next: onOverlap }],
      Default: "Shards",
    },
  };
  if (input.overlap === "skip") {
    states.Skipped = {
      Type: "Pass",
      Parameters: {
        skipped: true,
        reason: "a run of this job was still going",
        "running.$": "$.overlap.running",
      },
      Next: "Done",
    };
    states.Done = { Type: "Succeed" };
  } else {
    states.StopRunning = {
      Type: "Map",
      ItemsPath: "$.overlap.running",
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: "StopTask",
        States: {
          StopTask: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:ecs:stopTask",
            Parameters: {
              Cluster: input.clusterArn,
              "Task.$": "$",
              "Reason.$": "States.Format('flexjob: replaced by run {}', $$.Execution.Name)",
            },
            End: true,
          },
        },
      },
      ResultPath: null,
      Next: "Shards",
    };
  }
  return states;
}

/** One iteration per shard, all at once; each shard's attempts are retried independently. */
function shardsState(input: RunDefinitionInput): State {
  return {
    Type: "Map",
    ItemsPath: "$.shards",
    ItemSelector: { "index.$": "$$.Map.Item.Value", "scheduledTime.$": "$.scheduledTime" },
    ItemProcessor: {
      ProcessorConfig: { Mode: "INLINE" },
      StartAt: "Attempt",
      States: { Attempt: attemptState(input) },
    },
    End: true,
  };
}

/**
 * One attempt of one shard, wrapped in a Parallel state so that its Retry sees the failure only
 * after it is classified: a Retry matches on the error name alone, and ECS reports every stopped
 * task as `States.TaskFailed` whatever stopped it, with the task (and its StopCode) as the Cause.
 * The Parallel state's own `$$.State.RetryCount` numbers the attempts: FLEXJOB_ATTEMPT 1, 2, ….
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
function attemptState(input: RunDefinitionInput): State {
  return {
    Type: "Parallel",
    Parameters: {
      "index.$": "$.index",
      "scheduledTime.$": "$.scheduledTime",
      "attempt.$": "States.MathAdd($$.State.RetryCount, 1)",
    },
    Branches: [
      {
        StartAt: "RunTask",
        States: {
          RunTask: runTaskState(input),
          // A stopped task fails the state with States.TaskFailed itself and the task as its Cause; an
          // error of the call (ECS.AccessDeniedException, a bad parameter), which the same Catch
          // matches, is not retried, and the execution history keeps its message.
          IsTaskStop: {
            Type: "Choice",
            Choices: [{ Variable: "$.error.Error", StringEquals: "States.TaskFailed", Next: "ReadStop" }],
            Default: "CallFailed",
          },
          ReadStop: {
            Type: "Pass",
            Parameters: { "task.$": "States.StringToJson($.error.Cause)" },
            Next: "StoppedByPerson",
          },
          StoppedByPerson: {
            Type: "Choice",
            Choices: [
              {
                And: [
                  { Variable: "$.task.StopCode", IsPresent: true },
                  { Variable: "$.task.StopCode", StringEquals: USER_INITIATED },
                ],
                Next: "Stopped",
              },
            ],
            Default: "Failed",
          },
          Stopped: { Type: "Fail", Error: STOPPED_BY_PERSON, Cause: "the task was stopped by StopTask" },
          Failed: { Type: "Fail", Error: ATTEMPT_FAILED, Cause: "the task stopped unsuccessfully" },
          StartFailed: { Type: "Fail", Error: ATTEMPT_FAILED, Cause: "ECS could not start the task" },
          CallFailed: {
            Type: "Fail",
            Error: CALL_FAILED,
            Cause: "ECS refused RunTask: see the execution history",
          },
        },
      },
    ],
    ...(input.retries === 0
      ? {}
      : {
          Retry: [
            {
              ErrorEquals: [ATTEMPT_FAILED],
              IntervalSeconds: RETRY_INTERVAL_SECONDS,
              BackoffRate: RETRY_BACKOFF_RATE,
              MaxAttempts: input.retries,
            },
          ],
        }),
    End: true,
  };
}

/**
 * RunTask and wait for the task to stop. The optimized integration passes RunTask's request as
 * RunTask takes it (PascalCase), including a capacity provider strategy for `spot`; it fails with
 * `AmazonECS.Unknown` when RunTask answers with Failures (no capacity: the task never started),
 * and with `States.TaskFailed` when the task stops unsuccessfully.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
 */
function runTaskState(input: RunDefinitionInput): State {
  const tags = Object.keys(input.taskTags)
    .sort()
    .map((key) => ({ Key: key, Value: input.taskTags[key] ?? "" }));
  return {
    Type: "Task",
    Resource: "arn:aws:states:::ecs:runTask.sync",
    Parameters: {
      Cluster: input.clusterArn,
      TaskDefinition: input.family,
      ...(input.capacityProvider === "FARGATE"
        ? { LaunchType: "FARGATE" }
        : { CapacityProviderStrategy: [{ CapacityProvider: input.capacityProvider, Weight: 1 }] }),
      PlatformVersion: "LATEST",
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: input.subnets,
          SecurityGroups: input.securityGroups,
          AssignPublicIp: input.assignPublicIp ? "ENABLED" : "DISABLED",
        },
      },
      EnableECSManagedTags: true,
      PropagateTags: "TASK_DEFINITION",
      Tags: tags,
      Overrides: {
        ContainerOverrides: [{ Name: input.container, Environment: runEnvironment(input.tasks) }],
      },
    },
    Catch: [
      // Listed first: States.TaskFailed would also match it, and its Cause is no task.
      { ErrorEquals: ["AmazonECS.Unknown"], ResultPath: "$.error", Next: "StartFailed" },
      { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "IsTaskStop" },
    ],
    End: true,
  };
}

/** The per-run context each attempt's container sees, as the direct ECS target gives it. */
function runEnvironment(tasks: number) {
  return [
    { Name: "FLEXJOB_ATTEMPT", "Value.$": "States.Format('{}', $.attempt)" },
    { Name: "FLEXJOB_RUN_ID", "Value.$": "$$.Execution.Name" },
    { Name: "FLEXJOB_SCHEDULED_TIME", "Value.$": "$.scheduledTime" },
    { Name: "FLEXJOB_TASK_COUNT", Value: String(tasks) },
    { Name: "FLEXJOB_TASK_INDEX", "Value.$": "States.Format('{}', $.index)" },
  ];
}
