import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import {
  CONFIG_FILE_NAMES,
  type FieldIssue,
  type FlexjobConfig,
  FlexjobError,
  parseConfig,
  readConfigFile,
  secretsInConfig,
} from "@flexjob/sdk";
import {
  type ActionInputs,
  INLINE_JOB_FIELDS,
  type InlineInputName,
  type InlineJobInputs,
} from "./inputs.js";
import type { SecretMask } from "./secrets.js";

export interface ActionConfig {
  config: FlexjobConfig;
  /** The config file relative to the workspace, as annotations name it; undefined for inputs. */
  file: string | undefined;
  /** The config's warnings (renamed fields still read), for the step to annotate. */
  warnings: FieldIssue[];
}

/**
 * The config of this run: the job given by inputs, or the config file under root-directory.
 * Every secret the config holds (the SDK's rule: secret fields, env by name or value, URL
 * credentials anywhere) is masked from the raw data, before validation can print anything.
 */
export async function loadActionConfig(
  inputs: ActionInputs,
  workspace: string,
  mask: SecretMask,
): Promise<ActionConfig> {
  if (inputs.inline !== undefined) {
    mask.addAll(secretsInConfig(inlineRawConfig(inputs.inline)));
    return { config: parseInlineConfig(inputs.inline), file: undefined, warnings: [] };
  }
  const root = resolve(workspace, inputs.rootDirectory);
  if (!(await isDirectory(root))) {
    throw new FlexjobError(`root-directory ${JSON.stringify(inputs.rootDirectory)} is not a folder`, {
      code: "INPUT_INVALID",
      remedy:
        "give the folder of flexjob.yml relative to the repository root, e.g. root-directory: apps/report",
      issues: [
        {
          path: "root-directory",
          message: `root-directory ${JSON.stringify(inputs.rootDirectory)} is not a folder in the checkout (${workspace})`,
          remedy: "check the path, and that actions/checkout ran before this step",
        },
      ],
    });
  }
  const path =
    inputs.config === undefined ? await findConfigFile(root, workspace) : resolve(root, inputs.config);
  const file = workspacePath(path, workspace);
  const { raw, locate } = await readConfigFile(path, file);
  // Masked from the data as read, before the schema (whose messages name fields) sees it.
  mask.addAll(secretsInConfig(raw));
  const warnings: FieldIssue[] = [];
  const config = parseConfig(raw, { file, locate, onWarning: (warning) => warnings.push(warning) });
  return { config, file, warnings };
}

async function findConfigFile(root: string, workspace: string): Promise<string> {
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(root, name);
    if (await isFile(candidate)) found.push(candidate);
  }
  const where = workspacePath(root, workspace) || ".";
  const [first, second] = found;
  if (first === undefined) {
    throw new FlexjobError(`no ${CONFIG_FILE_NAMES.join(", ")} in ${where}`, {
      code: "CONFIG_NOT_FOUND",
      remedy:
        "add one (flexjob init writes a starter), set root-directory or config to where it is, or give the job with inputs (app, name, schedule, image)",
    });
  }
  if (second !== undefined) {
    throw new FlexjobError(
      `both ${workspacePath(first, workspace)} and ${workspacePath(second, workspace)} exist`,
      {
        code: "CONFIG_INVALID",
        remedy: "keep one of them, or set config: to the one to use",
      },
    );
  }
  return first;
}

/** POSIX path relative to the workspace, as GitHub annotations want it; absolute when outside. */
function workspacePath(path: string, workspace: string): string {
  const inside = relative(workspace, path);
  if (inside.startsWith("..") || isAbsolute(inside)) return path;
  return inside.split(sep).join("/");
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

// ---------------------------------------------------------------------------------------------
// A job given by inputs

/** Sizes and counts written as plain numbers are numbers, as they would be in YAML (`tasks: 4`). */
const NUMERIC_INPUTS = new Set<InlineInputName>(["cpu", "memory", "storage", "tasks"]);

/**
 * The config the inline inputs describe, as flexjob.yml would hold it: `{ app, region, jobs: {
 * <name>: { … } } }`. Inputs not given are left out, so the schema's defaults apply.
 */
export function inlineRawConfig(inline: InlineJobInputs): Record<string, unknown> {
  const job: Record<string, unknown> = {};
  for (const field of INLINE_JOB_FIELDS) {
    const value = inline[field];
    if (value === undefined) continue;
    job[field] = NUMERIC_INPUTS.has(field) && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  }
  if (inline.env !== undefined) job.env = inline.env;
  if (inline.secrets !== undefined) job.secrets = inline.secrets;
  return {
    ...(inline.app === undefined ? {} : { app: inline.app }),
    ...(inline.region === undefined ? {} : { region: inline.region }),
    jobs: { [inline.name ?? ""]: job },
  };
}

/**
 * Validates the inline job with the config schema, reporting each problem under the input it
 * came from (`jobs.nightly.tasks` → input `tasks`).
 */
export function parseInlineConfig(inline: InlineJobInputs): FlexjobConfig {
  try {
    return parseConfig(inlineRawConfig(inline));
  } catch (error) {
    if (!(error instanceof FlexjobError) || error.issues.length === 0) throw error;
    const issues = error.issues.map((issue): FieldIssue => {
      const input = inputOfPath(issue.path, inline.name ?? "");
      const required = / is required$/.test(issue.message);
      return {
        path: input,
        message: issue.message,
        remedy: required ? `set the ${input} input of the flexjob step` : (issue.remedy ?? ""),
      };
    });
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    throw new FlexjobError(`the job given by inputs has ${count}`, {
      code: "INPUT_INVALID",
      remedy: "fix the inputs under with: in the workflow",
      issues,
      cause: error,
    });
  }
}

/** `app` → app, `jobs.<name>` → name, `jobs.<name>.env.FOO` → env. */
function inputOfPath(path: string, name: string): string {
  const prefix = `jobs.${name}`;
  if (path === prefix || path === "jobs") return "name";
  if (path.startsWith(`${prefix}.`)) return path.slice(prefix.length + 1).split(".")[0] ?? "name";
  return path.split(".")[0] ?? path;
}
