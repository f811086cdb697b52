import { FlexjobError } from "../../errors.js";
import { checkImported } from "./check.js";
import type { ConvertedJob } from "./convert.js";
import { type ParsedManifest, parseManifestText } from "./manifest.js";
import { renderConfig } from "./render.js";
import type { CopilotImport, ImportOptions } from "./types.js";
import { readWorkspace, type WorkloadFiles } from "./workspace.js";

export type {
  CopilotImport,
  CopilotSecretRef,
  ImportEntry,
  ImportOptions,
  PendingSecret,
} from "./types.js";

const SCHEDULED_JOB = "Scheduled Job";

/**
 * Reads a Copilot workspace (`<dir>/copilot/.workspace` and every `copilot/<name>/manifest.yml`)
 * and returns its Scheduled Jobs as one flexjob.yml, meant to be written at `<dir>`, with a report
 * of what each manifest field became. Reads files only; AWS is reached only through
 * `resolveSecret`. Throws a FlexjobError naming the file and line of any field it cannot import.
 * @example
 * const result = await importCopilot(".", { env: "prod", region: "eu-west-1" });
 * await writeFile("flexjob.yml", result.text);
 */
export async function importCopilot(dir: string, options: ImportOptions = {}): Promise<CopilotImport> {
  const workspace = await readWorkspace(dir);
  const parsed = workspace.workloads.map((workload) => ({
    workload,
    manifest: parseManifestText(workload.text, workload.file),
  }));
  const jobs = parsed.filter(({ manifest }) => typeOf(manifest) === SCHEDULED_JOB);
  const skipped = parsed
    .filter(({ manifest }) => typeOf(manifest) !== SCHEDULED_JOB)
    .map(({ workload, manifest }) => ({
      name: nameOf(manifest) ?? workload.dir,
      type: typeOf(manifest) ?? "(none)",
      file: workload.file,
    }));
  if (jobs.length === 0) throw noJobs(skipped);
  const manifests = jobs.map(({ manifest }) => manifest);
  assertEnvironment(manifests, options.env);
  assertUniqueNames(manifests);
  const converted: ConvertedJob[] = [];
  for (const { workload, manifest } of jobs)
    converted.push(await convert(workspace.app, workload, manifest, options));
  const network = appNetwork(converted);
  const report = converted.flatMap((job) => job.entries);
  const config: Record<string, unknown> = {
    app: workspace.app,
    ...(options.region === undefined ? {} : { region: options.region }),
    network,
    jobs: Object.fromEntries(converted.map((job) => [job.name, job.job])),
  };
  checkImported(config, report);
  return {
    app: workspace.app,
    env: options.env,
    jobs: converted.map((job) => job.name),
    skipped,
    config,
    text: renderConfig({ app: workspace.app, env: options.env, config, report }),
    report,
    pendingSecrets: converted.flatMap((job) => job.pending),
  };
}

/**
 * The conversion, with its zod schema of Copilot's manifest, loads when an import runs: a program
 * that imports the SDK for anything else (the Action, `flexjob deploy`) never builds that schema.
 */
async function convert(
  app: string,
  workload: WorkloadFiles,
  manifest: ParsedManifest,
  options: ImportOptions,
) {
  const { convertJob } = await import("./convert.js");
  return convertJob({
    app,
    env: options.env,
    region: options.region,
    manifest,
    addons: workload.addons,
    resolveSecret: options.resolveSecret,
  });
}

function field(manifest: ParsedManifest, key: string): unknown {
  const data = manifest.data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>)[key] : undefined;
}

function typeOf(manifest: ParsedManifest): string | undefined {
  const type = field(manifest, "type");
  return typeof type === "string" ? type : undefined;
}

function nameOf(manifest: ParsedManifest): string | undefined {
  const name = field(manifest, "name");
  return typeof name === "string" ? name : undefined;
}

function noJobs(skipped: CopilotImport["skipped"]): FlexjobError {
  const found =
    skipped.length === 0 ? "no manifest" : skipped.map((item) => `${item.file} (${item.type})`).join(", ");
  return new FlexjobError(`no Scheduled Job in copilot/: found ${found}`, {
    code: "CONFIG_INVALID",
    remedy:
      "import a workspace with at least one manifest of type: Scheduled Job (flexjob runs scheduled jobs, not services)",
  });
}

/** Two manifests with one name would be one flexjob job, the second silently winning. */
function assertUniqueNames(manifests: readonly ParsedManifest[]): void {
  const seen = new Map<string, string>();
  for (const manifest of manifests) {
    const name = nameOf(manifest);
    if (name === undefined) continue;
    const other = seen.get(name);
    if (other !== undefined) {
      throw new FlexjobError(
        `${manifest.file}:${manifest.locate(["name"])}: name ${name} is also the name in ${other}`,
        {
          code: "CONFIG_INVALID",
          remedy: "give each Scheduled Job its own name, as Copilot needs too",
        },
      );
    }
    seen.set(name, manifest.file);
  }
}

/** An environment no manifest overrides is most likely a typo: the import would silently be the base. */
function assertEnvironment(manifests: readonly ParsedManifest[], env: string | undefined): void {
  if (env === undefined) return;
  const names = new Set<string>();
  for (const manifest of manifests) {
    const environments = field(manifest, "environments");
    if (typeof environments === "object" && environments !== null)
      for (const name of Object.keys(environments)) names.add(name);
  }
  if (names.has(env)) return;
  const found = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  throw new FlexjobError(`no Scheduled Job manifest has environments.${env}`, {
    code: "CONFIG_INVALID",
    remedy:
      found.length === 0
        ? "the manifests override no environment: import without --env"
        : `use --env ${found.join(" or --env ")}`,
  });
}

/**
 * flexjob's network is the app's: the first job's is written. A job whose network differs keeps
 * its report entries, turned to unmapped, so that the report never claims what the file lacks.
 */
function appNetwork(jobs: readonly ConvertedJob[]): Record<string, unknown> {
  const [first] = jobs;
  const network = first?.network ?? {};
  for (const job of jobs.slice(1)) {
    if (JSON.stringify(job.network) === JSON.stringify(network)) continue;
    for (const entry of job.entries) {
      if (!entry.to?.startsWith("network.")) continue;
      entry.status = "unmapped";
      entry.note = `not written, as flexjob's network is the app's and ${first?.name}'s was written: ${entry.note}; to keep it, import this job into a flexjob app of its own`;
      delete entry.to;
    }
  }
  return network;
}
