import type { Deps } from "@flexjob/sdk";
import { type FlexjobConfig, FlexjobError } from "@flexjob/sdk/config";
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
    clients: await io.clients(region),
    logger: {
      info: (message) => io.stderr(`${message}\n`),
      warn: (message) => io.stderr(`warning: ${message}\n`),
    },
    sleep: io.sleep,
    now: io.now,
  };
  return { config, deps, file };
}
