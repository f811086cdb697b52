import type { Command } from "commander";
import type { DestroyFlags } from "../actions/destroy.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG, JSON_FLAG } from "./flags.js";

export function registerDestroy(program: Command, io: CliIo): void {
  program
    .command("destroy")
    .description(
      "Remove what flexjob created for one job (or, with --all, the whole app); nothing else is touched.",
    )
    .argument("[job]", "the job to remove")
    .option(...CONFIG_FLAG)
    .option(
      "--all",
      "remove every job of the app, its schedule group, roles and (if flexjob made it) cluster",
    )
    .option("-y, --yes", "really do it; without it, only show what would be removed")
    .option(...JSON_FLAG)
    .action(async (job: string | undefined, flags: DestroyFlags) =>
      (await import("../actions/destroy.js")).destroyCommand(io, job, flags),
    );
}
