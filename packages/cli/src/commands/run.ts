import { runNow } from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { EXIT_FAILURE } from "../report-error.js";
import { CONFIG_FLAG, commandContext, JSON_FLAG } from "./context.js";

interface RunFlags {
  config?: string;
  wait?: boolean;
  json?: boolean;
}

export function registerRun(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command("run")
    .description("Start a job's tasks now, exactly as its schedule would (all shards, same env and network).")
    .argument("<job>", "the job to run")
    .option(...CONFIG_FLAG)
    .option("-w, --wait", "follow the tasks to their exit codes; exit 1 if any task fails")
    .option(...JSON_FLAG)
    .action(async (job: string, flags: RunFlags) => {
      const { config, deps } = await commandContext(io, flags);
      const result = await runNow(config, job, { wait: flags.wait ?? false }, deps);
      if (flags.json) printJson(io, result);
      else {
        io.stdout(`run ${result.runId}\n`);
        for (const task of result.tasks) {
          const outcome =
            task.lastStatus === "STOPPED"
              ? `exit ${task.exitCode ?? "?"}${task.durationSeconds === undefined ? "" : ` after ${task.durationSeconds}s`}${task.stoppedReason ? ` (${task.stoppedReason})` : ""}`
              : task.lastStatus.toLowerCase();
          io.stdout(`  task ${task.shard}: ${outcome}  ${task.taskArn}\n`);
        }
      }
      if (!result.succeeded) setExitCode(EXIT_FAILURE);
    });
}
