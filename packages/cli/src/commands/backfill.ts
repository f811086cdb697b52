import { backfill, FlexjobError } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG, commandContext, JSON_FLAG } from "./context.js";

interface BackfillFlags {
  config?: string;
  from: string;
  to: string;
  dryRun?: boolean;
  json?: boolean;
}

function parseDate(flag: string, value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new FlexjobError(`${flag} "${value}" is not a date-time`, {
      code: "INPUT_INVALID",
      remedy: `give ${flag} as ISO-8601, e.g. 2026-12-01T00:00:00Z`,
    });
  }
  return date;
}

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
    .action(async (job: string, flags: BackfillFlags) => {
      const { config, deps } = await commandContext(io, flags);
      const window = { from: parseDate("--from", flags.from), to: parseDate("--to", flags.to) };
      const result = await backfill(config, job, { ...window, dryRun: flags.dryRun ?? false }, deps);
      if (flags.json) return printJson(io, result);
      const verb = flags.dryRun ? "would start" : "started";
      io.stdout(
        `${job}: ${result.scheduled.length} scheduled in the window, ${result.recorded.length} already ran, ${verb} ${result.started.length}\n`,
      );
      for (const run of result.started) io.stdout(`  ${run.scheduledTime}  ${run.runId}\n`);
    });
}
