import { dashboardConsoleUrl, names, status, summariseRuns } from "@flexjob/sdk";
import { coloursFor } from "../colour.js";
import { type CliIo, printJson } from "../io.js";
import { runPicture } from "../run-picture.js";
import { commandContext } from "./context.js";
import { runLine } from "./runs.js";

/** How many of a job's last runs status prints a line for. */
const RUN_LINES = 5;

export interface StatusFlags {
  config?: string;
  json?: boolean;
}

export async function statusCommand(io: CliIo, flags: StatusFlags): Promise<void> {
  const { config, deps } = await commandContext(io, flags);
  const jobs = await status(config, deps);
  if (flags.json) {
    // The picture's numbers beside the runs they come from.
    printJson(
      io,
      jobs.map((job) => ({ ...job, summary: summariseRuns(job.lastRuns) })),
    );
    return;
  }
  const colours = coloursFor(io);
  const lines: string[] = [];
  for (const job of jobs) {
    if (!job.deployed) {
      lines.push(`${job.name}: not deployed`);
      continue;
    }
    lines.push(
      `${job.name}: ${job.state?.toLowerCase()}, ${job.expression} (${job.timezone})`,
      `  ${job.description}`,
      `  next     ${job.nextRuns.join(", ") || "none"}`,
      `  running  ${job.running.length}`,
    );
    for (const address of job.pendingConfirmation) {
      lines.push(
        `  alerts   ${address}: subscription pending confirmation (nothing reaches it until confirmed)`,
      );
    }
    if (job.lastRuns.length > 0) lines.push(`  runs     ${runPicture(summariseRuns(job.lastRuns), colours)}`);
    // The strip shows every run read; the lines only the last few, which a person reads.
    for (const run of job.lastRuns.slice(0, RUN_LINES)) lines.push(`  run      ${runLine(run)}`);
    for (const run of job.recent) {
      lines.push(
        `  ${run.startedAt ?? "?"}  task ${run.shard}  exit ${run.exitCode ?? "?"}${run.durationSeconds === undefined ? "" : `  ${run.durationSeconds}s`}`,
      );
    }
  }
  if (config.dashboard)
    lines.push(`dashboard: ${dashboardConsoleUrl(deps.clients.region, names.dashboard(config.app))}`);
  io.stdout(`${lines.join("\n")}\n`);
}
