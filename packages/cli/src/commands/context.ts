import { type Deps, type FlexjobConfig, FlexjobError } from "@flexjob/sdk";
import { loadCliConfig } from "../config-warnings.js";
import type { CliIo } from "../io.js";

export interface ConfigOption {
  config?: string;
}

/** Loads the config and builds the SDK's dependencies: region from the config, else the environment. */
export async function commandContext(
  io: CliIo,
  options: ConfigOption,
): Promise<{ config: FlexjobConfig; deps: Deps; file: string }> {
  const { config, file } = await loadCliConfig(io, options.config);
  const region = config.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (region === undefined) {
    throw new FlexjobError("no AWS region: flexjob.yml has no region and AWS_REGION is not set", {
      code: "INPUT_INVALID",
      remedy: "add region: eu-west-1 (for example) to flexjob.yml, or export AWS_REGION",
    });
  }
  const deps: Deps = {
    clients: io.clients(region),
    logger: {
      info: (message) => io.stderr(`${message}\n`),
      warn: (message) => io.stderr(`warning: ${message}\n`),
    },
    sleep: io.sleep,
    now: io.now,
  };
  return { config, deps, file };
}

export const CONFIG_FLAG = [
  "-c, --config <path>",
  "config file (default: flexjob.yml, .yaml or .json in this folder)",
] as const;

/** A flag that takes a whole number from 1 to 1000 (`--count 5`, `--limit 50`), or a clear error. */
export function wholeNumberFlag(flag: string, value: string, example: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 1000) {
    throw new FlexjobError(`${flag} "${value}" is not a whole number from 1 to 1000`, {
      code: "INPUT_INVALID",
      remedy: `pass ${example}`,
    });
  }
  return number;
}

/** `--json` where the command prints its SDK result as is, for scripts. */
export const JSON_FLAG = ["--json", "print the result as JSON"] as const;
