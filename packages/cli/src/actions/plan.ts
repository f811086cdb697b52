import { dirname } from "node:path";
import { buildImageResolver, deploy, planOffline, planText, redactPlan } from "@flexjob/sdk";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";
import { commandContext } from "./context.js";

export interface PlanFlags {
  config?: string;
  offline?: boolean;
  prune?: boolean;
  job?: string[];
  json?: boolean;
}

export async function planCommand(io: CliIo, flags: PlanFlags): Promise<void> {
  const options = { prune: flags.prune ?? false, ...(flags.job ? { jobs: flags.job } : {}) };
  const plan = flags.offline
    ? planOffline((await loadCliConfig(io, flags.config)).config, options)
    : await (async () => {
        const { config, deps, file } = await commandContext(io, flags);
        // A dry run builds nothing; the resolver only looks up the tag a build would push.
        const resolveImage = buildImageResolver({ configDir: dirname(file) });
        return (await deploy(config, { ...options, dryRun: true, resolveImage }, deps)).plan;
      })();
  if (flags.json) printJson(io, redactPlan(plan));
  else io.stdout(`${planText(plan)}\n`);
}
