import type { Command } from "commander";
import type { PlanFlags } from "../actions/plan.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

export function registerPlan(program: Command, io: CliIo): void {
  program
    .command("plan")
    .description("Show what deploy would create, update and delete, without changing anything.")
    .option(...CONFIG_FLAG)
    .option("--offline", "render the desired resources without an AWS account (everything shows as a create)")
    .option("--prune", "include removing jobs that are no longer in the config")
    .option("-j, --job <name...>", "only these jobs")
    .option("--json", "print the plan as JSON")
    .action(async (flags: PlanFlags) => (await import("../actions/plan.js")).planCommand(io, flags));
}
