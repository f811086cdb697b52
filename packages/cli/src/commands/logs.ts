import type { Command } from "commander";
import type { LogsFlags } from "../actions/logs.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

export function registerLogs(program: Command, io: CliIo): void {
  program
    .command("logs")
    .description("Print a job's log lines (all its tasks), optionally following new ones.")
    .argument("<job>", "the job")
    .option(...CONFIG_FLAG)
    .option("--since <when>", "from this long ago (30m, 1h, 2d) or this date-time", "1h")
    .option("-f, --follow", "keep printing new lines until interrupted")
    .option("--json", "one JSON object a line")
    .action(async (job: string, flags: LogsFlags) =>
      (await import("../actions/logs.js")).logsCommand(io, job, flags),
    );
}
