import { type Data, isRecord, type JobContext, report } from "./context.js";
import { convertSecrets, convertVariables } from "./convert-env.js";
import { convertCommand, convertImage, convertImageExtras } from "./convert-image.js";
import { convertLogging } from "./convert-logging.js";
import { convertNetwork } from "./convert-network.js";
import { reportUnmapped } from "./convert-other.js";
import {
  convertPlatform,
  convertRetries,
  convertSchedule,
  convertSize,
  convertStorage,
  convertTimeout,
} from "./convert-run.js";
import { manifestError, type ParsedManifest } from "./manifest.js";
import { manifestProblems } from "./manifest-schema.js";
import { applyEnvironment, interpolate } from "./merge.js";
import type { ImportEntry, ImportOptions, PendingSecret } from "./types.js";

export interface ConvertInput {
  app: string;
  env: string | undefined;
  region: string | undefined;
  manifest: ParsedManifest;
  /** `copilot/<job>/addons` when it exists. */
  addons: string | undefined;
  resolveSecret: ImportOptions["resolveSecret"];
}

export interface ConvertedJob {
  name: string;
  /** The job's flexjob fields. */
  job: Data;
  /** Its `network`, which flexjob keeps per app. */
  network: Data;
  entries: ImportEntry[];
  pending: PendingSecret[];
}

/**
 * One Scheduled Job manifest as a flexjob job: checked, merged for the environment, variables
 * substituted, then field by field (in the order flexjob.yml lists a job's fields). Throws every
 * problem at once, with its line; returns nothing partial.
 */
export async function convertJob(input: ConvertInput): Promise<ConvertedJob> {
  const { manifest } = input;
  const problems = manifestProblems(manifest);
  if (problems.length > 0) throw manifestError(problems);
  const data = manifest.data as Data;
  const known: Record<string, string> = { COPILOT_APPLICATION_NAME: input.app };
  if (input.env !== undefined) known.COPILOT_ENVIRONMENT_NAME = input.env;
  const { value, unresolved } = interpolate(applyEnvironment(data, input.env), known);
  const ctx: JobContext = {
    app: input.app,
    job: String(data.name),
    file: manifest.file,
    env: input.env,
    region: input.region,
    data: value as Data,
    out: {},
    entries: [],
    pending: [],
    problems: [],
    manifest,
  };
  report(ctx, ["name"], "mapped", `jobs.${ctx.job}`, "the job's name");
  convertImage(ctx);
  convertCommand(ctx);
  convertSchedule(ctx);
  convertSize(ctx);
  convertStorage(ctx);
  convertPlatform(ctx);
  convertRetries(ctx);
  convertTimeout(ctx);
  convertImageExtras(ctx);
  convertVariables(ctx);
  await convertSecrets(ctx, input.resolveSecret);
  await convertLogging(ctx, input.resolveSecret);
  const network = convertNetwork(ctx);
  reportUnmapped(ctx, input.addons, unresolved);
  reportEnvironments(ctx, data);
  if (ctx.problems.length > 0) throw manifestError(ctx.problems);
  // By line, so the report reads down the manifest; stable, so one line's entries keep their order.
  const entries = ctx.entries.map((entry, index) => ({ entry, index }));
  entries.sort((a, b) => a.entry.line - b.entry.line || a.index - b.index);
  return {
    name: ctx.job,
    job: ctx.out,
    network,
    entries: entries.map(({ entry }) => entry),
    pending: ctx.pending,
  };
}

/** Without an environment, the overrides are not applied: say which ones there were. */
function reportEnvironments(ctx: JobContext, data: Data): void {
  if (ctx.env !== undefined || !isRecord(data.environments)) return;
  const names = Object.keys(data.environments);
  if (names.length === 0) return;
  ctx.entries.push({
    job: ctx.job,
    field: "environments",
    file: ctx.file,
    line: ctx.manifest.locate(["environments"]),
    status: "unmapped",
    note: `not applied: import again with --env ${names.join(" or --env ")} for that environment's values`,
  });
}
