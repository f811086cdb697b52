import { type PolicyDocument, type PolicyStatement, passRoleStatement, policy } from "../aws/policy.js";
import type { FlexjobConfig } from "../config/index.js";
import { names, TAG_APP } from "../naming.js";

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

/** The app's deterministic ARNs, as the policies grant them. */
function appScope(config: FlexjobConfig, options: DeployPolicyOptions) {
  const app = config.app;
  const account = options.accountId ?? "*";
  const region = options.region ?? config.region ?? "*";
  const arn = (service: string, resource: string, inRegion = region) =>
    `arn:aws:${service}:${inRegion}:${account}:${resource}`;
  const executionRole = arn("iam", `role/${names.executionRole(app)}`, "");
  // With discovery, jobs without their own task role run as flexjob's, which the deploy manages.
  const flexjobTaskRole = config.discovery ? [arn("iam", `role/${names.taskRole(app)}`, "")] : [];
  const taskRoles = [
    ...new Set(
      config.jobs.flatMap((job) => {
        if (job.taskRole === undefined) return [];
        return [job.taskRole.startsWith("arn:") ? job.taskRole : arn("iam", `role/${job.taskRole}`, "")];
      }),
    ),
  ].sort();
  const clusterName = names.cluster(app, config.cluster);
  return {
    app,
    arn,
    executionRole,
    schedulerRole: arn("iam", `role/${names.schedulerRole(app)}`, ""),
    flexjobTaskRole,
    /** Every role a job's tasks run with: what ECS needs `iam:PassRole` for. */
    ecsRoles: [executionRole, ...flexjobTaskRole, ...taskRoles],
    clusterName,
    cluster: arn("ecs", `cluster/${clusterName}`),
    families: config.jobs.map((job) => arn("ecs", `task-definition/${names.taskFamily(app, job.name)}:*`)),
    scheduleGroup: names.scheduleGroup(app),
    logGroups: arn("logs", `log-group:${names.logGroup(app, "*")}`),
  };
}

type AppScope = ReturnType<typeof appScope>;

function passRolesToEcs(scope: AppScope): PolicyStatement {
  return passRoleStatement("PassRolesToEcs", scope.ecsRoles, "ecs-tasks.amazonaws.com");
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
    {
      // RunTask tags the tasks it starts; ECS then authorizes TagResource with ecs:CreateAction.
      Sid: "TagTasksAtRunTask",
      Effect: "Allow",
      Action: "ecs:TagResource",
      Resource: tasks,
      Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
    },
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
  const { app, arn, executionRole, schedulerRole, flexjobTaskRole, cluster, families, scheduleGroup } = scope;
  const ownTags = { [`aws:RequestTag/${TAG_APP}`]: app };
  const appRoles = [executionRole, schedulerRole, ...flexjobTaskRole];
  const boundary = arn("iam", `policy/${names.boundaryPolicy(app)}`, "");

  const statements: PolicyStatement[] = [
    {
      Sid: "ReadAccount",
      Effect: "Allow",
      Action: [
        "sts:GetCallerIdentity",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "ecs:DescribeTaskDefinition",
        "ecs:ListTaskDefinitionFamilies",
        "ecs:ListTaskDefinitions",
        "logs:DescribeLogGroups",
        "scheduler:ListSchedules",
      ],
      Resource: "*",
    },
    {
      Sid: "ReadAndTagRoles",
      Effect: "Allow",
      Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:TagRole"],
      Resource: appRoles,
    },
    {
      // The boundary caps whatever inline policy this role writes: no role it creates or edits can
      // do more than the boundary allows. Never granted: changing or removing a role's boundary,
      // writing the boundary policy, attaching managed policies, or changing a role's trust — IAM
      // has no condition that limits UpdateAssumeRolePolicy to one document, so trust is written at
      // CreateRole only, and a role whose trust drifted needs an administrator (see role.ts).
      Sid: "WriteRolesOnlyUnderTheBoundary",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePolicy"],
      Resource: appRoles,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      // Only to see that the boundary exists before creating a role under it.
      Sid: "ReadBoundary",
      Effect: "Allow",
      Action: "iam:GetPolicy",
      Resource: boundary,
    },
    passRolesToEcs(scope),
    passRoleStatement("PassRoleToScheduler", schedulerRole, "scheduler.amazonaws.com"),
    {
      Sid: "ManageCluster",
      Effect: "Allow",
      Action: ["ecs:DescribeClusters", "ecs:PutClusterCapacityProviders"],
      Resource: cluster,
    },
    {
      // Neither takes a resource ARN; the tags each request must carry scope them to the app.
      Sid: "CreateAppResources",
      Effect: "Allow",
      Action: ["ecs:CreateCluster", "ecs:RegisterTaskDefinition"],
      Resource: "*",
      Condition: { StringEquals: ownTags },
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "ecs:TagResource",
      Resource: [cluster, ...families],
      Condition: { StringEquals: { "ecs:CreateAction": ["CreateCluster", "RegisterTaskDefinition"] } },
    },
    {
      // Prune deregisters the revisions of jobs no longer in the config. AWS cannot scope this
      // action: it takes no resource ARN and no tag condition.
      Sid: "DeregisterTaskDefinitionsAwsCannotScope",
      Effect: "Allow",
      Action: "ecs:DeregisterTaskDefinition",
      Resource: "*",
    },
    {
      Sid: "ManageLogGroups",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource"],
      Resource: scope.logGroups,
    },
    {
      Sid: "ManageScheduleGroup",
      Effect: "Allow",
      Action: [
        "scheduler:CreateScheduleGroup",
        "scheduler:DeleteScheduleGroup",
        "scheduler:GetScheduleGroup",
        "scheduler:ListTagsForResource",
        "scheduler:TagResource",
      ],
      Resource: [
        arn("scheduler", `schedule-group/${scheduleGroup}`),
        // Each job's bulk schedules (flexjob schedules sync) have a group of their own.
        arn("scheduler", `schedule-group/${scheduleGroup}.*`),
      ],
    },
    {
      Sid: "ManageSchedules",
      Effect: "Allow",
      Action: [
        "scheduler:CreateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
        "scheduler:UpdateSchedule",
      ],
      Resource: [
        arn("scheduler", `schedule/${scheduleGroup}/*`),
        arn("scheduler", `schedule/${scheduleGroup}.*/*`),
      ],
    },
  ];

  if (config.jobs.some((job) => job.source !== undefined)) {
    // Jobs built from source push to one ECR repository each (flexjob/<app>/<job>).
    statements.push(
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
        Resource: arn("ecr", `repository/${names.repository(app, "*")}`),
      },
    );
  }
  if (options.destroy) {
    // Destroy also removes flexjob's task role when discovery: was on once and is off now.
    const leftoverTaskRole = config.discovery ? [] : [arn("iam", `role/${names.taskRole(app)}`, "")];
    if (leftoverTaskRole.length > 0) {
      statements.push(
        {
          Sid: "ReadLeftoverTaskRole",
          Effect: "Allow",
          Action: ["iam:GetRole", "iam:ListRolePolicies"],
          Resource: leftoverTaskRole,
        },
        {
          Sid: "EmptyLeftoverTaskRoleUnderTheBoundary",
          Effect: "Allow",
          Action: "iam:DeleteRolePolicy",
          Resource: leftoverTaskRole,
          Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
        },
      );
    }
    // Deploy never deletes these; only a role that may remove the whole app needs it.
    statements.push(
      {
        // Listing attached policies only names them when IAM refuses the delete; flexjob never detaches.
        Sid: "DestroyAppRoles",
        Effect: "Allow",
        Action: ["iam:DeleteRole", "iam:ListAttachedRolePolicies"],
        Resource: [...appRoles, ...leftoverTaskRole],
      },
      { Sid: "DestroyCluster", Effect: "Allow", Action: "ecs:DeleteCluster", Resource: cluster },
      {
        // Destroy reads each group's tags first: it deletes only groups flexjob tagged for this app.
        Sid: "DestroyLogGroups",
        Effect: "Allow",
        Action: ["logs:DeleteLogGroup", "logs:ListTagsForResource"],
        Resource: scope.logGroups,
      },
    );
    if (config.discovery) {
      statements.push(
        {
          // Namespace and service ids are random, so the app's own tag scopes the deletes.
          Sid: "DestroyAppDiscovery",
          Effect: "Allow",
          Action: ["servicediscovery:DeleteNamespace", "servicediscovery:DeleteService"],
          Resource: "*",
          Condition: { StringEquals: { [`aws:ResourceTag/${TAG_APP}`]: app } },
        },
        {
          Sid: "ReadDiscoveryServices",
          Effect: "Allow",
          Action: ["servicediscovery:GetService", "servicediscovery:ListServices"],
          Resource: "*",
        },
      );
    }
  }
  if (config.discovery) {
    // Cloud Map grants namespace creation per account, not per name; what it calls on our behalf
    // (the private hosted zone in the VPC) follows its permissions reference.
    // https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html
    statements.push(
      {
        // Cloud Map creates the namespace's private hosted zone as the caller. AWS cannot scope
        // this action: the zone does not exist yet, and Route 53 has no tag condition for it.
        Sid: "CreateHostedZoneAwsCannotScope",
        Effect: "Allow",
        Action: "route53:CreateHostedZone",
        Resource: "*",
      },
      {
        Sid: "ManageDiscoveryNamespace",
        Effect: "Allow",
        Action: [
          "ec2:DescribeRegions",
          "route53:GetHostedZone",
          "route53:ListHostedZonesByName",
          "servicediscovery:CreatePrivateDnsNamespace",
          "servicediscovery:GetNamespace",
          "servicediscovery:GetOperation",
          "servicediscovery:ListNamespaces",
          "servicediscovery:ListTagsForResource",
          "servicediscovery:TagResource",
        ],
        Resource: "*",
      },
    );
  }
  if (options.run) statements.push(...runStatements(scope));
  return policy(...statements);
}
