import { alertWebhooks } from "../config/alerts.js";
import { parseImageReference } from "../config/image-reference.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobsCopyingLogs, logDestinationOf, logSecretArns, usesFlexjobTaskRole } from "../config/logs.js";
import { names, roleArn, TAG_APP, TAG_MANAGED } from "../naming.js";
import { usesStateMachine } from "./asl.js";
import { discoveryPolicyStatement } from "./discovery-service.js";
import { renderPipesRole } from "./missed-pipe.js";
import { missedQueueArn } from "./missed-runs.js";
import { boundarySpec } from "./permissions-boundary.js";
import { type PolicyStatement, passRoleStatement, policy, tagAtRunTaskStatement } from "./policy.js";
import type { RenderInput, RetainedJob } from "./resource.js";
import type { BoundarySpec, RoleSpec } from "./role-spec.js";
import { renderMetricsRole } from "./run-metrics.js";
import { jobTaskRoleArn } from "./task-definition.js";
import type { TaskDefinitionSpec } from "./task-definition-spec.js";

/**
 * The roles flexjob creates for an app, rendered from the config: the execution role ECS pulls
 * images and reads secrets with, the scheduler role EventBridge Scheduler starts tasks with, the
 * pipes role the missed-runs pipe runs as, and,
 * with `discovery:`, the task role jobs without their own run as. Each grants only what the app's
 * jobs (and the jobs kept without prune, `retained`) need.
 */
export function renderAppRoles(input: RenderInput): RoleSpec[] {
  const { config, accountId, region } = input;
  const app = config.app;
  const tags = { [TAG_MANAGED]: "true", [TAG_APP]: app };
  // Every role flexjob creates carries the app's boundary: the deploy role may write their inline
  // policies only under it (see the role adapter's permissions).
  const permissionsBoundary = boundarySpec(app, accountId);
  const scheduleGroup = names.scheduleGroup(app);
  const clusterArn = `arn:aws:ecs:${region}:${accountId}:cluster/${names.cluster(app, config.cluster)}`;
  const executionRoleArn = roleArn(accountId, names.executionRole(app));
  const jobs = config.jobs.map((job) => ({
    family: names.taskFamily(app, job.name),
    taskRoleArn: jobTaskRoleArn(config, job, accountId),
  }));
  const machineJobs = config.jobs.filter(usesStateMachine);
  const stateMachines = machineJobs.map(
    (job) => `arn:aws:states:${region}:${accountId}:stateMachine:${names.stateMachine(app, job.name)}`,
  );
  const roles = [
    renderExecutionRole(
      app,
      {
        secrets: [
          ...config.jobs.flatMap((job) => Object.values(job.secrets)),
          // A log destination's credentials: ECS reads them for the log router at task start.
          ...config.jobs.flatMap((job) => logSecretArns(logDestinationOf(config.logs, job))),
          ...input.retained.flatMap((job) => job.secretArns),
        ],
        images: [
          ...config.jobs.map((job) => input.images[job.name]?.image ?? ""),
          ...input.retained.map((job) => job.image),
        ],
      },
      { accountId, region, tags, permissionsBoundary },
    ),
    renderSchedulerRole(app, [...jobs, ...input.retained], {
      accountId,
      region,
      clusterArn,
      executionRoleArn,
      scheduleGroup,
      stateMachines,
      tags,
      permissionsBoundary,
    }),
  ];
  if (machineJobs.length > 0) {
    const machineFamilies = new Set(machineJobs.map((job) => names.taskFamily(app, job.name)));
    roles.push(
      renderStatesRole(app, {
        jobs: jobs.filter((job) => machineFamilies.has(job.family)),
        overlap: machineJobs.some((job) => job.overlap !== "allow"),
        accountId,
        region,
        clusterArn,
        executionRoleArn,
        tags,
        permissionsBoundary,
      }),
    );
  }
  if (usesFlexjobTaskRole(config)) {
    roles.push(renderTaskRole(config, accountId, region, tags, permissionsBoundary));
  }
  roles.push(renderPipesRole(input, { tags, permissionsBoundary }));
  if (config.metrics) roles.push(renderMetricsRole(input, { tags, permissionsBoundary }));
  const alerts = renderAlertsRole(config, { accountId, region, tags, permissionsBoundary });
  if (alerts !== undefined) roles.push(alerts);
  return roles;
}

/**
 * The role EventBridge posts alerts to the app's webhooks with: only this account's EventBridge
 * may assume it (confused deputy), and it may only invoke the app's API destinations, whose ARNs
 * end in a UUID AWS assigns. Only an app with a webhook has it.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
 */
function renderAlertsRole(
  config: FlexjobConfig,
  context: {
    accountId: string;
    region: string;
    tags: Record<string, string>;
    permissionsBoundary: BoundarySpec;
  },
): RoleSpec | undefined {
  const { accountId, region } = context;
  const destinations = alertWebhooks(config).map(({ owner }) => names.alertsDestination(config.app, owner));
  if (destinations.length === 0) return undefined;
  return {
    name: names.alertsRole(config.app),
    description: `flexjob ${config.app}: lets EventBridge post the app's alerts to their webhooks`,
    assumeRolePolicy: policy({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    }),
    inlinePolicies: {
      "flexjob-alerts": policy({
        Sid: "PostAlerts",
        Effect: "Allow",
        Action: "events:InvokeApiDestination",
        Resource: destinations
          .sort()
          .map((name) => `arn:aws:events:${region}:${accountId}:api-destination/${name}/*`),
      }),
    },
    tags: context.tags,
    permissionsBoundary: context.permissionsBoundary,
  };
}

function renderTaskRole(
  config: FlexjobConfig,
  accountId: string,
  region: string,
  tags: Record<string, string>,
  permissionsBoundary: BoundarySpec,
): RoleSpec {
  const copying = jobsCopyingLogs(config).map((job) => names.logGroup(config.app, job.name));
  const inlinePolicies: RoleSpec["inlinePolicies"] = {};
  if (config.discovery) {
    inlinePolicies["flexjob-discovery"] = policy(discoveryPolicyStatement(config.discovery.namespace));
  }
  if (copying.length > 0) {
    // The log router writes the CloudWatch copy with the task's role, into the job's own group only.
    inlinePolicies["flexjob-logs-copy"] = policy({
      Sid: "CopyLogsToCloudWatch",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: copying.sort().map((group) => `arn:aws:logs:${region}:${accountId}:log-group:${group}:*`),
    });
  }
  return {
    name: names.taskRole(config.app),
    description: config.discovery
      ? `flexjob ${config.app}: what job code may call (service discovery)`
      : `flexjob ${config.app}: what job code may call (its log router's CloudWatch copy)`,
    assumeRolePolicy: ecsTasksTrust(accountId, region),
    inlinePolicies,
    tags,
    permissionsBoundary,
  };
}

/** What a kept job's live task definition needs from the roles. */
export function retainedJobOf(spec: TaskDefinitionSpec): RetainedJob {
  return {
    family: spec.family,
    image: spec.container.image,
    secretArns: [
      ...spec.container.secrets,
      ...(spec.container.firelens?.secretOptions ?? []),
      ...(spec.logRouter?.secrets ?? []),
    ].map((secret) => secret.valueFrom),
    taskRoleArn: spec.taskRoleArn,
  };
}

/** Trust for roles ECS tasks assume, limited to this account's ECS in this region (confused deputy). */
function ecsTasksTrust(accountId: string, region: string) {
  return policy({
    Effect: "Allow",
    Principal: { Service: "ecs-tasks.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnLike: { "aws:SourceArn": `arn:aws:ecs:${region}:${accountId}:*` },
    },
  });
}

/**
 * What IAM checks a read of a secret against is its full ARN, which ends in "-" and 6 random
 * characters; a `valueFrom` may also be a partial ARN (without them), and ECS lets it add
 * `:json-key:stage:version`. A name can itself end in "-" and 6 characters (`prod/api-backup`), so
 * the shape alone cannot tell a full ARN from a partial one: such a value gets both its exact ARN
 * and `-??????` (exactly one more suffix, never `*`, which would also match `prod/api-backup-old-…`).
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
 */
export function secretPolicyResources(arn: string): string[] {
  const parts = arn.split(":");
  if (parts[2] !== "secretsmanager") return [arn];
  const resource = parts.slice(0, 7).join(":");
  const partial = `${resource}-??????`;
  return /-[A-Za-z0-9]{6}$/.test(parts[6] ?? "") ? [resource, partial] : [partial];
}

/**
 * The ECR repository an image names, as the ARN IAM checks a pull against: in the registry's own
 * account and region, which may differ from the task's. Undefined for images outside private ECR
 * (Docker Hub, ECR Public, other registries): pulling those needs no permission of the role.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html
 */
export function ecrRepositoryArn(image: string): string | undefined {
  const parsed = parseImageReference(image);
  if (!("image" in parsed) || parsed.image.registry === undefined) return undefined;
  const host = ECR_REGISTRY.exec(parsed.image.registry);
  if (host === null) return undefined;
  const [, account, region, china] = host;
  return `arn:${china ? "aws-cn" : "aws"}:ecr:${region}:${account}:repository/${parsed.image.repository}`;
}

const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/**
 * Decrypting a secret under a customer managed key needs kms:Decrypt; which key is not in the
 * config, so the grant names no key but only what the key may be used for: through Secrets
 * Manager or SSM in this region, for exactly the secrets and parameters this role may read (the
 * encryption context each service sends). The AWS managed keys need none of this.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
function decryptStatements(region: string, secrets: string[], parameters: string[]): PolicyStatement[] {
  const via = (service: string, key: string, values: string[]): PolicyStatement => ({
    Sid: service === "secretsmanager" ? "DecryptJobSecrets" : "DecryptJobParameters",
    Effect: "Allow",
    Action: "kms:Decrypt",
    Resource: "*",
    Condition: {
      StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com` },
      StringLike: { [`kms:EncryptionContext:${key}`]: values },
    },
  });
  return [
    ...(secrets.length > 0 ? [via("secretsmanager", "SecretARN", secrets)] : []),
    ...(parameters.length > 0 ? [via("ssm", "PARAMETER_ARN", parameters)] : []),
  ];
}

function renderExecutionRole(
  app: string,
  uses: { secrets: readonly string[]; images: readonly string[] },
  context: {
    accountId: string;
    region: string;
    tags: Record<string, string>;
    permissionsBoundary: BoundarySpec;
  },
): RoleSpec {
  const { accountId, region } = context;
  const secretArns = [...new Set(uses.secrets)].sort();
  const secretsManager = [
    ...new Set(
      secretArns.filter((arn) => arn.startsWith("arn:aws:secretsmanager:")).flatMap(secretPolicyResources),
    ),
  ];
  const parameters = secretArns.filter((arn) => arn.includes(":ssm:"));
  const appRepositories = `arn:aws:ecr:${region}:${accountId}:repository/${names.repository(app, "*")}`;
  // Images the config names by reference may live in any repository, account or region.
  const otherRepositories = uses.images
    .map(ecrRepositoryArn)
    .filter((arn): arn is string => arn !== undefined && !wildcardMatches(appRepositories, arn));
  const statements: PolicyStatement[] = [
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "PullJobImages",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      Resource: [appRepositories, ...[...new Set(otherRepositories)].sort()],
    },
    {
      Sid: "WriteJobLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `arn:aws:logs:${region}:${accountId}:log-group:${names.logGroup(app, "*")}:*`,
    },
  ];
  if (secretsManager.length > 0) {
    statements.push({
      Sid: "ReadJobSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: secretsManager,
    });
  }
  if (parameters.length > 0) {
    statements.push({
      Sid: "ReadJobParameters",
      Effect: "Allow",
      Action: "ssm:GetParameters",
      Resource: parameters,
    });
  }
  statements.push(...decryptStatements(region, secretsManager, parameters));
  return {
    name: names.executionRole(app),
    description: `flexjob ${app}: lets ECS pull job images, write logs and read job secrets`,
    assumeRolePolicy: ecsTasksTrust(accountId, region),
    inlinePolicies: { "flexjob-execution": policy(...statements) },
    tags: context.tags,
    permissionsBoundary: context.permissionsBoundary,
  };
}

/** IAM's `*` in a resource pattern: any run of characters. */
function wildcardMatches(pattern: string, value: string): boolean {
  const [head = "", ...rest] = pattern.split("*");
  return rest.length === 0 ? pattern === value : value.startsWith(head) && value.endsWith(rest.at(-1) ?? "");
}

function renderSchedulerRole(
  app: string,
  jobs: readonly { family: string; taskRoleArn: string | undefined }[],
  context: {
    accountId: string;
    region: string;
    clusterArn: string;
    executionRoleArn: string;
    scheduleGroup: string;
    /** The ARNs of the jobs' state machines, which their schedules start instead of a task. */
    stateMachines: readonly string[];
    tags: Record<string, string>;
    permissionsBoundary: BoundarySpec;
  },
): RoleSpec {
  const { accountId, region, clusterArn } = context;
  const families = [
    ...new Set(jobs.map((job) => `arn:aws:ecs:${region}:${accountId}:task-definition/${job.family}:*`)),
  ];
  const passable = [
    ...new Set([
      context.executionRoleArn,
      ...jobs.flatMap((job) => (job.taskRoleArn === undefined ? [] : [job.taskRoleArn])),
    ]),
  ].sort();
  const clusterName = clusterArn.slice(clusterArn.lastIndexOf("/") + 1);
  return {
    name: names.schedulerRole(app),
    description: `flexjob ${app}: lets EventBridge Scheduler start the app's job tasks`,
    // Scheduler assumes the role as a schedule group: only the app's groups (its own and the bulk
    // groups `<group>.<job>`) may, not any schedule in the account (confused deputy).
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html
    assumeRolePolicy: policy({
      Effect: "Allow",
      Principal: { Service: "scheduler.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: {
          "aws:SourceArn": [
            `arn:aws:scheduler:${region}:${accountId}:schedule-group/${context.scheduleGroup}`,
            `arn:aws:scheduler:${region}:${accountId}:schedule-group/${context.scheduleGroup}.*`,
          ],
        },
      },
    }),
    inlinePolicies: {
      "flexjob-scheduler": policy(
        {
          Sid: "RunJobTasks",
          Effect: "Allow",
          Action: "ecs:RunTask",
          Resource: families.sort(),
          Condition: { ArnLike: { "ecs:cluster": clusterArn } },
        },
        tagAtRunTaskStatement("TagJobTasks", `arn:aws:ecs:${region}:${accountId}:task/${clusterName}/*`),
        passRoleStatement("PassJobRoles", passable, "ecs-tasks.amazonaws.com"),
        ...startRunsStatements(context.stateMachines),
        {
          // Scheduler sends what it could not start to the app's dead-letter queue as this role.
          Sid: "RecordMissedRuns",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: missedQueueArn(region, accountId, names.missedQueue(app)),
        },
      ),
    },
    tags: context.tags,
    permissionsBoundary: context.permissionsBoundary,
  };
}

/** The jobs' state machines, which their schedules start instead of a task: only those. */
function startRunsStatements(stateMachines: readonly string[]): PolicyStatement[] {
  if (stateMachines.length === 0) return [];
  return [
    {
      Sid: "StartJobRuns",
      Effect: "Allow",
      Action: "states:StartExecution",
      Resource: [...stateMachines].sort(),
    },
  ];
}

/**
 * The role a job's state machine runs its tasks with: start the machine jobs' tasks in the app's
 * cluster and pass them their roles, stop and read tasks there, list them for the overlap check,
 * and the managed rule `ecs:runTask.sync` learns that a task stopped from.
 * https://docs.aws.amazon.com/step-functions/latest/dg/ecs-iam.html
 */
function renderStatesRole(
  app: string,
  context: {
    jobs: readonly { family: string; taskRoleArn: string | undefined }[];
    overlap: boolean;
    accountId: string;
    region: string;
    clusterArn: string;
    executionRoleArn: string;
    tags: Record<string, string>;
    permissionsBoundary: BoundarySpec;
  },
): RoleSpec {
  const { accountId, region, clusterArn } = context;
  const clusterName = clusterArn.slice(clusterArn.lastIndexOf("/") + 1);
  // The definition names the family, not a revision (see asl.ts): IAM may see either form.
  const families = context.jobs.flatMap((job) => [
    `arn:aws:ecs:${region}:${accountId}:task-definition/${job.family}`,
    `arn:aws:ecs:${region}:${accountId}:task-definition/${job.family}:*`,
  ]);
  const passable = [
    ...new Set([context.executionRoleArn, ...context.jobs.flatMap((job) => job.taskRoleArn ?? [])]),
  ].sort();
  const tasks = `arn:aws:ecs:${region}:${accountId}:task/${clusterName}/*`;
  return {
    name: names.statesRole(app),
    description: `flexjob ${app}: lets Step Functions run, retry and stop the app's job tasks`,
    // Only Step Functions acting for this account (confused deputy). No aws:SourceArn: AWS's docs
    // do not say Step Functions sends one when it checks the role at CreateStateMachine, and a
    // condition it does not meet there would fail every create.
    // https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
    assumeRolePolicy: policy({
      Effect: "Allow",
      Principal: { Service: "states.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    }),
    inlinePolicies: { "flexjob-states": policy(...statesStatements(context, families, passable, tasks)) },
    tags: context.tags,
    permissionsBoundary: context.permissionsBoundary,
  };
}

/** What the states role allows: see renderStatesRole. */
function statesStatements(
  context: { overlap: boolean; accountId: string; region: string; clusterArn: string },
  families: string[],
  passable: string[],
  tasks: string,
): PolicyStatement[] {
  const { accountId, region, clusterArn } = context;
  return [
    {
      Sid: "RunJobTasks",
      Effect: "Allow",
      Action: "ecs:RunTask",
      Resource: [...new Set(families)].sort(),
      Condition: { ArnLike: { "ecs:cluster": clusterArn } },
    },
    tagAtRunTaskStatement("TagJobTasks", tasks),
    {
      Sid: "WatchAndStopJobTasks",
      Effect: "Allow",
      Action: ["ecs:DescribeTasks", "ecs:StopTask"],
      Resource: tasks,
    },
    ...(context.overlap
      ? [
          {
            // ListTasks takes no task ARN; the condition keeps it to the app's cluster.
            Sid: "ListJobTasks",
            Effect: "Allow" as const,
            Action: "ecs:ListTasks",
            Resource: "*",
            Condition: { ArnEquals: { "ecs:cluster": clusterArn } },
          },
        ]
      : []),
    {
      Sid: "LearnWhenTasksStop",
      Effect: "Allow",
      Action: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
      Resource: `arn:aws:events:${region}:${accountId}:rule/StepFunctionsGetEventsForECSTaskRule`,
    },
    passRoleStatement("PassJobRoles", passable, "ecs-tasks.amazonaws.com"),
  ];
}
