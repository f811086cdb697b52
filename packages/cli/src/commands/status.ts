import { status } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG, commandContext } from "./context.js";
import { runLine } from "./runs.js";

interface StatusFlags {
  config?: string;
  json?: boolean;
}

export function registerStatus(program: Command, io: CliIo): void {
  program
    .command("status")
    .description(
      "Per job: the deployed schedule, its next runs, its last runs from the run history, and running and recent tasks.",
    )
    .option(...CONFIG_FLAG)
    .option("--json", "print JSON")
    .action(async (flags: StatusFlags) => {
      const { config, deps } = await commandContext(io, flags);
      const jobs = await status(config, deps);
      if (flags.json) {
        printJson(io, jobs);
        return;
      }
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
        for (const run of job.lastRuns) lines.push(`  run      ${runLine(run)}`);
        for (const run of job.recent) {
          lines.push(
            `  ${run.startedAt ?? "?"}  task ${run.shard}  exit ${run.exitCode ?? "?"}${run.durationSeconds === undefined ? "" : `  ${run.durationSeconds}s`}`,
          );
        }
      }
      io.stdout(`${lines.join("\n")}\n`);
    });
}
