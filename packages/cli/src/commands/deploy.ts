import { dirname } from "node:path";
import { buildImageResolver, deploy, planText, redactPlan } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG, commandContext, JSON_FLAG } from "./context.js";

interface DeployFlags {
  config?: string;
  dryRun?: boolean;
  prune?: boolean;
  job?: string[];
  json?: boolean;
}

export function registerDeploy(program: Command, io: CliIo): void {
  program
    .command("deploy")
    .description(
      "Create or update the jobs' AWS resources to match the config; unchanged ones are not touched.",
    )
    .option(...CONFIG_FLAG)
    .option("--dry-run", "plan only: read the account, change nothing")
    .option("--prune", "remove schedules and task definitions of jobs no longer in the config")
    .option("-j, --job <name...>", "only these jobs")
    .option(...JSON_FLAG)
    .action(async (flags: DeployFlags) => {
      const { config, deps, file } = await commandContext(io, flags);
      const result = await deploy(
        config,
        {
          dryRun: flags.dryRun ?? false,
          prune: flags.prune ?? false,
          ...(flags.job ? { jobs: flags.job } : {}),
          // Jobs with source: are built first, and only when their source or build inputs changed.
          resolveImage: buildImageResolver({ configDir: dirname(file) }),
        },
        deps,
      );
      if (flags.json) {
        printJson(io, { ...result, plan: redactPlan(result.plan) });
        return;
      }
      io.stdout(`${planText(result.plan)}\n`);
      if (result.dryRun) {
        io.stdout("dry run: nothing was changed\n");
        return;
      }
      io.stdout(result.changed ? "deployed\n" : "everything is up to date: no change made\n");
      for (const job of result.jobs) {
        io.stdout(`${job.name}: next runs ${job.nextRuns.join(", ") || "none (disabled)"}\n`);
      }
      if (result.dashboardUrl !== undefined) io.stdout(`dashboard: ${result.dashboardUrl}\n`);
    });
}
