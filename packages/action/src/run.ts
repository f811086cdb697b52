import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import {
  type AwsClients,
  buildImageResolver,
  countLine,
  createClients,
  type DeployOptions,
  type DeployResult,
  type Deps,
  deploy,
  deployRecordName,
  deployRecordOf,
  type FlexjobConfig,
  FlexjobError,
  type ImageResolver,
  type JobRun,
  planIsNoop,
  planText,
  type RunNowResult,
  realSleep,
  recordableConfig,
  runFailure,
  runs as runHistory,
  runNow,
  writeDeployRecord,
} from "@flexjob/sdk";
import { announceSkipped, jobsForBranch } from "./branch-skips.js";
import { loadActionConfig } from "./config-source.js";
import { type ActionInputs, INPUT_NAMES, PLAN_ONLY_EVENTS, readInputs } from "./inputs.js";
import { actionOutputs } from "./outputs.js";
import { annotateWarning } from "./report-failure.js";
import { SecretMask } from "./secrets.js";
import { renderSummary } from "./summary.js";
import type { RecordCheck } from "./unchanged.js";
import { locateInputIssues } from "./workflow-location.js";

/** What the Action touches besides @actions/core, injected so a test controls every side effect. */
export interface ActionWorld {
  /** GITHUB_* and AWS_REGION; inputs are read by readInputs alone. */
  env: Readonly<Record<string, string | undefined>>;
  /** SDK clients on the default credential chain (what configure-aws-credentials sets up). */
  clients: (region: string) => AwsClients;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  /**
   * The one seam for images, given the folder the config's `source.rootDir` is relative to:
   * registry images as written, `source:` jobs built and pushed to ECR when their source changed.
   */
  imageResolver: (configDir: string) => ImageResolver;
}

export function processWorld(): ActionWorld {
  return {
    env: process.env,
    clients: (region) => createClients({ region }),
    now: () => new Date(),
    sleep: realSleep,
    imageResolver: (configDir) =>
      buildImageResolver({
        configDir,
        ...(process.env.GITHUB_REPOSITORY === undefined
          ? {}
          : {
              sourceUrl: `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${process.env.GITHUB_REPOSITORY}`,
            }),
      }),
  };
}

/**
 * The Action: inputs → config → branch filter → plan → deploy → run now → outputs and summary.
 * Any error it throws is ready to show: secrets redacted, input problems placed on the workflow's
 * line. Mapping it to annotations and the exit code is the entrypoint's job.
 */
export async function run(
  world: ActionWorld = processWorld(),
  first?: { check: RecordCheck; mask: SecretMask },
): Promise<void> {
  // The first step's mask holds the secrets of what it read, which this run then does not read again.
  const mask = first?.mask ?? new SecretMask((value) => core.setSecret(value));
  const check = first?.check;
  try {
    await deployFromWorkflow(world, mask, check);
  } catch (error) {
    throw await presentable(error, world, mask);
  }
}

async function deployFromWorkflow(world: ActionWorld, mask: SecretMask, check?: RecordCheck): Promise<void> {
  const { env } = world;
  const eventName = env.GITHUB_EVENT_NAME;
  const inputs = check?.read?.inputs ?? readInputs({ eventName });
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const { config, file, warnings } = await loadActionConfig(inputs, workspace, mask, check?.read?.config);
  for (const warning of warnings) annotateWarning(warning);
  checkJobNames(config, inputs.jobs);

  // A pull request's jobs are the ones its base branch would deploy once it is merged.
  const ref =
    eventName !== undefined && PLAN_ONLY_EVENTS.includes(eventName)
      ? env.GITHUB_BASE_REF
      : env.GITHUB_REF_NAME;
  const { selected, skipped } = jobsForBranch(config.jobs, inputs.jobs, ref);
  announceSkipped(skipped, ref);
  const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;

  let result: DeployResult | undefined;
  let runs: RunNowResult[] = [];
  let lastRuns: Record<string, JobRun[] | { unavailable: string }> = {};
  if (selected.length === 0) {
    core.notice("no job of this config deploys from this branch: nothing to do", { title: "flexjob" });
  } else {
    const deps = actionDeps(world, requireRegion(region), mask);
    const options: DeployOptions = {
      prune: inputs.prune,
      resolveImage: world.imageResolver(
        file === undefined ? resolve(workspace, inputs.rootDirectory) : dirname(resolve(workspace, file)),
      ),
      ...(selected.length === config.jobs.length ? {} : { jobs: selected }),
    };
    result = await deployPhases(config, options, inputs, deps, mask);
    if (!inputs.dryRun) await saveRecord(config, mask.redactData(result), check, deps, env);
    if (inputs.runNow) runs = await runNowPhase(config, result, inputs, deps);
    if (env.GITHUB_STEP_SUMMARY) lastRuns = await lastRunsOf(config, result, deps);
  }

  // Outputs and the summary are written even when run-now then fails the step.
  const shown = result && mask.redactData(result);
  for (const [name, value] of Object.entries(actionOutputs(shown))) core.setOutput(name, value);
  if (env.GITHUB_STEP_SUMMARY) {
    const markdown = renderSummary({
      config,
      region: shown?.plan.region ?? region ?? "the default region",
      configFile: file,
      result: shown,
      dryRun: inputs.dryRun,
      eventName,
      ref,
      skipped,
      runs,
      lastRuns,
    });
    await core.summary.addRaw(mask.redact(markdown)).write();
  }
  const failed = runs.filter((run) => !run.succeeded);
  if (failed.length > 0) throw runFailure(failed);
}

/**
 * After a complete deploy, the record the next run compares its key with (unchanged.ts), when the
 * first step gave this run a key and the SDK says the config's deploy depends on nothing the key
 * misses (recordableConfig). Failing to save costs the next run its shortcut, never this deploy.
 */
async function saveRecord(
  config: FlexjobConfig,
  result: DeployResult,
  check: RecordCheck | undefined,
  deps: Deps,
  env: ActionWorld["env"],
): Promise<void> {
  const key = check?.key;
  // No key: a dry run, or a config the first step could not read; and some configs keep none.
  if (key === undefined || !recordableConfig(config)) return;
  if (check?.record?.key === key && !result.changed) return;
  const source =
    env.GITHUB_SHA === undefined
      ? undefined
      : `commit ${env.GITHUB_SHA.slice(0, 12)}${env.GITHUB_RUN_ID === undefined ? "" : ` (run ${env.GITHUB_RUN_ID})`}`;
  const name = deployRecordName(config.app);
  try {
    const record = deployRecordOf(result, {
      key,
      at: deps.now(),
      ...(source === undefined ? {} : { source }),
    });
    if (!(await writeDeployRecord(deps.clients, config.app, record))) {
      core.info(
        `deploy record ${name} not saved: larger than a standard parameter's 4 KB, so every run checks every resource`,
      );
    }
  } catch (error) {
    const why = error instanceof Error ? error.name : String(error);
    core.info(
      `deploy record ${name} not saved (${why}): the next unchanged run checks every resource; grant ssm:PutParameter on it to skip such runs`,
    );
  }
}

function requireRegion(region: string | undefined): string {
  if (region !== undefined) return region;
  throw new FlexjobError("no AWS region: the config has no region and AWS_REGION is not set", {
    code: "INPUT_INVALID",
    remedy:
      "add region: to flexjob.yml (or the region input), or set aws-region on aws-actions/configure-aws-credentials",
  });
}

/** The SDK's world: real clients on the default credential chain, progress into the step's log. */
function actionDeps(world: ActionWorld, region: string, mask: SecretMask): Deps {
  return {
    clients: world.clients(region),
    logger: {
      info: (message) => core.info(mask.redact(message)),
      warn: (message) => core.warning(mask.redact(message)),
    },
    sleep: world.sleep,
    now: world.now,
  };
}

/** "Plan" reads and shows the plan; "Deploy" applies it, unless it is a dry run or a no-op. */
async function deployPhases(
  config: FlexjobConfig,
  options: DeployOptions,
  inputs: ActionInputs,
  deps: Deps,
  mask: SecretMask,
): Promise<DeployResult> {
  const planned = await core.group("Plan", async () => {
    const dryRun = await deploy(config, { ...options, dryRun: true }, deps);
    mask.maskPlan(dryRun.plan);
    core.info(mask.redact(planText(dryRun.plan)));
    return dryRun;
  });
  return core.group("Deploy", async () => {
    if (inputs.dryRun) {
      core.info("dry run: nothing was changed");
      return planned;
    }
    if (planIsNoop(planned.plan)) {
      core.info("everything is up to date: no change made");
      return { ...planned, dryRun: false };
    }
    // deploy plans again against what is live now, so what it applies is never stale.
    const applied = await deploy(config, { ...options, dryRun: false }, deps);
    mask.maskPlan(applied.plan);
    core.info(
      applied.changed
        ? `deployed: ${countLine(applied.plan, "applied")}`
        : "everything is up to date: no change made",
    );
    return applied;
  });
}

async function runNowPhase(
  config: FlexjobConfig,
  result: DeployResult,
  inputs: ActionInputs,
  deps: Deps,
): Promise<RunNowResult[]> {
  if (inputs.dryRun) {
    core.notice("run-now skipped: this is a dry run, so nothing was deployed to run", { title: "flexjob" });
    return [];
  }
  return core.group("Run now", async () => {
    const runs: RunNowResult[] = [];
    for (const job of result.jobs) runs.push(await runNow(config, job.name, { wait: inputs.wait }, deps));
    return runs;
  });
}

/** Each deployed job's last five runs of the past week, for the summary; a read that fails says why. */
async function lastRunsOf(
  config: FlexjobConfig,
  result: DeployResult,
  deps: Deps,
): Promise<Record<string, JobRun[] | { unavailable: string }>> {
  const since = new Date(deps.now().getTime() - 7 * 86_400_000);
  const entries = await Promise.all(
    result.jobs.map(async ({ name }) => {
      try {
        return [[name, await runHistory(config, name, { since, limit: 5 }, deps)]] as const;
      } catch (error) {
        // A first deploy's dry run: the history is made by the deploy itself, so there is none yet.
        if (error instanceof FlexjobError && error.code === "INPUT_INVALID") return [];
        // A role without logs:FilterLogEvents on the history, say: the summary says why, the deploy stands.
        const why = error instanceof FlexjobError ? error.message : String(error);
        return [[name, { unavailable: why }]] as const;
      }
    }),
  );
  return Object.fromEntries(entries.flat());
}

function checkJobNames(config: FlexjobConfig, jobs: readonly string[] | undefined): void {
  const known = config.jobs.map((job) => job.name);
  const unknown = (jobs ?? []).filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const names = unknown.map((name) => JSON.stringify(name)).join(", ");
  const message = `input jobs lists ${names}, which the config does not have`;
  throw new FlexjobError(message, {
    code: "INPUT_INVALID",
    remedy: `use names of the config's jobs: ${known.join(", ")}`,
    issues: [{ path: "jobs", message, remedy: `use names of the config's jobs: ${known.join(", ")}` }],
  });
}

/** Redacted, and input problems placed where the workflow sets the input. */
async function presentable(error: unknown, world: ActionWorld, mask: SecretMask): Promise<unknown> {
  if (!(error instanceof FlexjobError)) {
    if (!(error instanceof Error)) return new Error(mask.redact(String(error)));
    const redacted = new Error(mask.redact(error.message), { cause: error });
    redacted.name = error.name;
    return redacted;
  }
  const located = await locateInputIssues(error.issues, INPUT_NAMES, {
    workspace: world.env.GITHUB_WORKSPACE ?? process.cwd(),
    workflowRef: world.env.GITHUB_WORKFLOW_REF,
    repository: world.env.GITHUB_REPOSITORY,
    job: world.env.GITHUB_JOB,
  });
  return new FlexjobError(mask.redact(error.message), {
    code: error.code,
    fault: error.fault,
    ...(error.remedy === undefined ? {} : { remedy: mask.redact(error.remedy) }),
    issues: mask.redactData(located),
    cause: error,
  });
}
