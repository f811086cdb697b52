import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Locate } from "@flexjob/sdk";
import { CONFIG_FILE_NAMES, FlexjobError, readConfigFile, secretsInConfig } from "@flexjob/sdk/record";
import {
  type ActionInputs,
  INLINE_JOB_FIELDS,
  type InlineInputName,
  type InlineJobInputs,
} from "./inputs.js";
import type { SecretMask } from "./secrets.js";

/**
 * This run's config as data, before the schema checks it: the Action's first step hashes it to
 * compare with the deploy record, and must not load the schema or the deploy engine to do so.
 */
export interface RawActionConfig {
  raw: unknown;
  /** The config file relative to the workspace, as annotations name it; undefined for inputs. */
  file: string | undefined;
  /** Where a field is written in the file; undefined for inputs. */
  locate: Locate | undefined;
}

/**
 * The config of this run as data: the job given by inputs, or the config file under
 * root-directory. Every secret it holds (the SDK's rule: secret fields, env by name or value, URL
 * credentials anywhere) is masked here, before anything can print it.
 */
export async function readActionConfig(
  inputs: ActionInputs,
  workspace: string,
  mask: SecretMask,
): Promise<RawActionConfig> {
  if (inputs.inline !== undefined) {
    const raw = inlineRawConfig(inputs.inline);
    mask.addAll(secretsInConfig(raw));
    return { raw, file: undefined, locate: undefined };
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
  return { raw, file, locate };
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
