import type { Command } from "commander";
import type { StatusFlags } from "../actions/status.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

export function registerStatus(program: Command, io: CliIo): void {
  program
    .command("status")
    .description(
      "Per job: the deployed schedule, its next runs, its last runs from the run history (a strip of outcomes and a duration sparkline, oldest first, then one line each), and running and recent tasks.",
    )
    .option(...CONFIG_FLAG)
    .option("--json", "print JSON")
    .action(async (flags: StatusFlags) => (await import("../actions/status.js")).statusCommand(io, flags));
}
