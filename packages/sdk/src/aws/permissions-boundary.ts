import { FlexjobError } from "../errors.js";
import { names, TAG_APP, TAG_MANAGED } from "../naming.js";
import { awsErrorName, isAwsError, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { type PolicyDocument, type PolicyStatement, passRoleStatement, policy } from "./policy.js";
import type { BoundarySpec } from "./role-spec.js";
import { publishRunMetricsStatement } from "./run-metrics.js";

/**
 * The permissions boundary of every role flexjob creates for `app`: the most any of them may ever
 * do, whatever inline policy a deploy writes. It depends on the app's name and account only — not
 * on the config — so an administrator creates it once and CI never needs to change it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 *
 * @example
 * const document = boundaryPolicy("billing", { accountId: "123456789012" });
 * // aws iam create-policy --policy-name billing-flexjob-boundary --policy-document file://…
 */
export function boundaryPolicy(app: string, options: { accountId?: string } = {}): PolicyDocument {
  const account = options.accountId ?? "*";
  return policy(
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      // A job may run any image the config names, in any account or region (cross-account pulls
      // also need the repository's own policy); the inline policy names the repositories.
      Sid: "PullImages",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      Resource: "arn:aws:ecr:*:*:repository/*",
    },
    {
      Sid: "WriteAppLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `arn:aws:logs:*:${account}:log-group:${names.logGroup(app, "*")}`,
    },
    {
      // Which secrets a job reads is config; the inline policy names them, the boundary cannot.
      Sid: "ReadSecretValues",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "ssm:GetParameters"],
      Resource: "*",
    },
    {
      Sid: "DecryptSecretsViaTheirService",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: {
        StringLike: { "kms:ViaService": ["secretsmanager.*.amazonaws.com", "ssm.*.amazonaws.com"] },
      },
    },
    {
      Sid: "RunAppTasks",
      Effect: "Allow",
      Action: "ecs:RunTask",
      Resource: `arn:aws:ecs:*:${account}:task-definition/${app}-*`,
    },
    {
      Sid: "TagTasksAtRun",
      Effect: "Allow",
      Action: "ecs:TagResource",
      Resource: `arn:aws:ecs:*:${account}:task/*`,
      Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
    },
    ...runStatements(app, account),
    passRoleStatement("PassRolesToEcsTasksOnly", `arn:aws:iam::${account}:role/*`, "ecs-tasks.amazonaws.com"),
    {
      Sid: "DiscoverServices",
      Effect: "Allow",
      Action: ["servicediscovery:DiscoverInstances", "servicediscovery:DiscoverInstancesRevision"],
      Resource: "*",
    },
  );
}

/** What a job's runs need beyond starting tasks: state machines, missed runs and alert webhooks. */
function runStatements(app: string, account: string): PolicyStatement[] {
  return [
    {
      // What a job's state machine does with its tasks (retries, timeout, overlap), and the rule
      // Step Functions' ecs:runTask.sync integration learns that a task stopped from.
      Sid: "WatchAndStopTasks",
      Effect: "Allow",
      Action: ["ecs:DescribeTasks", "ecs:ListTasks", "ecs:StopTask"],
      Resource: "*",
    },
    {
      Sid: "SyncTaskRule",
      Effect: "Allow",
      Action: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
      Resource: `arn:aws:events:*:${account}:rule/StepFunctionsGetEventsForECSTaskRule`,
    },
    {
      Sid: "StartAppRuns",
      Effect: "Allow",
      Action: "states:StartExecution",
      Resource: `arn:aws:states:*:${account}:stateMachine:${names.stateMachine(app, "*")}`,
    },
    {
      // Scheduler's dead letters (the scheduler role sends, the pipes role drains) and the events
      // the pipe puts on the default bus for the run history and the alerts.
      Sid: "MissedRuns",
      Effect: "Allow",
      Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage"],
      Resource: `arn:aws:sqs:*:${account}:${names.missedQueue(app)}`,
    },
    {
      Sid: "PutMissedRunEvents",
      Effect: "Allow",
      Action: "events:PutEvents",
      Resource: `arn:aws:events:*:${account}:event-bus/default`,
    },
    // The metrics role publishes the app's run metrics (the history rules start its machine).
    publishRunMetricsStatement(),
    {
      // The alerts role posts to the app's webhooks through their API destinations.
      Sid: "InvokeAlertWebhooks",
      Effect: "Allow",
      Action: "events:InvokeApiDestination",
      Resource: `arn:aws:events:*:${account}:api-destination/flexjob-${app}-*`,
    },
  ];
}

/** The boundary as a role spec names it: its name, its ARN in the account, and its content. */
export function boundarySpec(app: string, accountId: string): BoundarySpec {
  const name = names.boundaryPolicy(app);
  return {
    name,
    arn: `arn:aws:iam::${accountId}:policy/${name}`,
    document: boundaryPolicy(app, { accountId }),
    tags: { [TAG_MANAGED]: "true", [TAG_APP]: app },
  };
}

/**
 * Makes sure the boundary policy exists before a role is created with it. Only an administrator
 * may create it — a deploy role that could write the boundary could lift its own ceiling — so CI
 * credentials that find it missing get an error naming the policy and the command that creates it.
 */
export async function ensureBoundaryPolicy(clients: AwsClients, boundary: BoundarySpec): Promise<void> {
  const { CreatePolicyCommand } = await loadSdk(clients, "iam");
  try {
    if (await boundaryExists(clients, boundary)) return;
    await clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: boundary.name,
        PolicyDocument: JSON.stringify(boundary.document),
        Description: "flexjob: the most any role flexjob creates for this app may do",
        Tags: Object.keys(boundary.tags)
          .sort()
          .map((key) => ({ Key: key, Value: boundary.tags[key] ?? "" })),
      }),
    );
  } catch (error) {
    if (isAwsError(error, "EntityAlreadyExistsException")) return;
    if (isAccessDenied(error)) throw boundaryMissing(boundary, error);
    throw wrapAwsError(error, `creating the permissions boundary policy ${boundary.name}`);
  }
}

async function boundaryExists(clients: AwsClients, boundary: BoundarySpec): Promise<boolean> {
  const { GetPolicyCommand } = await loadSdk(clients, "iam");
  try {
    await clients.iam.send(new GetPolicyCommand({ PolicyArn: boundary.arn }));
    return true;
  } catch (error) {
    if (isAwsError(error, "NoSuchEntityException")) return false;
    throw error;
  }
}

export function isAccessDenied(error: unknown): boolean {
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : "";
  return name !== undefined && /AccessDenied|not authorized/i.test(`${name} ${message}`);
}

function boundaryMissing(boundary: BoundarySpec, cause: unknown): FlexjobError {
  return new FlexjobError(
    `the permissions boundary policy ${boundary.name} (${boundary.arn}) does not exist, and these credentials may not create it`,
    {
      code: "AWS_ERROR",
      fault: "aws",
      cause,
      remedy:
        'an administrator creates it once: run "flexjob deploy" with admin credentials, or ' +
        `"flexjob iam-policy --boundary --account <id> > boundary.json" then ` +
        `"aws iam create-policy --policy-name ${boundary.name} --policy-document file://boundary.json"`,
    },
  );
}
