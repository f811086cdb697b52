import { accountIdOf } from "../aws/account.js";
import { retainedJobOf } from "../aws/app-roles.js";
import { type ResolvedNetwork, resolveNetwork } from "../aws/network.js";
import type { RenderInput, RetainedJob } from "../aws/resource.js";
import { schedules } from "../aws/schedule.js";
import { observeTaskDefinition, taskDefinitions } from "../aws/task-definition.js";
import type { FlexjobConfig, JobSpec } from "../config/index.js";
import { dashboardConsoleUrl } from "../console-links.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";
import { planIsNoop } from "../plan/types.js";
import { type ApplyResult, apply, liveArns } from "./apply.js";
import { clearDeployRecord } from "./deploy-record.js";
import {
  type DesiredState,
  desiredOf,
  type LiveState,
  liveOf,
  observe,
  type PlanOptions,
  planDeploy,
  renderDesired,
} from "./engine.js";
import type { ImageResolver, ResolvedImage } from "./image-resolver.js";
import { jobNextRuns, type ScheduleTiming } from "./job-runs.js";
import type { Plan, ResourcePlan } from "./registry.js";
import { settleRoles } from "./settle.js";

/** Registry images only: for deploys that must never build (the source jobs are an error). */
export const registryImage: ImageResolver = async (job) => {
  if (job.image !== undefined) return { image: job.image };
  throw new FlexjobError(
    `job ${job.name} builds from source (source.rootDir "${job.source?.rootDir ?? "."}")`,
    {
      code: "INPUT_INVALID",
      remedy: `set jobs.${job.name}.image to a registry image, or deploy with buildImageResolver (flexjob deploy builds what it needs)`,
    },
  );
};

export interface DeployOptions extends PlanOptions {
  /** Plan only: read the account, send no mutating call. */
  dryRun?: boolean;
  resolveImage?: ImageResolver;
}

export interface DeployedJob {
  name: string;
  image: string;
  taskDefinitionArn: string | undefined;
  scheduleArns: string[];
  /** The next three fire times, ISO-8601 UTC. */
  nextRuns: string[];
  /** What decides its runs, as AWS holds it (with the schedule's creation, which a rate counts from); undefined when disabled. */
  timing?: ScheduleTiming;
}

export interface DeployResult {
  plan: Plan;
  /** True when apply changed something (always false for a dry run). */
  changed: boolean;
  dryRun: boolean;
  jobs: DeployedJob[];
  /** The app's CloudWatch dashboard in the console; undefined with `dashboard: false`. */
  dashboardUrl?: string;
}

function selectJobs(config: FlexjobConfig, only: readonly string[] | undefined): JobSpec[] {
  if (only === undefined) return config.jobs;
  const known = new Set(config.jobs.map((job) => job.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new FlexjobError(`no job named ${unknown.map((name) => `"${name}"`).join(", ")} in the config`, {
      code: "INPUT_INVALID",
      remedy: `use one of: ${[...known].join(", ")}`,
    });
  }
  return config.jobs.filter((job) => only.includes(job.name));
}

/** Reads the account facts rendering needs (reads only): the account, the network and each job's image. */
export async function resolveRenderInput(
  config: FlexjobConfig,
  options: DeployOptions,
  deps: Deps,
): Promise<{ input: RenderInput; notes: string[] }> {
  const selected = new Set(selectJobs(config, options.jobs).map((job) => job.name));
  const { clients } = deps;
  const [accountId, resolved] = await Promise.all([
    accountIdOf(clients),
    resolveNetwork(clients, config.network),
  ]);
  const context = { app: config.app, region: clients.region, accountId, dryRun: options.dryRun ?? false };
  const resolveImage = options.resolveImage ?? registryImage;
  const images: Record<string, ResolvedImage> = {};
  for (const job of config.jobs) {
    // Jobs outside --job keep whatever runs now; rendering them still needs an image, never a build.
    images[job.name] = selected.has(job.name)
      ? await resolveImage(job, context, deps)
      : { image: job.image ?? `${names.repository(config.app, job.name)}:unchanged` };
  }
  const input = {
    config,
    accountId,
    region: clients.region,
    images,
    network: resolved.network,
    retained: [],
  };
  return { input, notes: resolved.notes };
}

/**
 * Render → observe → plan → apply. A second deploy of an unchanged config plans only no-ops and
 * sends no mutating call at all.
 *
 * @example
 * const { config } = await loadConfig("flexjob.yml");
 * const result = await deploy(config, { prune: true }, { clients: createClients({ region: "eu-west-1" }), logger: console, sleep, now: () => new Date() });
 * console.log(result.changed, result.jobs[0]?.nextRuns);
 */
export async function deploy(
  config: FlexjobConfig,
  options: DeployOptions,
  deps: Deps,
): Promise<DeployResult> {
  const resolved = await resolveRenderInput(config, options, deps);
  const first = renderDesired(resolved.input);
  const live = await observe(deps.clients, first, {
    prune: options.prune ?? false,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
  });
  const kept = options.prune ? [] : strayJobs(config, live);
  // Schedules kept without prune must keep working, so the roles keep what those jobs need.
  const input =
    kept.length === 0
      ? resolved.input
      : { ...resolved.input, retained: await retainedJobs(deps, config.app, kept) };
  const desired = kept.length === 0 ? first : renderDesired(input);
  const plan = planDeploy(desired, live, { ...options, now: deps.now() });
  plan.notes.unshift(...resolved.notes);
  const dryRun = options.dryRun ?? false;
  const applied: ApplyResult | undefined =
    dryRun || planIsNoop(plan) ? undefined : await applyAndSettle(plan, input, deps);
  const selected = new Set(selectJobs(config, options.jobs).map((job) => job.name));
  const jobs = config.jobs
    .filter((job) => selected.has(job.name))
    .map((job) => deployedJob(job, desired, live, applied ?? liveArns(plan), deps.now()));
  return {
    plan,
    changed: (applied?.changed ?? 0) > 0,
    dryRun,
    jobs,
    ...(config.dashboard
      ? { dashboardUrl: dashboardConsoleUrl(plan.region, names.dashboard(config.app)) }
      : {}),
  };
}

/** What a deploy reports of one job: its image, the ARNs it runs under, and its next runs. */
function deployedJob(
  job: JobSpec,
  desired: DesiredState,
  live: LiveState,
  applied: ApplyResult,
  now: Date,
): DeployedJob {
  const definition = desiredOf(desired, taskDefinitions).find((item) => item.job === job.name);
  const own = desiredOf(desired, schedules).filter((item) => item.job === job.name);
  const first = names.schedule(desired.app, job.name);
  const createdAt = liveOf(live, schedules, first)?.createdAt;
  const timing: ScheduleTiming | undefined = job.enabled
    ? {
        expression: job.schedule.expression,
        timezone: job.timezone,
        ...(job.startDate === undefined ? {} : { startDate: job.startDate }),
        ...(job.endDate === undefined ? {} : { endDate: job.endDate }),
        ...(createdAt === undefined ? {} : { createdAt }),
      }
    : undefined;
  return {
    name: job.name,
    image: definition?.spec.container.image ?? "",
    taskDefinitionArn: definition && applied.arns["task-definition"]?.[definition.id],
    scheduleArns: own.flatMap((item) => {
      const arn = applied.arns.schedule?.[item.id];
      return arn === undefined ? [] : [arn];
    }),
    nextRuns: timing === undefined ? [] : jobNextRuns(timing, { from: now, count: 3 }),
    ...(timing === undefined ? {} : { timing }),
  };
}

/** Jobs that still have schedules in the app's group but are no longer in the config. */
function strayJobs(config: FlexjobConfig, live: LiveState): string[] {
  const configured = new Set(config.jobs.map((job) => job.name));
  const strays = (live.get(schedules.kind)?.unwanted ?? []).flatMap(({ id, job }) =>
    configured.has(job ?? "") ? [] : [job ?? id],
  );
  return [...new Set(strays)].sort();
}

/**
 * Apply, then make the roles cover every live schedule of the app, whatever other deploys wrote
 * meanwhile (see settleRoles). A failed apply settles too: its role write may already have dropped
 * what a concurrent deploy's schedules need, and that deploy may already have reported success.
 */
async function applyAndSettle(plan: ResourcePlan, input: RenderInput, deps: Deps): Promise<ApplyResult> {
  await clearDeployRecord(deps.clients, plan.app, deps.logger);
  let applied: ApplyResult;
  try {
    applied = await apply(plan, deps);
  } catch (error) {
    await settleRoles(input, deps).catch((settleError: unknown) => {
      deps.logger.warn(`roles not checked after the failure: ${errorMessage(settleError)}`);
    });
    throw error;
  }
  const writes = await settleRoles(input, deps);
  return { ...applied, changed: applied.changed + writes };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function retainedJobs(deps: Deps, app: string, jobs: string[]): Promise<RetainedJob[]> {
  const revisions = await Promise.all(
    jobs.map((job) => observeTaskDefinition(deps.clients, names.taskFamily(app, job))),
  );
  return revisions.flatMap((revision) => (revision === undefined ? [] : [retainedJobOf(revision.spec)]));
}

/**
 * What deploy would do, without doing it: reads the account, sends no mutating call.
 * @example console.log((await plan(config, {}, deps)).steps.filter((step) => step.action !== "noop"));
 */
export async function plan(config: FlexjobConfig, options: PlanOptions, deps: Deps): Promise<Plan> {
  return (await deploy(config, { ...options, dryRun: true }, deps)).plan;
}

/** Offline placeholders: what `flexjob plan --offline` renders without an AWS account. */
const OFFLINE_ACCOUNT = "<account-id>";

/**
 * Renders the desired resources with no AWS call: every resource shows as a create, with the
 * account id, default-VPC network and built image tags left as placeholders.
 * @example
 * const plan = planOffline(config);
 * plan.steps.map((step) => `${step.action} ${step.kind}`); // ["create role", "create role", "create cluster", …]
 */
export function planOffline(config: FlexjobConfig, options: PlanOptions = {}): Plan {
  const region = config.region ?? "<region>";
  const network: ResolvedNetwork = {
    vpcId: "<default VPC>",
    subnets: config.network.subnets ?? ["<default VPC private subnets>"],
    securityGroups: config.network.securityGroups ?? ["<default security group>"],
    assignPublicIp: config.network.assignPublicIp,
  };
  const images = Object.fromEntries(
    config.jobs.map((job) => [
      job.name,
      {
        image:
          job.image ??
          `${OFFLINE_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${names.repository(config.app, job.name)}:<source hash>`,
      },
    ]),
  );
  const desired = renderDesired({
    config,
    accountId: OFFLINE_ACCOUNT,
    region,
    images,
    network,
    retained: [],
  });
  const plan = planDeploy(desired, new Map(), options);
  plan.notes.push("offline: nothing was read from AWS; every resource shows as a create");
  return plan;
}
