import { backfill, FlexjobError } from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { commandContext } from "./context.js";

export interface BackfillFlags {
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

export async function backfillCommand(io: CliIo, job: string, flags: BackfillFlags): Promise<void> {
  const { config, deps } = await commandContext(io, flags);
  const window = { from: parseDate("--from", flags.from), to: parseDate("--to", flags.to) };
  const result = await backfill(config, job, { ...window, dryRun: flags.dryRun ?? false }, deps);
  if (flags.json) return printJson(io, result);
  const verb = flags.dryRun ? "would start" : "started";
  io.stdout(
    `${job}: ${result.scheduled.length} scheduled in the window, ${result.recorded.length} already ran, ${verb} ${result.started.length}\n`,
  );
  for (const run of result.started) io.stdout(`  ${run.scheduledTime}  ${run.runId}\n`);
}
