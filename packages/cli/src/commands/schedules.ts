import type { Command } from "commander";
import type { DeleteFlags, ListFlags, SyncFlags } from "../actions/schedules.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG, JSON_FLAG } from "./flags.js";

/** `flexjob schedules sync|list|delete`: many schedules of one job, from a list. */
export function registerSchedules(program: Command, io: CliIo): void {
  const schedules = program
    .command("schedules")
    .description(
      "Many schedules of one job (e.g. one per customer), each with its own time and env, synced from a list.",
    );

  schedules
    .command("sync")
    .description(
      "Make the job's bulk schedules exactly the list in --file: creates new and changed ones, and with --prune deletes the rest. Reads only the listing, 100 schedules per call.",
    )
    .argument("<job>", "the job the schedules start (deployed first)")
    .requiredOption(
      "-f, --file <path>",
      "JSON or YAML list of { key, expression, timezone?, enabled?, env? }, or { schedules: [...] }",
    )
    .option(...CONFIG_FLAG)
    .option("--prune", "delete schedules whose key is not in the file")
    .option("--dry-run", "show the counts; change nothing")
    .option(
      "--rate <n>",
      "writes per second at most (default: the Region's default Scheduler quota, 1000 or 250)",
    )
    .option(...JSON_FLAG)
    .action(async (job: string, flags: SyncFlags) =>
      (await import("../actions/schedules.js")).syncCommand(io, job, flags),
    );

  schedules
    .command("list")
    .description("List the job's bulk schedules from the listing alone: name, state and key.")
    .argument("<job>", "the job")
    .option(...CONFIG_FLAG)
    .option(...JSON_FLAG)
    .action(async (job: string, flags: ListFlags) =>
      (await import("../actions/schedules.js")).listCommand(io, job, flags),
    );

  schedules
    .command("delete")
    .description(
      "Delete all of the job's bulk schedules in one call (their group); the job's own schedule stays.",
    )
    .argument("<job>", "the job")
    .option(...CONFIG_FLAG)
    .option("-y, --yes", "really do it; without it, only show what would be deleted")
    .option(...JSON_FLAG)
    .action(async (job: string, flags: DeleteFlags) =>
      (await import("../actions/schedules.js")).deleteCommand(io, job, flags),
    );
}
