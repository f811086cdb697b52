import type { Command } from "commander";
import type { RunsFlags } from "../actions/runs.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

export function registerRuns(program: Command, io: CliIo): void {
  program
    .command("runs")
    .description(
      "List a job's runs, newest first, from the app's run history: outcome, duration, exit codes, attempts; then their strip and duration sparkline, oldest first.",
    )
    .argument("<job>", "the job")
    .option(...CONFIG_FLAG)
    .option("--since <when>", "runs from this long ago (1h, 7d) or this date-time", "7d")
    .option("--limit <n>", "at most this many runs", "20")
    .option("--json", "the runs as JSON")
    .action(async (job: string, flags: RunsFlags) =>
      (await import("../actions/runs.js")).runsCommand(io, job, flags),
    );
}
