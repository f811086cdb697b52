import type {
  ContainerDefinition,
  RegisterTaskDefinitionCommand,
  RegisterTaskDefinitionRequest,
  Tag,
  TaskDefinition,
} from "@aws-sdk/client-ecs";
import type { FlexjobConfig, JobSpec } from "../config/index.js";
import { copiesToCloudWatch, logDestinationOf } from "../config/logs.js";
import { FlexjobError, internal, REPORT_WITH_PLAN } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import {
  familyOfArn,
  names,
  ownedByApp,
  revisionOf,
  roleArn,
  TAG_APP,
  TAG_JOB,
  TAG_MANAGED,
  TAG_SPEC_HASH,
} from "../naming.js";
import { change, diffFields, Leaf } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { cpuArchitectureFor, STORAGE_GIB } from "../sizing/index.js";
import { isAwsError, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { type PacingClock, paced } from "./pacing.js";
import { ecsCreateStatements } from "./policy.js";
import {
  deleteStep,
  type Found,
  OBSERVE_CONCURRENCY,
  type RenderInput,
  type ResourceAdapter,
  runStep,
} from "./resource.js";
import {
  assertRoomForRouter,
  type FireLensSpec,
  LOG_ROUTER,
  type LogRouterSpec,
  logRouterNote,
  renderLogRouting,
} from "./task-definition-log-router.js";
import {
  type ContainerSpec,
  sortedPairs,
  type TaskDefinitionSpec,
  taskDefinitionHash,
} from "./task-definition-spec.js";

/**
 * The latest ACTIVE revision of a job's family, as ECS describes it.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
 */
export interface TaskDefinitionLive {
  arn: string;
  revision: number;
  /** Normalised from what ECS returns, so it compares equal to a rendered spec of the same content. */
  spec: TaskDefinitionSpec;
  /** The `flexjob:spec-hash` tag; undefined on a revision flexjob did not register. */
  hash: string | undefined;
  /** False once deregistered: ECS starts no new task from an INACTIVE revision, so a schedule on it never runs. */
  active: boolean;
}

/** `update` means: register a new revision (revisions are immutable). */
export type TaskDefinitionStep = PlanStep<"task-definition", TaskDefinitionSpec, TaskDefinitionLive>;

/** ECS's container health check defaults, filled in when a description leaves a field out. */
const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 } as const;

export async function observeTaskDefinition(
  clients: AwsClients,
  family: string,
): Promise<TaskDefinitionLive | undefined> {
  const { DescribeTaskDefinitionCommand } = await loadSdk(clients, "ecs");
  try {
    const { taskDefinition, tags } = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ["TAGS"] }),
    );
    if (taskDefinition?.taskDefinitionArn === undefined) return undefined;
    const spec = normaliseTaskDefinition(taskDefinition, tags ?? []);
    return {
      arn: taskDefinition.taskDefinitionArn,
      revision: taskDefinition.revision ?? 0,
      spec,
      hash: spec.tags[TAG_SPEC_HASH],
      active: taskDefinition.status !== "INACTIVE",
    };
  } catch (error) {
    // ECS has no NotFound error for task definitions: a family without an ACTIVE revision is a
    // ClientException "Unable to describe task definition." Other ClientExceptions are real errors.
    if (
      isAwsError(error, "ClientException") &&
      /unable to describe task definition/i.test(error instanceof Error ? error.message : "")
    ) {
      return undefined;
    }
    throw wrapAwsError(error, `reading task definition ${family}`);
  }
}

/**
 * Rewrites a described revision into flexjob's shape, dropping what ECS adds on its own (`cpu: 0`
 * and `essential` on the container, empty port, mount and volume lists, compatibilities, status,
 * registration metadata) and filling what it leaves out (20 GiB storage, health check defaults).
 */
function normaliseTaskDefinition(definition: TaskDefinition, tags: Tag[]): TaskDefinitionSpec {
  const containers = definition.containerDefinitions ?? [];
  // The log router is the one container with a FireLens configuration; the job's is the other.
  const router = containers.find((each) => each.firelensConfiguration !== undefined);
  const container = containers.find((each) => each !== router);
  const storage = definition.ephemeralStorage?.sizeInGiB;
  return {
    family: definition.family ?? "",
    cpu: definition.cpu ?? "",
    memory: definition.memory ?? "",
    ephemeralStorageGiB: storage === undefined || storage === STORAGE_GIB.default ? undefined : storage,
    // A revision without a runtime platform runs on X86_64.
    cpuArchitecture: definition.runtimePlatform?.cpuArchitecture === "ARM64" ? "ARM64" : "X86_64",
    executionRoleArn: definition.executionRoleArn ?? "",
    taskRoleArn: definition.taskRoleArn,
    container: normaliseContainer(container ?? {}, router),
    ...(router && { logRouter: normaliseRouter(router) }),
    tags: Object.fromEntries(tags.map((tag) => [tag.key ?? "", tag.value ?? ""])),
  };
}

function normaliseContainer(
  container: ContainerDefinition,
  router: ContainerDefinition | undefined,
): ContainerSpec {
  const health = container.healthCheck;
  const firelens = container.logConfiguration?.logDriver === "awsfirelens";
  // With a router, the job's log group is where the router's own awslogs lines go.
  const options = (firelens ? router : container)?.logConfiguration?.options ?? {};
  return {
    name: container.name ?? "",
    image: container.image ?? "",
    command: nonEmpty(container.command),
    environment: byName(
      (container.environment ?? []).map(({ name, value }) => ({ name: name ?? "", value: value ?? "" })),
    ),
    secrets: namedSecrets(container.secrets),
    healthCheck: health && {
      command: health.command ?? [],
      interval: health.interval ?? HEALTH_CHECK_DEFAULTS.interval,
      timeout: health.timeout ?? HEALTH_CHECK_DEFAULTS.timeout,
      retries: health.retries ?? HEALTH_CHECK_DEFAULTS.retries,
      startPeriod: health.startPeriod ?? HEALTH_CHECK_DEFAULTS.startPeriod,
    },
    log: {
      group: options["awslogs-group"] ?? "",
      region: options["awslogs-region"] ?? "",
      streamPrefix: options["awslogs-stream-prefix"] ?? "",
    },
    ...(firelens && { firelens: normaliseFireLens(container) }),
  };
}

function normaliseFireLens(container: ContainerDefinition): FireLensSpec {
  return {
    options: { ...container.logConfiguration?.options },
    secretOptions: namedSecrets(container.logConfiguration?.secretOptions),
  };
}

function normaliseRouter(router: ContainerDefinition): LogRouterSpec {
  return {
    name: router.name ?? "",
    image: router.image ?? "",
    cpu: router.cpu ?? 0,
    memoryReservation: router.memoryReservation ?? 0,
    secrets: namedSecrets(router.secrets),
    options: { ...router.firelensConfiguration?.options },
    entryPoint: nonEmpty(router.entryPoint),
    command: nonEmpty(router.command),
  };
}

/** ECS describes a list it was not given as empty; flexjob leaves it out. */
function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list === undefined || list.length === 0 ? undefined : list;
}

function namedSecrets(secrets: { name?: string | undefined; valueFrom?: string | undefined }[] | undefined) {
  return byName(
    (secrets ?? []).map(({ name, valueFrom }) => ({ name: name ?? "", valueFrom: valueFrom ?? "" })),
  );
}

function byName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function planTaskDefinition(
  spec: TaskDefinitionSpec,
  live: TaskDefinitionLive | undefined,
  job: string,
): TaskDefinitionStep {
  const base = { kind: "task-definition", id: spec.family, job, desired: spec } as const;
  if (live === undefined)
    return { ...base, action: "create", changes: diffFields(undefined, comparable(spec)) };
  const hash = spec.tags[TAG_SPEC_HASH];
  // The cheap check: the hash covers every field of the normalised definition but its tags.
  if (hash !== undefined && live.hash === hash) return { ...base, live, action: "noop", changes: [] };
  const changes = diffFields(comparable(live.spec), comparable(spec));
  if (changes.length === 0) {
    // The fields flexjob models match, but the revision lacks flexjob's hash (registered by hand,
    // or by a flexjob whose hash covered other fields). It may still differ in what normalisation
    // drops (a second container, port mappings, a user, linux parameters), and without the tag
    // every later deploy would land here again, so a fresh revision makes it exactly flexjob's.
    changes.push(change(`tags.${TAG_SPEC_HASH}`, live.hash, hash));
  }
  return { ...base, live, action: "update", changes };
}

/** The fields a plan reports, keyed so env and secrets diff per variable. */
function comparable(spec: TaskDefinitionSpec): Record<string, unknown> {
  const { container } = spec;
  return {
    cpu: spec.cpu,
    memory: spec.memory,
    ephemeralStorageGiB: spec.ephemeralStorageGiB ?? STORAGE_GIB.default,
    cpuArchitecture: spec.cpuArchitecture,
    executionRoleArn: spec.executionRoleArn,
    taskRoleArn: spec.taskRoleArn,
    container: {
      name: container.name,
      image: container.image,
      command: container.command,
      environment: Object.fromEntries(container.environment.map(({ name, value }) => [name, value])),
      secrets: secretsByName(container.secrets),
      healthCheck: new Leaf(container.healthCheck),
      log: container.log,
      firelens: container.firelens && {
        options: container.firelens.options,
        secretOptions: secretsByName(container.firelens.secretOptions),
      },
    },
    logRouter: spec.logRouter && {
      ...spec.logRouter,
      secrets: secretsByName(spec.logRouter.secrets),
      entryPoint: new Leaf(spec.logRouter.entryPoint),
      command: new Leaf(spec.logRouter.command),
    },
  };
}

/** Secrets keyed by name, so a plan diffs them one by one. */
function secretsByName(secrets: { name: string; valueFrom: string }[]): Record<string, string> {
  return Object.fromEntries(secrets.map(({ name, valueFrom }) => [name, valueFrom]));
}

/**
 * Registers the desired revision (create, update), or deregisters every ACTIVE revision of the
 * family (delete). Returns the ARN tasks should run: the new revision (or the lower twin of it that a
 * concurrent deploy registered), the live one for a no-op step, "" after a delete.
 */
export async function applyTaskDefinition(
  clients: AwsClients,
  step: TaskDefinitionStep,
  options: PacingClock,
): Promise<string> {
  const family = step.id;
  if (step.action === "noop") {
    if (step.live === undefined)
      throw internal(`no-op step for task definition ${family} has no live revision`, REPORT_WITH_PLAN);
    return step.live.arn;
  }
  const register = (spec: TaskDefinitionSpec, after: number) =>
    registerRevision(clients, spec, after, options).catch((error: unknown) => {
      throw wrapAwsError(error, `registering task definition ${family}`);
    });
  const arn = await runStep(step, "task definition", {
    async delete() {
      const { DeregisterTaskDefinitionCommand } = await loadSdk(clients, "ecs");
      try {
        for (const arn of await activeRevisions(clients, family)) {
          await clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
        }
      } catch (error) {
        throw wrapAwsError(error, `deregistering task definition ${family}`);
      }
    },
    create: (spec) => register(spec, 0),
    update: (spec, live) => register(spec, live.revision),
  });
  return arn ?? "";
}

/** Tries at one registration, as many as the SDK's own default; each retry first looks for a twin. */
const REGISTER_ATTEMPTS = 3;
const REGISTER_BACKOFF_MS = 500;

/**
 * RegisterTaskDefinition has no idempotency token: a retry after a lost response registers a second,
 * identical revision. So it is sent once, without the SDK's retries, and when the outcome is unknown
 * the family is searched for a revision with the same content hash (registered by the lost request)
 * before registering again. `after` is the revision the plan saw: only newer ones can be twins.
 * Every attempt is paced under the account's RegisterTaskDefinition quota (see pacing.ts).
 */
async function registerRevision(
  clients: AwsClients,
  spec: TaskDefinitionSpec,
  after: number,
  clock: PacingClock,
): Promise<string> {
  const { RegisterTaskDefinitionCommand } = await loadSdk(clients, "ecs");
  const hash = spec.tags[TAG_SPEC_HASH];
  for (let attempt = 1; ; attempt++) {
    let arn: string | undefined;
    try {
      const command = withoutSdkRetries(new RegisterTaskDefinitionCommand(registerTaskDefinitionInput(spec)));
      const pacing = { clients, now: clock.now, sleep: clock.sleep };
      arn = (await paced(pacing, "ecs:RegisterTaskDefinition", () => clients.ecs.send(command)))
        .taskDefinition?.taskDefinitionArn;
    } catch (error) {
      if (!outcomeUnknown(error) || attempt >= REGISTER_ATTEMPTS || hash === undefined) throw error;
      await clock.sleep(REGISTER_BACKOFF_MS * 2 ** (attempt - 1));
      const twin = await lowestTwin(clients, spec.family, hash, { after, before: Number.POSITIVE_INFINITY });
      if (twin !== undefined) return twin.arn;
      continue;
    }
    if (arn === undefined)
      throw internal(`ECS registered task definition ${spec.family} but returned no ARN`, REPORT_WITH_PLAN);
    return hash === undefined ? arn : keepLowestTwin(clients, spec.family, hash, arn, after);
  }
}

/**
 * Two deploys of the same content racing each register a revision. Both converge on the lower one
 * (revision numbers grow, so whoever registered the higher one sees the lower), and the owner of the
 * higher deregisters it before any of its schedules point at it.
 */
async function keepLowestTwin(
  clients: AwsClients,
  family: string,
  hash: string,
  own: string,
  after: number,
): Promise<string> {
  const { DeregisterTaskDefinitionCommand } = await loadSdk(clients, "ecs");
  const twin = await lowestTwin(clients, family, hash, { after, before: revisionOf(own) });
  if (twin === undefined) return own;
  await clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: own }));
  return twin.arn;
}

/** The lowest ACTIVE revision of `family` between `after` and `before` (exclusive) carrying `hash`. */
async function lowestTwin(
  clients: AwsClients,
  family: string,
  hash: string,
  range: { after: number; before: number },
): Promise<TaskDefinitionLive | undefined> {
  const candidates = (await activeRevisions(clients, family))
    .filter((arn) => revisionOf(arn) > range.after && revisionOf(arn) < range.before)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const arn of candidates) {
    const revision = await observeTaskDefinition(clients, arn);
    if (revision?.active && revision.hash === hash) return revision;
  }
  return undefined;
}

/**
 * Whether a failed call may still have been carried out: no response at all (a dropped connection, a
 * timeout), a server error, or throttling. A client error (4xx) means ECS refused it.
 */
function outcomeUnknown(error: unknown): boolean {
  if (isAwsError(error, "ThrottlingException")) return true;
  const fault = (error as { $fault?: unknown } | undefined)?.$fault;
  return fault !== "client";
}

/**
 * Replaces the client's retry middleware for this one command: the SDK would otherwise resend a
 * registration whose response was lost. Smithy lets a command's stack override a client middleware
 * of the same name, step and priority.
 */
function withoutSdkRetries(command: RegisterTaskDefinitionCommand): RegisterTaskDefinitionCommand {
  command.middlewareStack.add((next) => (args) => next(args), {
    name: "retryMiddleware",
    tags: ["RETRY"],
    step: "finalizeRequest",
    priority: "high",
    override: true,
  });
  return command;
}

/**
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
 */
function registerTaskDefinitionInput(spec: TaskDefinitionSpec): RegisterTaskDefinitionRequest {
  const { container } = spec;
  return {
    family: spec.family,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: spec.cpu,
    memory: spec.memory,
    runtimePlatform: { cpuArchitecture: spec.cpuArchitecture, operatingSystemFamily: "LINUX" },
    ...(spec.ephemeralStorageGiB === undefined
      ? {}
      : { ephemeralStorage: { sizeInGiB: spec.ephemeralStorageGiB } }),
    executionRoleArn: spec.executionRoleArn,
    ...(spec.taskRoleArn === undefined ? {} : { taskRoleArn: spec.taskRoleArn }),
    containerDefinitions: [
      jobContainerDefinition(container),
      ...(spec.logRouter ? [routerContainerDefinition(spec.logRouter, container.log)] : []),
    ],
    tags: Object.keys(spec.tags)
      .sort()
      .map((key) => ({ key, value: spec.tags[key] ?? "" })),
  };
}

function jobContainerDefinition(container: ContainerSpec): ContainerDefinition {
  const { firelens } = container;
  return {
    name: container.name,
    image: container.image,
    essential: true,
    ...(container.command === undefined ? {} : { command: container.command }),
    environment: container.environment,
    secrets: container.secrets,
    ...(container.healthCheck === undefined ? {} : { healthCheck: container.healthCheck }),
    logConfiguration: firelens
      ? {
          logDriver: "awsfirelens",
          options: firelens.options,
          ...(firelens.secretOptions.length > 0 && { secretOptions: firelens.secretOptions }),
        }
      : { logDriver: "awslogs", options: awslogsOptions(container.log) },
    // The router must be up before the job logs its first line; START is what FireLens asks for.
    ...(firelens && { dependsOn: [{ containerName: LOG_ROUTER.name, condition: "START" }] }),
  };
}

/** The Fluent Bit sidecar: essential, so a task never runs on with its logs going nowhere. */
function routerContainerDefinition(router: LogRouterSpec, log: ContainerSpec["log"]): ContainerDefinition {
  return {
    name: router.name,
    image: router.image,
    essential: true,
    cpu: router.cpu,
    memoryReservation: router.memoryReservation,
    ...(router.entryPoint === undefined ? {} : { entryPoint: router.entryPoint }),
    ...(router.command === undefined ? {} : { command: router.command }),
    secrets: router.secrets,
    firelensConfiguration: { type: "fluentbit", options: router.options },
    // Fluent Bit's own lines (start-up, delivery errors) go to the job's group, beside the job's.
    logConfiguration: { logDriver: "awslogs", options: awslogsOptions(log) },
  };
}

function awslogsOptions(log: ContainerSpec["log"]): Record<string, string> {
  return {
    "awslogs-group": log.group,
    "awslogs-region": log.region,
    "awslogs-stream-prefix": log.streamPrefix,
  };
}

/** ARNs of the family's ACTIVE revisions. `familyPrefix` matches prefixes, so `app-job` also finds `app-job-two`. */
async function activeRevisions(clients: AwsClients, family: string): Promise<string[]> {
  const { paginateListTaskDefinitions } = await loadSdk(clients, "ecs");
  const arns: string[] = [];
  const pages = paginateListTaskDefinitions(
    { client: clients.ecs },
    { familyPrefix: family, status: "ACTIVE" },
  );
  for await (const page of pages) {
    arns.push(...(page.taskDefinitionArns ?? []).filter((arn) => familyOfArn(arn) === family));
  }
  return arns;
}

/**
 * The families with an ACTIVE revision that flexjob registered for `app`, for prune. The prefix
 * `<app>-` also matches other apps (`billing-eu-…` for `billing`), so ownership is confirmed by the
 * latest revision's `flexjob:app` and `flexjob:managed` tags.
 */
export async function listFlexjobFamilies(clients: AwsClients, app: string): Promise<string[]> {
  const { paginateListTaskDefinitionFamilies } = await loadSdk(clients, "ecs");
  const candidates: string[] = [];
  try {
    const pages = paginateListTaskDefinitionFamilies(
      { client: clients.ecs },
      { familyPrefix: `${app}-`, status: "ACTIVE" },
    );
    for await (const page of pages) candidates.push(...(page.families ?? []));
  } catch (error) {
    throw wrapAwsError(error, `listing task definition families of app ${app}`);
  }
  const owned: string[] = [];
  // One at a time: DescribeTaskDefinition is throttled per account, and prune is not hurried.
  for (const family of candidates) {
    const live = await observeTaskDefinition(clients, family);
    if (ownedByApp(live?.spec.tags, app)) owned.push(family);
  }
  return owned;
}

/**
 * The role a job's code runs as: its own `taskRole`, else flexjob's task role when the app uses
 * discovery (which allows it to discover) or its log router keeps a CloudWatch copy (which the
 * router writes with the task's role), else none.
 */
export function jobTaskRoleArn(config: FlexjobConfig, job: JobSpec, accountId: string): string | undefined {
  if (job.taskRole !== undefined) {
    return job.taskRole.startsWith("arn:") ? job.taskRole : roleArn(accountId, job.taskRole);
  }
  return config.discovery || copiesToCloudWatch(logDestinationOf(config.logs, job))
    ? roleArn(accountId, names.taskRole(config.app))
    : undefined;
}

function renderTaskDefinition(job: JobSpec, input: RenderInput): TaskDefinitionSpec {
  const { config, accountId, region } = input;
  const app = config.app;
  const resolved = input.images[job.name];
  if (resolved === undefined) throw internal(`no image resolved for job ${job.name}`);
  const flexjobEnv = {
    FLEXJOB_JOB: job.name,
    // The Cloud Map namespace, for the discovery helper.
    ...(config.discovery && { FLEXJOB_NAMESPACE: config.discovery.namespace }),
  };
  const log = { group: names.logGroup(app, job.name), region, streamPrefix: job.name };
  const routing = renderLogRouting(logDestinationOf(config.logs, job), {
    app,
    job: job.name,
    container: names.container(job.name),
    region,
    logGroup: log.group,
    streamPrefix: log.streamPrefix,
  });
  if (routing) assertRoomForRouter(job.name, job.size);
  const content = {
    family: names.taskFamily(app, job.name),
    cpu: String(job.size.cpuUnits),
    memory: String(job.size.memoryMiB),
    ephemeralStorageGiB: job.size.storageGiB === STORAGE_GIB.default ? undefined : job.size.storageGiB,
    cpuArchitecture: resolved.cpuArchitecture ?? cpuArchitectureFor(job.arch),
    executionRoleArn: roleArn(accountId, names.executionRole(app)),
    taskRoleArn: jobTaskRoleArn(config, job, accountId),
    container: {
      name: names.container(job.name),
      image: resolved.image,
      command: job.command,
      environment: sortedPairs({ ...job.env, ...flexjobEnv }, "value"),
      secrets: sortedPairs(job.secrets, "valueFrom"),
      healthCheck: job.healthCheck,
      log,
      ...(routing && { firelens: routing.firelens }),
    },
    ...(routing && { logRouter: routing.router }),
  };
  const tags = { [TAG_MANAGED]: "true", [TAG_APP]: app, [TAG_JOB]: job.name };
  return { ...content, tags: { ...tags, [TAG_SPEC_HASH]: taskDefinitionHash(content) } };
}

/**
 * A task definition family is `<app>-<job>`, so app `billing` with job `eu-report` and app
 * `billing-eu` with job `report` name the same family. Whichever deploys second would overwrite
 * the other's job: refuse, naming the app that owns it (by its `flexjob:app` tag, never by name).
 */
function assertOwnFamily(app: string, job: string, live: TaskDefinitionLive | undefined): void {
  if (live === undefined || live.spec.tags[TAG_APP] === app) return;
  const owner = live.spec.tags[TAG_APP];
  const family = live.spec.family;
  throw new FlexjobError(
    owner === undefined
      ? `job ${job}: task definition family ${family} already exists and was not created by flexjob`
      : `job ${job}: task definition family ${family} belongs to flexjob app ${owner}, not ${app}`,
    {
      code: "CONFIG_INVALID",
      fault: "user",
      remedy: `rename job ${job} (or the app), so that "${app}-${job}" names no other app's or your own task definitions`,
      issues: [
        {
          path: `jobs.${job}`,
          message: `its task definition family ${family} is ${owner === undefined ? "not flexjob's" : `app ${owner}'s`}`,
          remedy: `rename the job, e.g. ${job}-2, or the app`,
        },
      ],
    },
  );
}

const PRUNED = "job is no longer in the config (prune)";

/** The job a family of the app belongs to. */
const jobOfFamily = (app: string, family: string) => family.slice(app.length + 1);

/** Each job's task definition family `<app>-<job>`; a changed job registers a new revision. */
export const taskDefinitions: ResourceAdapter<TaskDefinitionStep> = {
  kind: "task-definition",
  order: { write: 1, remove: 4 },
  render: (input) =>
    input.config.jobs.map((job) => {
      const spec = renderTaskDefinition(job, input);
      return { id: spec.family, job: job.name, spec };
    }),
  async observe(desired, { clients, app, prune, selected }) {
    const read = desired.filter((item) => selected(item.job));
    const [found, families] = await Promise.all([
      mapLimit(
        read,
        OBSERVE_CONCURRENCY,
        async ({ id }) => [id, await observeTaskDefinition(clients, id)] as const,
      ),
      prune ? listFlexjobFamilies(clients, app) : Promise.resolve([]),
    ]);
    const wanted = new Set(desired.map(({ id }) => id));
    return {
      live: new Map(found.flatMap(([id, live]) => (live === undefined ? [] : [[id, live] as const]))),
      unwanted: families
        .filter((family) => !wanted.has(family))
        .map((family): Found<TaskDefinitionLive> => ({ id: family, job: jobOfFamily(app, family) })),
    };
  },
  plan(desired, live, context) {
    assertOwnFamily(context.app, desired.job ?? "", live);
    const job = context.config.jobs.find((each) => each.name === desired.job);
    const destination = job && logDestinationOf(context.config.logs, job);
    if (job && destination && destination.to !== "cloudwatch") {
      context.note(logRouterNote(job.name, destination, job.size));
      // flexjob cannot grant a role it does not own what the router's CloudWatch copy needs.
      const own =
        job.taskRole === undefined ? undefined : jobTaskRoleArn(context.config, job, context.accountId);
      if (own !== undefined && destination.keepCloudWatch) {
        context.note(
          `job ${job.name} runs as its own task role ${own}: give it logs:CreateLogStream and logs:PutLogEvents on ${names.logGroup(context.app, job.name)} for the CloudWatch copy of its logs`,
        );
      }
    }
    return planTaskDefinition(desired.spec, live, desired.job ?? "");
  },
  planUnwanted: (found, context) =>
    context.prune ? deleteStep("task-definition", found, PRUNED) : undefined,
  async owned({ clients, config, job }) {
    const families = await listFlexjobFamilies(clients, config.app);
    return families
      .map((family) => ({ id: family, job: jobOfFamily(config.app, family) }))
      .filter((found) => job === undefined || found.job === job);
  },
  apply: async (step, { clients, sleep, now }) =>
    (await applyTaskDefinition(clients, step, { sleep, now })) || undefined,
  permissions: (scope) => ({
    reads: ["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitionFamilies", "ecs:ListTaskDefinitions"],
    deploy: [
      ...ecsCreateStatements(
        { create: "RegisterTaskDefinitions", tag: "TagTaskDefinitionsOnCreate" },
        "RegisterTaskDefinition",
        { app: scope.app, tagKey: TAG_APP, resources: scope.families },
      ),
      {
        // Prune deregisters the revisions of jobs no longer in the config. AWS cannot scope this
        // action: it takes no resource ARN and no tag condition.
        Sid: "DeregisterTaskDefinitionsAwsCannotScope",
        Effect: "Allow",
        Action: "ecs:DeregisterTaskDefinition",
        Resource: "*",
      },
    ],
  }),
};
