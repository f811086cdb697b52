import { dirname } from "node:path";
import { buildImageResolver, deploy, planOffline, planText, redactPlan } from "@flexjob/sdk";
import type { Command } from "commander";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG, commandContext } from "./context.js";

interface PlanFlags {
  config?: string;
  offline?: boolean;
  prune?: boolean;
  job?: string[];
  json?: boolean;
}

export function registerPlan(program: Command, io: CliIo): void {
  program
    .command("plan")
    .description("Show what deploy would create, update and delete, without changing anything.")
    .option(...CONFIG_FLAG)
    .option("--offline", "render the desired resources without an AWS account (everything shows as a create)")
    .option("--prune", "include removing jobs that are no longer in the config")
    .option("-j, --job <name...>", "only these jobs")
    .option("--json", "print the plan as JSON")
    .action(async (flags: PlanFlags) => {
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
    });
}
