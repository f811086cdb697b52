import { accountIdOf } from "../aws/account.js";
import { type ResolvedNetwork, resolveNetwork } from "../aws/network.js";
import { observeTaskDefinition } from "../aws/task-definition.js";
import type { FlexjobConfig, JobSpec } from "../config/index.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";
import { type Plan, planIsNoop } from "../plan/types.js";
import { type ApplyResult, apply, liveArns } from "./apply.js";
import type { ImageResolver, ResolvedImage } from "./image-resolver.js";
import { jobNextRuns } from "./job-runs.js";
import { observe } from "./observe.js";
import { type PlanOptions, planDeploy, strayJobs } from "./plan.js";
import {
  type DesiredState,
  type RenderContext,
  type RetainedJob,
  renderDesired,
  retainedJobOf,
} from "./render.js";
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
}

export interface DeployResult {
  plan: Plan;
  /** True when apply changed something (always false for a dry run). */
  changed: boolean;
  dryRun: boolean;
  jobs: DeployedJob[];
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

/** Reads the account facts rendering needs (reads only) and renders the desired state. */
export async function resolveDesired(
  config: FlexjobConfig,
  options: DeployOptions,
  deps: Deps,
): Promise<{ desired: DesiredState; context: RenderContext; notes: string[] }> {
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
  const renderContext: RenderContext = {
    accountId,
    region: clients.region,
    images,
    network: resolved.network,
  };
  return { desired: renderDesired(config, renderContext), context: renderContext, notes: resolved.notes };
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
  const resolved = await resolveDesired(config, options, deps);
  const live = await observe(deps.clients, resolved.desired, {
    families: options.prune ?? false,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
  });
  const kept = options.prune ? [] : strayJobs(resolved.desired, live);
  // Schedules kept without prune must keep working, so the roles keep what those jobs need.
  const desired =
    kept.length === 0
      ? resolved.desired
      : renderDesired(config, { ...resolved.context, retained: await retainedJobs(deps, config.app, kept) });
  const plan = planDeploy(desired, live, { ...options, now: deps.now() });
  const notes = resolved.notes;
  plan.notes.unshift(...notes);
  const dryRun = options.dryRun ?? false;
  const applied: ApplyResult | undefined =
    dryRun || planIsNoop(plan) ? undefined : await applyAndSettle(plan, config, resolved.context, deps);
  const selected = new Set(selectJobs(config, options.jobs).map((job) => job.name));
  const arns = applied ?? liveArns(plan);
  const jobs = config.jobs
    .filter((job) => selected.has(job.name))
    .map((job): DeployedJob => {
      const desiredJob = desired.jobs.find((candidate) => candidate.name === job.name);
      return {
        name: job.name,
        image: desiredJob?.taskDefinition.container.image ?? "",
        taskDefinitionArn: desiredJob && arns.taskDefinitionArns[desiredJob.taskDefinition.family],
        scheduleArns: (desiredJob?.schedules ?? []).flatMap((schedule) => {
          const arn = arns.scheduleArns[schedule.name];
          return arn === undefined ? [] : [arn];
        }),
        nextRuns: job.enabled
          ? jobNextRuns(
              {
                expression: job.schedule.expression,
                timezone: job.timezone,
                startDate: job.startDate,
                endDate: job.endDate,
              },
              {
                from: deps.now(),
                count: 3,
                createdAt: Object.hasOwn(live.jobs, job.name)
                  ? live.jobs[job.name]?.schedules[names.schedule(config.app, job.name)]?.createdAt
                  : undefined,
              },
            )
          : [],
      };
    });
  return { plan, changed: (applied?.changed ?? 0) > 0, dryRun, jobs };
}

/**
 * Apply, then make the roles cover every live schedule of the app, whatever other deploys wrote
 * meanwhile (see settleRoles). A failed apply settles too: its role write may already have dropped
 * what a concurrent deploy's schedules need, and that deploy may already have reported success.
 */
async function applyAndSettle(
  plan: Plan,
  config: FlexjobConfig,
  context: RenderContext,
  deps: Deps,
): Promise<ApplyResult> {
  let applied: ApplyResult;
  try {
    applied = await apply(plan, deps);
  } catch (error) {
    await settleRoles(config, context, deps).catch((settleError: unknown) => {
      deps.logger.warn(`roles not checked after the failure: ${errorMessage(settleError)}`);
    });
    throw error;
  }
  const writes = await settleRoles(config, context, deps);
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
 * const { plan } = planOffline(config);
 * plan.steps.map((step) => `${step.action} ${step.kind}`); // ["create role", "create role", "create cluster", …]
 */
export function planOffline(
  config: FlexjobConfig,
  options: PlanOptions = {},
): { plan: Plan; desired: DesiredState } {
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
  const context: RenderContext = { accountId: OFFLINE_ACCOUNT, region, images, network };
  const desired = renderDesired(config, context);
  const empty = {
    executionRole: undefined,
    schedulerRole: undefined,
    namespace: undefined,
    taskRole: undefined,
    cluster: undefined,
    scheduleGroup: undefined,
    jobs: {},
    scheduleNames: [],
    families: undefined,
  };
  const plan = planDeploy(desired, empty, options);
  plan.notes.push("offline: nothing was read from AWS; every resource shows as a create");
  return { plan, desired };
}
