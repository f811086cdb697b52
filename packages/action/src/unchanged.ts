import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import type { DeployResult } from "@flexjob/sdk";
import {
  type AwsClients,
  type DeployRecord,
  deployRecordName,
  jobNextRuns,
  type RecordedRun,
  readDeployRecord,
} from "@flexjob/sdk/record";
import { announceSkipped, jobsForBranch, type SkippedJob, skippedLine } from "./branch-skips.js";
import { type RawActionConfig, readActionConfig } from "./config-read.js";
import { isRecord } from "./data.js";
import { type ActionInputs, readInputs } from "./inputs.js";
import { cell, code, localTime } from "./markdown.js";
import { actionOutputs } from "./outputs.js";
import type { SecretMask } from "./secrets.js";

/**
 * The Action's first step. The deploy record (`/flexjob/<app>/last-deploy`, written after every
 * complete deploy, cleared before every change) carries a key: a hash of everything this run's
 * deploy depends on. When this run hashes to the same key, that deploy applied exactly this config
 * with exactly these inputs and this bundle, and nothing has changed it through flexjob since: the
 * run answers from the record with one read, as CloudFormation answers an unchanged template. What
 * was changed outside flexjob is not seen; `verify: true` reads every resource.
 */

/** What the first step touches; run.ts's ActionWorld has all of it. */
export interface RecordWorld {
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The file whose bytes name this build of the Action: the bundle's entry, dist/index.js, which
   * names every chunk it loads, the deploy engine's among them, by a hash of its content.
   */
  build: string;
  clients: (region: string) => AwsClients;
  now: () => Date;
}

/** What the first step learnt, for the deploy to save the record once it is done. */
export interface RecordCheck {
  /** This run's key; undefined when the run leaves no record (a dry run, a build from source, a config it could not read). */
  key: string | undefined;
  /** The record as read; undefined when there is none, or it was not read. */
  record: DeployRecord | undefined;
  /** The inputs and the config as the first step read them (its mask holds their secrets); undefined when it could not. */
  read?: { inputs: ActionInputs; config: RawActionConfig };
}

export type FirstStep = { skipped: true } | { skipped: false; check: RecordCheck };

/** Bump when what the key covers changes meaning. */
const KEY_FORMAT = 1;

/** A run the full deploy takes, with what the first step read, when it could. */
const fullRun = (check: RecordCheck): FirstStep => ({ skipped: false, check });

/**
 * Answers the run from the deploy record when its key is this run's; otherwise says what it
 * found, for the deploy. Never fails the step: anything it cannot read (bad inputs, a config error,
 * a role without ssm:GetParameter) is left to the full run, which reports it properly.
 */
export async function firstStep(world: RecordWorld, mask: SecretMask): Promise<FirstStep> {
  const { env } = world;
  const ref = env.GITHUB_REF_NAME;
  let inputs: ActionInputs;
  let read: RawActionConfig;
  try {
    inputs = readInputs({ eventName: env.GITHUB_EVENT_NAME });
    read = await readActionConfig(inputs, env.GITHUB_WORKSPACE ?? process.cwd(), mask);
  } catch {
    return fullRun({ key: undefined, record: undefined });
  }
  const known = { inputs, config: read };
  const target = appAndRegion(read.raw, env);
  if (target === undefined || inputs.dryRun || !namesKnownJobs(read.raw, inputs.jobs)) {
    return fullRun({ key: undefined, record: undefined, read: known });
  }
  const key = await recordKey(inputs, read, { ref, region: target.region, build: world.build });
  let record: DeployRecord | undefined;
  try {
    record = await readDeployRecord(world.clients(target.region), target.app);
  } catch (error) {
    const why = error instanceof Error ? error.name : String(error);
    core.info(`deploy record ${deployRecordName(target.app)} not read (${why}): checking every resource`);
    return fullRun({ key, record: undefined, read: known });
  }
  if (record?.key !== key || inputs.runNow || inputs.verify) return fullRun({ key, record, read: known });
  await answerFromRecord(
    record,
    { file: read.file, ref, skipped: jobsForBranch(rawJobs(read.raw), inputs.jobs, ref).skipped },
    world,
    mask,
  );
  return { skipped: true };
}

/** The app and region the deploy record lives under, when the config names them plainly. */
function appAndRegion(raw: unknown, env: RecordWorld["env"]): { app: string; region: string } | undefined {
  if (!isRecord(raw) || typeof raw.app !== "string") return undefined;
  const region = typeof raw.region === "string" ? raw.region : (env.AWS_REGION ?? env.AWS_DEFAULT_REGION);
  return region === undefined ? undefined : { app: raw.app, region };
}

/**
 * Whether the config is a map of jobs holding every job the jobs input names: if not, the full run
 * reports it without calling AWS, and so does not read the record either. (Which configs keep a
 * record at all is the SDK's rule, recordableConfig, applied when a deploy saves one: for any
 * other config, no record has this run's key.)
 */
export function namesKnownJobs(raw: unknown, only: readonly string[] | undefined): boolean {
  const jobs = isRecord(raw) ? raw.jobs : undefined;
  return isRecord(jobs) && (only ?? []).every((name) => Object.hasOwn(jobs, name));
}

/**
 * Everything the deploy depends on that the run can see: this build of the Action (a new flexjob
 * renders anew), the inputs that shape the deploy (not dry-run, run-now, wait or verify, which only
 * shape the run), the config as data (comments and layout do not count), the branch (which picks
 * jobs) and the region.
 */
export async function recordKey(
  inputs: ActionInputs,
  read: Pick<RawActionConfig, "raw" | "file">,
  run: { ref: string | undefined; region: string; build: string },
): Promise<string> {
  const { dryRun: _dryRun, runNow: _runNow, wait: _wait, verify: _verify, ...deploying } = inputs;
  return createHash("sha256")
    .update(await readFile(run.build))
    .update(JSON.stringify([KEY_FORMAT, deploying, read.file ?? null, read.raw, run.ref ?? null, run.region]))
    .digest("hex");
}

/** The step's outputs and summary from the record, as the full run would give them. */
async function answerFromRecord(
  record: DeployRecord,
  run: ShownRun,
  world: RecordWorld,
  mask: SecretMask,
): Promise<void> {
  announceSkipped(run.skipped, run.ref);
  const runs = upcomingRuns(record, world.now());
  const result = resultOf(record, runs);
  const since = `${record.at}${record.source === undefined ? "" : ` by ${record.source}`}`;
  core.info(
    `unchanged: this config and these inputs were deployed ${since}; nothing else read or written (verify: true reads every resource)`,
  );
  for (const [name, value] of Object.entries(actionOutputs(mask.redactData(result)))) {
    core.setOutput(name, value);
  }
  if (world.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(mask.redact(unchangedSummary(record, runs, run, since))).write();
  }
}

/** What the summary says of this run besides the record: its config file and the jobs its branch left out. */
interface ShownRun {
  file: string | undefined;
  ref: string | undefined;
  skipped: SkippedJob[];
}

/** The config's jobs as data, with their branch when it is a name: what jobsForBranch reads. */
function rawJobs(raw: unknown): { name: string; branch?: string }[] {
  const jobs = isRecord(raw) && isRecord(raw.jobs) ? raw.jobs : {};
  return Object.entries(jobs).map(([name, job]) => {
    const branch = isRecord(job) ? job.branch : undefined;
    return typeof branch === "string" ? { name, branch } : { name };
  });
}

/** A run the summary lists: the record's wall time when it has it, else none (formatted on demand). */
type Upcoming = Pick<RecordedRun, "at"> & Partial<Pick<RecordedRun, "local">>;

const LISTED_RUNS = 3;

/**
 * Each job's next three runs: the ones the record listed that are still ahead, or, once fewer
 * than three are, computed again from the job's timing.
 */
function upcomingRuns(record: DeployRecord, now: Date): Map<string, Upcoming[]> {
  const after = now.toISOString();
  return new Map(
    record.jobs.map((job): [string, Upcoming[]] => {
      if (job.timing === undefined) return [job.name, []];
      const ahead = (job.nextRuns ?? []).filter((run) => run.at > after);
      if (ahead.length >= LISTED_RUNS) return [job.name, ahead.slice(0, LISTED_RUNS)];
      return [job.name, jobNextRuns(job.timing, { from: now, count: LISTED_RUNS }).map((at) => ({ at }))];
    }),
  );
}

/** The deploy result the record stands for: nothing to do, every job as the record left it. */
function resultOf(record: DeployRecord, runs: Map<string, Upcoming[]>): DeployResult {
  const note = `unchanged since the deploy of ${record.at}: only the deploy record was read`;
  return {
    plan: { app: record.app, region: record.region, accountId: record.accountId, steps: [], notes: [note] },
    changed: false,
    dryRun: false,
    jobs: record.jobs.map((job) => ({
      name: job.name,
      image: job.image,
      taskDefinitionArn: job.taskDefinitionArn,
      scheduleArns: job.scheduleArns,
      nextRuns: (runs.get(job.name) ?? []).map((run) => run.at),
      ...(job.timing === undefined ? {} : { timing: job.timing }),
    })),
    ...(record.dashboardUrl === undefined ? {} : { dashboardUrl: record.dashboardUrl }),
  };
}

function unchangedSummary(
  record: DeployRecord,
  runs: Map<string, Upcoming[]>,
  run: ShownRun,
  since: string,
): string {
  const lines = [
    `## flexjob: ${record.app} in ${record.region} (account ${record.accountId})`,
    "",
    `**Unchanged**: this config and these inputs were deployed ${since}. Only the deploy record was read; nothing was written. \`verify: true\` reads every resource and repairs what was changed outside flexjob.`,
    "",
  ];
  if (run.file !== undefined) lines.push(`Config: ${code(run.file)}`, "");
  if (record.dashboardUrl !== undefined) {
    lines.push(`Dashboard: [the app's CloudWatch dashboard](${record.dashboardUrl})`, "");
  }
  lines.push("| job | next runs | image | task definition |", "|---|---|---|---|");
  for (const job of record.jobs) {
    const zone = job.timing?.timezone ?? "UTC";
    const listed = runs.get(job.name) ?? [];
    const text =
      listed.length === 0
        ? "none (disabled)"
        : listed
            .map((run) =>
              run.local === undefined ? localTime(run.at, zone) : `${run.at} (${run.local} ${zone})`,
            )
            .join("<br>");
    lines.push(`| ${job.name} | ${text} | ${code(job.image)} | ${cell(job.taskDefinitionArn ?? "")} |`);
  }
  const skipped = skippedLine(run.skipped, run.ref);
  if (skipped !== undefined) lines.push("", skipped);
  return `${lines.join("\n")}\n`;
}
