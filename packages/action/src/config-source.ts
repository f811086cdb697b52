import { type FieldIssue, type FlexjobConfig, FlexjobError, parseConfig } from "@flexjob/sdk";
import { inlineRawConfig, type RawActionConfig, readActionConfig } from "./config-read.js";
import type { ActionInputs, InlineJobInputs } from "./inputs.js";
import type { SecretMask } from "./secrets.js";

export interface ActionConfig {
  config: FlexjobConfig;
  /** The config file relative to the workspace, as annotations name it; undefined for inputs. */
  file: string | undefined;
  /** The config's warnings (renamed fields still read), for the step to annotate. */
  warnings: FieldIssue[];
}

/**
 * The config of this run, checked: {@link readActionConfig} (which masks its secrets first), or
 * what the first step read with it already, then the schema; a job given by inputs reports its
 * problems under the inputs' names.
 */
export async function loadActionConfig(
  inputs: ActionInputs,
  workspace: string,
  mask: SecretMask,
  read?: RawActionConfig,
): Promise<ActionConfig> {
  const { raw, file, locate } = read ?? (await readActionConfig(inputs, workspace, mask));
  if (inputs.inline !== undefined) {
    return { config: parseInlineConfig(inputs.inline), file: undefined, warnings: [] };
  }
  const warnings: FieldIssue[] = [];
  const config = parseConfig(raw, {
    ...(file === undefined ? {} : { file }),
    ...(locate === undefined ? {} : { locate }),
    onWarning: (warning) => warnings.push(warning),
  });
  return { config, file, warnings };
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
