import type { Command } from "commander";
import type { BackfillFlags } from "../actions/backfill.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG, JSON_FLAG } from "./flags.js";

export function registerBackfill(program: Command, io: CliIo): void {
  program
    .command("backfill")
    .description(
      "Start one run for each scheduled time in a past window that has no run in the run history, each with its real FLEXJOB_SCHEDULED_TIME.",
    )
    .argument("<job>", "the job")
    .requiredOption("--from <iso>", "the window's start, inclusive (ISO-8601)")
    .requiredOption("--to <iso>", "the window's end, exclusive, not after now (ISO-8601)")
    .option("--dry-run", "list the runs it would start, start none")
    .option(...CONFIG_FLAG)
    .option(...JSON_FLAG)
    .action(async (job: string, flags: BackfillFlags) =>
      (await import("../actions/backfill.js")).backfillCommand(io, job, flags),
    );
}
