import { dirname } from "node:path";
import { accountIdOf, buildImageResolver, jobNamed } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG, commandContext, JSON_FLAG } from "./context.js";

interface BuildFlags {
  config?: string;
  json?: boolean;
}

export function registerBuild(program: Command, io: CliIo): void {
  program
    .command("build")
    .description(
      "Build a job's image from its source and push it to the job's ECR repository (skipped when unchanged).",
    )
    .argument("<job>", "the job to build")
    .option(...CONFIG_FLAG)
    .option(...JSON_FLAG)
    .action(async (name: string, flags: BuildFlags) => {
      const { config, deps, file } = await commandContext(io, flags);
      const job = jobNamed(config, name);
      const resolveImage = buildImageResolver({ configDir: dirname(file) });
      const context = {
        app: config.app,
        region: deps.clients.region,
        accountId: await accountIdOf(deps.clients),
        dryRun: false,
      };
      const resolved = await resolveImage(job, context, deps);
      if (flags.json) printJson(io, { job: name, ...resolved });
      else io.stdout(`${resolved.image}\n`);
    });
}
