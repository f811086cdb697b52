import type { Command } from "commander";
import type { RunFlags } from "../actions/run.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG, JSON_FLAG } from "./flags.js";

export function registerRun(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command("run")
    .description("Start a job's tasks now, exactly as its schedule would (all shards, same env and network).")
    .argument("<job>", "the job to run")
    .option(...CONFIG_FLAG)
    .option("-w, --wait", "follow the tasks to their exit codes; exit 1 if any task fails")
    .option(...JSON_FLAG)
    .action(async (job: string, flags: RunFlags) =>
      (await import("../actions/run.js")).runCommand(io, job, flags, setExitCode),
    );
}
