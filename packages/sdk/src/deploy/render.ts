import type { ClusterSpec, ScheduleGroupSpec } from "../aws/cluster-spec.js";
import { discoveryPolicyStatement } from "../aws/discovery-service.js";
import type { LogGroupSpec } from "../aws/log-group.js";
import { type NamespaceSpec, TAG_VPC } from "../aws/namespace.js";
import type { ResolvedNetwork } from "../aws/network.js";
import { boundarySpec } from "../aws/permissions-boundary.js";
import { type PolicyStatement, passRoleStatement, policy } from "../aws/policy.js";
import type { BoundarySpec, RoleSpec } from "../aws/role-spec.js";
import type { ScheduleSpec } from "../aws/schedule-spec.js";
import { type TaskDefinitionSpec, taskDefinitionHash } from "../aws/task-definition-spec.js";
import { parseImageReference } from "../config/image-reference.js";
import type { FlexjobConfig, JobSpec } from "../config/index.js";
import { internal } from "../errors.js";
import { names, TAG_APP, TAG_JOB, TAG_MANAGED, TAG_SPEC_HASH } from "../naming.js";
import { canonicalJson } from "../plan/canonical-json.js";
import { type CpuArchitecture, capacityProviderFor, cpuArchitectureFor } from "../sizing/index.js";
import type { ResolvedImage } from "./image-resolver.js";

/** What rendering needs besides the config: facts about the account, and each job's image. */
export interface RenderContext {
  accountId: string;
  region: string;
  /** Job name → the exact image its task definition runs (and its architecture, for `flex`). */
  images: Readonly<Record<string, ResolvedImage>>;
  network: ResolvedNetwork;
  /**
   * Jobs no longer in the config whose schedules stay (a deploy without prune): the roles keep
   * what those schedules need to keep running, read from their live task definitions.
   */
  retained?: readonly RetainedJob[];
}

/** What a job that is kept without being configured still needs the app's roles to allow. */
export interface RetainedJob {
  family: string;
  /** The image its live task definition runs: the execution role must keep pulling it. */
  image: string;
  secretArns: string[];
  taskRoleArn: string | undefined;
}

/** What a kept job's live task definition needs from the roles. */
export function retainedJobOf(spec: TaskDefinitionSpec): RetainedJob {
  return {
    family: spec.family,
    image: spec.container.image,
    secretArns: spec.container.secrets.map((secret) => secret.valueFrom),
    taskRoleArn: spec.taskRoleArn,
  };
}

export interface DesiredJob {
  name: string;
  logGroup: LogGroupSpec;
  taskDefinition: TaskDefinitionSpec;
  /** One per shard, shard 0 first. */
  schedules: ScheduleSpec[];
}

/** Every AWS resource a config asks for, complete, in flexjob's normalised form. */
export interface DesiredState {
  app: string;
  region: string;
  accountId: string;
  cluster: ClusterSpec;
  clusterArn: string;
  scheduleGroup: ScheduleGroupSpec;
  executionRole: RoleSpec;
  schedulerRole: RoleSpec;
  /** With `discovery:` in the config: the private DNS namespace jobs find services in. */
  namespace: NamespaceSpec | undefined;
  /** With `discovery:`: the role jobs without their own `taskRole` run as, allowed to discover. */
  taskRole: RoleSpec | undefined;
  jobs: DesiredJob[];
}

/**
 * The per-run context Scheduler fills in: these placeholders are replaced in the target's Input at
 * each invocation, so every task knows its run, its scheduled time and which attempt it is.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
const RUN_CONTEXT = {
  FLEXJOB_SCHEDULED_TIME: "<aws.scheduler.scheduled-time>",
  FLEXJOB_RUN_ID: "<aws.scheduler.execution-id>",
  FLEXJOB_ATTEMPT: "<aws.scheduler.attempt-number>",
} as const;

/** Pure: the same config and context always render the same state. */
export function renderDesired(config: FlexjobConfig, context: RenderContext): DesiredState {
  const { accountId, region } = context;
  const app = config.app;
  const appTags = { [TAG_MANAGED]: "true", [TAG_APP]: app };
  const clusterName = names.cluster(app, config.cluster);
  const clusterArn = `arn:aws:ecs:${region}:${accountId}:cluster/${clusterName}`;
  const executionRoleArn = roleArn(accountId, names.executionRole(app));
  const schedulerRoleArn = roleArn(accountId, names.schedulerRole(app));
  const scheduleGroup = names.scheduleGroup(app);
  // Every role flexjob creates carries the app's boundary: the deploy role may write their inline
  // policies only under it (see deployPolicy).
  const permissionsBoundary = boundarySpec(app, accountId);
  const namespace: NamespaceSpec | undefined = config.discovery && {
    name: config.discovery.namespace,
    vpcId: context.network.vpcId,
    tags: { ...appTags, [TAG_VPC]: context.network.vpcId },
  };
  const defaultTaskRoleArn = namespace && roleArn(accountId, names.taskRole(app));

  const jobs = config.jobs.map((job): DesiredJob => {
    const jobTags = { ...appTags, [TAG_JOB]: job.name };
    const resolved = context.images[job.name];
    if (resolved === undefined) throw internal(`renderDesired: no image resolved for job ${job.name}`);
    const taskDefinition = renderTaskDefinition(job, {
      app,
      region,
      image: resolved.image,
      cpuArchitecture: resolved.cpuArchitecture ?? cpuArchitectureFor(job.arch),
      executionRoleArn,
      taskRoleArn: taskRoleArnOf(job, accountId) ?? defaultTaskRoleArn,
      namespace: namespace?.name,
      tags: jobTags,
    });
    const schedules = Array.from({ length: job.tasks }, (_, shard) =>
      renderSchedule(job, shard, {
        app,
        scheduleGroup,
        clusterArn,
        schedulerRoleArn,
        network: context.network,
        container: taskDefinition.container.name,
        taskTags: jobTags,
      }),
    );
    return {
      name: job.name,
      logGroup: { name: names.logGroup(app, job.name), retentionDays: job.logs.retentionDays, tags: jobTags },
      taskDefinition,
      schedules,
    };
  });

  const configuredSecrets = config.jobs.flatMap((job) => Object.values(job.secrets));
  const retained = context.retained ?? [];
  return {
    app,
    region,
    accountId,
    cluster: { name: clusterName, capacityProviders: ["FARGATE", "FARGATE_SPOT"], tags: appTags },
    clusterArn,
    scheduleGroup: { name: scheduleGroup, tags: appTags },
    executionRole: renderExecutionRole(
      app,
      {
        secrets: [...configuredSecrets, ...retained.flatMap((job) => job.secretArns)],
        images: [
          ...jobs.map((job) => job.taskDefinition.container.image),
          ...retained.map((job) => job.image),
        ],
      },
      {
        accountId,
        region,
        tags: appTags,
        permissionsBoundary,
      },
    ),
    schedulerRole: renderSchedulerRole(
      app,
      [
        ...jobs.map((job) => ({
          family: job.taskDefinition.family,
          taskRoleArn: job.taskDefinition.taskRoleArn,
        })),
        ...retained,
      ],
      { accountId, region, clusterArn, executionRoleArn, scheduleGroup, tags: appTags, permissionsBoundary },
    ),
    namespace,
    taskRole: namespace && {
      name: names.taskRole(app),
      description: `flexjob ${app}: what job code may call (service discovery)`,
      assumeRolePolicy: ecsTasksTrust(accountId, region),
      inlinePolicies: { "flexjob-discovery": policy(discoveryPolicyStatement(namespace.name)) },
      tags: appTags,
      permissionsBoundary,
    },
    jobs,
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

function roleArn(accountId: string, name: string): string {
  return `arn:aws:iam::${accountId}:role/${name}`;
}

function taskRoleArnOf(job: JobSpec, accountId: string): string | undefined {
  if (job.taskRole === undefined) return undefined;
  return job.taskRole.startsWith("arn:") ? job.taskRole : roleArn(accountId, job.taskRole);
}

function sortedPairs<K extends string>(record: Record<string, string>, valueKey: K) {
  return Object.keys(record)
    .sort()
    .map((name) => ({ name, [valueKey]: record[name] ?? "" }) as { name: string } & Record<K, string>);
}

function renderTaskDefinition(
  job: JobSpec,
  context: {
    app: string;
    region: string;
    image: string;
    cpuArchitecture: CpuArchitecture;
    executionRoleArn: string;
    taskRoleArn: string | undefined;
    /** The Cloud Map namespace, passed to the job as FLEXJOB_NAMESPACE for the discovery helper. */
    namespace: string | undefined;
    tags: Record<string, string>;
  },
): TaskDefinitionSpec {
  const flexjobEnv = {
    FLEXJOB_JOB: job.name,
    ...(context.namespace && { FLEXJOB_NAMESPACE: context.namespace }),
  };
  const content = {
    family: names.taskFamily(context.app, job.name),
    cpu: String(job.size.cpuUnits),
    memory: String(job.size.memoryMiB),
    ephemeralStorageGiB: job.size.storageGiB === 20 ? undefined : job.size.storageGiB,
    cpuArchitecture: context.cpuArchitecture,
    executionRoleArn: context.executionRoleArn,
    taskRoleArn: context.taskRoleArn,
    container: {
      name: names.container(job.name),
      image: context.image,
      command: job.command,
      environment: sortedPairs({ ...job.env, ...flexjobEnv }, "value"),
      secrets: sortedPairs(job.secrets, "valueFrom"),
      healthCheck: job.healthCheck,
      log: { group: names.logGroup(context.app, job.name), region: context.region, streamPrefix: job.name },
    },
  };
  return { ...content, tags: { ...context.tags, [TAG_SPEC_HASH]: taskDefinitionHash(content) } };
}

function renderSchedule(
  job: JobSpec,
  shard: number,
  context: {
    app: string;
    scheduleGroup: string;
    clusterArn: string;
    schedulerRoleArn: string;
    network: ResolvedNetwork;
    container: string;
    taskTags: Record<string, string>;
  },
): ScheduleSpec {
  const shardEnv: Record<string, string> = {
    ...RUN_CONTEXT,
    FLEXJOB_TASK_INDEX: String(shard),
    FLEXJOB_TASK_COUNT: String(job.tasks),
  };
  const overrides = {
    containerOverrides: [{ name: context.container, environment: sortedPairs(shardEnv, "value") }],
  };
  return {
    name: names.schedule(context.app, job.name, shard),
    groupName: context.scheduleGroup,
    expression: job.schedule.expression,
    timezone: job.timezone,
    state: job.enabled ? "ENABLED" : "DISABLED",
    flexibleWindowMinutes: job.flexibleWindowMinutes,
    startDate: job.startDate,
    endDate: job.endDate,
    description: `flexjob ${context.app}/${job.name}, task ${shard + 1} of ${job.tasks}`,
    target: {
      clusterArn: context.clusterArn,
      roleArn: context.schedulerRoleArn,
      taskDefinitionFamily: names.taskFamily(context.app, job.name),
      capacityProvider: capacityProviderFor(job.spot),
      subnets: [...context.network.subnets].sort(),
      securityGroups: [...context.network.securityGroups].sort(),
      assignPublicIp: context.network.assignPublicIp,
      retry: { attempts: job.retry.attempts, maxAgeSeconds: job.retry.maxAgeSeconds },
      input: canonicalJson(overrides),
      taskTags: context.taskTags,
    },
  };
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
        {
          Sid: "TagJobTasks",
          Effect: "Allow",
          Action: "ecs:TagResource",
          Resource: `arn:aws:ecs:${region}:${accountId}:task/${clusterName}/*`,
          Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
        },
        passRoleStatement("PassJobRoles", passable, "ecs-tasks.amazonaws.com"),
      ),
    },
    tags: context.tags,
    permissionsBoundary: context.permissionsBoundary,
  };
}
