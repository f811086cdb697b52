import { lstat, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import {
  type CopilotImport,
  FlexjobError,
  type ImportEntry,
  importCopilot,
  resolveCopilotSecret,
} from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { awsReach } from "./copilot-aws.js";
import { cutoverJobs, renderCutover } from "./copilot-cutover.js";

export interface ImportCopilotFlags {
  env?: string;
  out?: string;
  json?: boolean;
  cutover?: boolean;
  force?: boolean;
}

/** One secret looked up in AWS, by the name the manifest gives; `arn` null when not found there. */
interface SecretLookup {
  kind: "ssm" | "secretsmanager";
  name: string;
  arn: string | null;
}

/**
 * Imports a Copilot workspace. Everything that can fail (the manifests, the output path) is
 * checked before the file is written, so an error leaves nothing behind. AWS is used only when a
 * region is set, read-only, and its absence or failure never fails the import: secrets then stay
 * placeholders, and the report says why.
 */
export async function importCopilotCommand(
  io: CliIo,
  dir: string | undefined,
  flags: ImportCopilotFlags,
): Promise<void> {
  const root = resolve(io.cwd, dir ?? ".");
  const out = outputTarget(io, root, flags.out);
  if (flags.cutover && flags.env === undefined) {
    throw new FlexjobError(
      "--cutover needs --env: Copilot's live rule and state machine are per environment",
      {
        code: "INPUT_INVALID",
        remedy: "name the Copilot environment the jobs run in, e.g. --env prod",
      },
    );
  }
  const aws = awsReach(io);
  if (flags.cutover && aws.region === undefined) {
    throw new FlexjobError("--cutover reads Copilot's live rules from AWS, and AWS_REGION is not set", {
      code: "INPUT_INVALID",
      remedy: "export AWS_REGION (and credentials) for the account and Region of the Copilot environment",
    });
  }
  if (out !== undefined) await checkTarget(out, flags.force === true);
  const lookups: SecretLookup[] = [];
  const imported = await importCopilot(root, {
    ...(flags.env === undefined ? {} : { env: flags.env }),
    ...(aws.region === undefined ? {} : { region: aws.region }),
    resolveSecret: async (ref) => {
      const arn = await aws.use((clients, account) => resolveCopilotSecret(clients, ref, account));
      if (aws.connected()) lookups.push({ kind: ref.kind, name: ref.name, arn: arn ?? null });
      return arn;
    },
  });
  const cutover = flags.cutover ? await cutoverJobs(imported, aws, io.now()) : undefined;
  if (out !== undefined) await writeOutput(out, imported.text, flags.force === true);
  else if (!flags.json) io.stdout(imported.text);
  const awsSummary = { region: aws.region ?? null, offline: aws.offlineReason() ?? null };
  if (flags.json) {
    printJson(io, {
      ...imported,
      out: out?.shown ?? "-",
      aws: awsSummary,
      secrets: lookups,
      ...(cutover === undefined ? {} : { cutover }),
    });
    return;
  }
  io.stderr(renderReport(imported, out?.shown ?? "stdout", lookups, awsSummary.offline, aws.region));
  if (cutover !== undefined) io.stderr(renderCutover(imported, cutover, aws.region ?? ""));
}

/** Where the file goes: `undefined` for stdout (`--out -`); the default is DIR's flexjob.yml. */
function outputTarget(
  io: CliIo,
  root: string,
  out: string | undefined,
): { path: string; shown: string } | undefined {
  if (out === "-") return undefined;
  const path = out === undefined ? join(root, "flexjob.yml") : resolve(io.cwd, out);
  return { path, shown: relative(io.cwd, path) || path };
}

async function checkTarget(out: { path: string; shown: string }, force: boolean): Promise<void> {
  const folder = await stat(dirname(out.path)).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new FlexjobError(`cannot write ${out.shown}: the folder ${dirname(out.shown)} does not exist`, {
      code: "INPUT_INVALID",
      remedy: "create it first, or check the --out path",
    });
  }
  const existing = await lstat(out.path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new FlexjobError(`--out ${out.shown} is a folder`, {
      code: "INPUT_INVALID",
      remedy: `give the file to write, e.g. --out ${join(out.shown, "flexjob.yml")}`,
    });
  }
  if (existing !== undefined && !force) {
    throw new FlexjobError(`${out.shown} already exists; the import does not overwrite it`, {
      code: "INPUT_INVALID",
      remedy: "pass --force to replace it, --out <another file>, or --out - to print the result",
    });
  }
}

async function writeOutput(
  out: { path: string; shown: string },
  text: string,
  force: boolean,
): Promise<void> {
  try {
    // "wx" unless forced: never over a file that appeared since the check.
    await writeFile(out.path, text, { flag: force ? "w" : "wx" });
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    throw new FlexjobError(`could not write ${out.shown}${code ? ` (${code})` : ""}`, {
      code: "INPUT_INVALID",
      cause: error,
      remedy:
        code === "EEXIST"
          ? "it appeared while flexjob was writing: rerun with --force to replace it"
          : "check the path and its permissions, or print with --out -",
    });
  }
}

const STATUS_ORDER: ImportEntry["status"][] = ["placeholder", "unmapped", "default", "mapped"];

/** The report for a person, on stderr: what was written, then every field by status, then the secrets. */
function renderReport(
  imported: CopilotImport,
  shown: string,
  lookups: SecretLookup[],
  offline: string | null,
  region: string | undefined,
): string {
  const jobs = imported.jobs.length;
  const lines = [
    `imported ${jobs} Scheduled Job${jobs === 1 ? "" : "s"} of Copilot app ${imported.app}` +
      `${imported.env === undefined ? "" : ` (env ${imported.env})`} into ${shown}` +
      `${region === undefined ? "" : `, region ${region} (from AWS_REGION)`}`,
  ];
  for (const skipped of imported.skipped) {
    lines.push(
      `  skipped ${skipped.name} (${skipped.type}, ${skipped.file}): flexjob runs scheduled jobs only`,
    );
  }
  for (const status of STATUS_ORDER) {
    const entries = imported.report.filter((entry) => entry.status === status);
    if (entries.length === 0) continue;
    lines.push("", `${status} (${entries.length}):`);
    for (const entry of entries) {
      const to = entry.to === undefined ? "" : ` -> ${entry.to}`;
      lines.push(`  ${entry.file}:${entry.line} ${entry.field}${to}: ${entry.note}`);
    }
  }
  lines.push("", ...secretLines(imported, lookups, offline));
  return `${lines.join("\n")}\n`;
}

function secretLines(imported: CopilotImport, lookups: SecretLookup[], offline: string | null): string[] {
  const found = lookups.filter((lookup) => lookup.arn !== null);
  const lines: string[] = [];
  if (lookups.length > 0) {
    lines.push(`secrets resolved through AWS: ${found.length} of ${lookups.length}`);
    for (const lookup of lookups) {
      lines.push(
        `  ${lookup.kind} ${lookup.name} -> ${lookup.arn ?? "not found, or not readable by these credentials"}`,
      );
    }
  }
  if (offline !== null) {
    lines.push(`AWS not used (${offline}): secrets given by name stay placeholders`);
  }
  const pending = imported.pendingSecrets.length;
  if (pending > 0) {
    lines.push(
      `${pending} secret${pending === 1 ? "" : "s"} left as placeholder${pending === 1 ? "" : "s"}: ` +
        "fill in each ARN (flexjob validate lists them), or rerun with AWS_REGION and credentials set",
    );
  }
  return lines;
}
