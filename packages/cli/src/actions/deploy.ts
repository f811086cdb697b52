import { dirname } from "node:path";
import { buildImageResolver, deploy, planText, redactPlan } from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { commandContext } from "./context.js";

export interface DeployFlags {
  config?: string;
  dryRun?: boolean;
  prune?: boolean;
  job?: string[];
  json?: boolean;
}

export async function deployCommand(io: CliIo, flags: DeployFlags): Promise<void> {
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
}
