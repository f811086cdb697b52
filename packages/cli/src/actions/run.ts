import { runNow } from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { EXIT_FAILURE } from "../report-error.js";
import { commandContext } from "./context.js";

export interface RunFlags {
  config?: string;
  wait?: boolean;
  json?: boolean;
}

export async function runCommand(
  io: CliIo,
  job: string,
  flags: RunFlags,
  setExitCode: (code: number) => void,
): Promise<void> {
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
}
