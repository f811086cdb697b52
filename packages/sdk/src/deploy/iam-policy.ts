import { alertingJobs } from "../aws/alert-rule.js";
import { type AppScope, appScope } from "../aws/app-scope.js";
import { usesStateMachine } from "../aws/asl.js";
import { type PolicyDocument, type PolicyStatement, policy, tagAtRunTaskStatement } from "../aws/policy.js";
import { passRolesToEcs } from "../aws/role.js";
import type { FlexjobConfig } from "../config/index.js";
import { names } from "../naming.js";
import { deployRecordName } from "./deploy-record.js";
import { adapters } from "./registry.js";

export interface DeployPolicyOptions {
  /** The account the role deploys into; default `*` (any account the role is in). */
  accountId?: string;
  /** Default: the config's region, else `*`. */
  region?: string;
  /** Also what `flexjob destroy` needs: deleting the app's roles, cluster, log groups, namespace. */
  destroy?: boolean;
  /** Also what running jobs needs: `flexjob run`, `status`, `logs`, the Action's `run-now` (see {@link runPolicy}). */
  run?: boolean;
}

/**
 * What starting and following the app's jobs needs: RunTask of the jobs' families only in the
 * app's cluster, tagging only the tasks RunTask creates, reading and stopping tasks of that
 * cluster, the schedules a run copies, and the jobs' log groups. flexjob itself never stops a task;
 * StopTask is there so whoever may start a run can also end a runaway one (`aws ecs stop-task`).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 */
function runStatements(scope: AppScope): PolicyStatement[] {
  const inCluster = { ArnEquals: { "ecs:cluster": scope.cluster } };
  const tasks = scope.arn("ecs", `task/${scope.clusterName}/*`);
  return [
    {
      // A run copies what the deployed schedules would start (task definition, network, env).
      Sid: "ReadJobSchedules",
      Effect: "Allow",
      Action: "scheduler:GetSchedule",
      Resource: scope.arn("scheduler", `schedule/${scope.scheduleGroup}/*`),
    },
    {
      Sid: "RunJobTasksInTheCluster",
      Effect: "Allow",
      Action: "ecs:RunTask",
      Resource: scope.families,
      Condition: inCluster,
    },
    tagAtRunTaskStatement("TagTasksAtRunTask", tasks),
    {
      Sid: "FollowAndStopTasks",
      Effect: "Allow",
      Action: ["ecs:DescribeTasks", "ecs:StopTask"],
      Resource: tasks,
      Condition: inCluster,
    },
    {
      // ListTasks takes no task ARN (its resource type is the container instance); the cluster scopes it.
      Sid: "ListClusterTasks",
      Effect: "Allow",
      Action: "ecs:ListTasks",
      Resource: "*",
      Condition: inCluster,
    },
    {
      Sid: "ReadJobLogs",
      Effect: "Allow",
      Action: "logs:FilterLogEvents",
      Resource: scope.logGroups,
    },
    // status lists the alert addresses that have not confirmed yet.
    ...(alertingJobs(scope.config).some(({ alerts }) => alerts.email.length > 0)
      ? [
          {
            Sid: "ReadAlertSubscriptions",
            Effect: "Allow" as const,
            Action: "sns:ListSubscriptionsByTopic",
            Resource: [
              scope.arn("sns", names.alertsTopic(scope.app)),
              scope.arn("sns", `${scope.app}-*-flexjob-alerts`),
            ],
          },
        ]
      : []),
    // A job with a state machine runs by starting it, as its schedule does, and is followed there.
    ...(scope.config.jobs.some(usesStateMachine)
      ? [
          {
            Sid: "StartAndFollowJobRuns",
            Effect: "Allow" as const,
            Action: ["states:DescribeExecution", "states:StartExecution"],
            Resource: [
              scope.stateMachines,
              scope.arn("states", `execution:${names.stateMachine(scope.app, "*")}:*`),
            ],
          },
        ]
      : []),
  ];
}

/**
 * The least-privilege IAM policy a role needs to run `config`'s deployed jobs and follow them:
 * `flexjob run`, `status`, `logs`, and the Action's `run-now`. Pure: nothing is read from AWS.
 * `deployPolicy(config, { run: true })` is the deploy policy with these statements added.
 *
 * @example
 * const document = runPolicy(config, { accountId: "123456789012" });
 */
export function runPolicy(
  config: FlexjobConfig,
  options: Pick<DeployPolicyOptions, "accountId" | "region"> = {},
): PolicyDocument {
  const scope = appScope(config, options);
  return policy(...runStatements(scope), passRolesToEcs(scope));
}

/**
 * The least-privilege IAM policy a role needs to deploy `config` (`flexjob deploy`, the GitHub
 * Action, with or without prune): exactly the API calls the deploy engine makes, each scoped to the
 * app's deterministic resource names where IAM can scope that action. Pure: nothing is read from
 * AWS. Attach it to the role the workflow assumes with aws-actions/configure-aws-credentials.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 *
 * @example
 * const document = deployPolicy(config, { accountId: "123456789012" });
 * console.log(JSON.stringify(document, null, 2));
 */
export function deployPolicy(config: FlexjobConfig, options: DeployPolicyOptions = {}): PolicyDocument {
  const scope = appScope(config, options);
  const permissions = adapters.map((adapter) => adapter.permissions(scope));
  const reads = permissions.flatMap((each) => each.reads ?? []);
  return policy(
    {
      Sid: "ReadAccount",
      Effect: "Allow",
      // The account and its network (for the jobs' subnets), and each kind's unscoped reads.
      Action: ["sts:GetCallerIdentity", ...[...new Set([...NETWORK_READS, ...reads])].sort()],
      Resource: "*",
    },
    ...permissions.flatMap((each) => each.deploy),
    {
      // The deploy record (deploy-record.ts): cleared before every change, written by the Action.
      Sid: "KeepDeployRecord",
      Effect: "Allow",
      Action: ["ssm:DeleteParameter", "ssm:GetParameter", "ssm:PutParameter"],
      Resource: scope.arn("ssm", `parameter${deployRecordName(scope.app)}`),
    },
    ...(config.jobs.some((job) => job.source !== undefined) ? pushStatements(scope) : []),
    ...(options.destroy ? permissions.flatMap((each) => each.destroy ?? []) : []),
    ...(options.run ? runStatements(scope) : []),
  );
}

/** What resolving the jobs' network reads (see resolveNetwork). */
const NETWORK_READS = [
  "ec2:DescribeRouteTables",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
];

/** Jobs built from source push to one ECR repository each (flexjob/<app>/<job>). */
function pushStatements(scope: AppScope): PolicyStatement[] {
  return [
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "PushJobImages",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:CreateRepository",
        "ecr:DescribeImages",
        "ecr:DescribeRepositories",
        "ecr:GetDownloadUrlForLayer",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:PutLifecyclePolicy",
        "ecr:TagResource",
        "ecr:UploadLayerPart",
      ],
      Resource: scope.arn("ecr", `repository/${names.repository(scope.app, "*")}`),
    },
  ];
}
