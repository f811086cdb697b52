import type { Command } from "commander";
import type { DeployFlags } from "../actions/deploy.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG, JSON_FLAG } from "./flags.js";

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
    .action(async (flags: DeployFlags) => (await import("../actions/deploy.js")).deployCommand(io, flags));
}
