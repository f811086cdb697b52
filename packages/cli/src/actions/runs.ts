import { type JobRun, logsElsewhere, runs, summariseRuns } from "@flexjob/sdk";
import { coloursFor } from "../colour.js";
import { type CliIo, printJson } from "../io.js";
import { durationText, OUTCOME_TEXT, runPicture } from "../run-picture.js";
import { commandContext } from "./context.js";
import { parseSince } from "./logs.js";
import { wholeNumberFlag } from "./whole-number.js";

export interface RunsFlags {
  config?: string;
  since: string;
  limit: string;
  json?: boolean;
}

/** `2026-12-06 03:30  succeeded  12m 4s  exit 0  1 attempt` */
export function runLine(run: JobRun): string {
  const when = (run.scheduledTime ?? run.startedAt ?? run.stoppedAt ?? "").replace("T", " ").slice(0, 16);
  // Each shard's last attempt, which decided the run.
  const exits = run.tasks
    .filter((task, _index, all) => all.findLast((other) => other.shard === task.shard) === task)
    .map((task) => (task.exitCode === undefined ? (task.stopCode ?? "no exit") : `exit ${task.exitCode}`));
  const reason =
    run.outcome === "missed"
      ? run.reason
      : run.outcome === "failed" || run.outcome === "interrupted"
        ? run.tasks.at(-1)?.stoppedReason
        : "";
  return [
    when.padEnd(16),
    OUTCOME_TEXT[run.outcome].padEnd(11),
    durationText(run.durationSeconds).padEnd(8),
    // A missed run has no task to show an exit of.
    ...(exits.length === 0 ? [] : [exits.join(", ")]),
    `${run.attempts} attempt${run.attempts === 1 ? "" : "s"}`,
    ...(reason ? [reason] : []),
  ].join("  ");
}

export async function runsCommand(io: CliIo, job: string, flags: RunsFlags): Promise<void> {
  const { config, deps } = await commandContext(io, flags);
  const list = await runs(
    config,
    job,
    {
      since: parseSince(flags.since, io.now()),
      limit: wholeNumberFlag("--limit", flags.limit, "how many runs to show, e.g. --limit 50"),
    },
    deps,
  );
  if (flags.json) return printJson(io, list);
  if (list.length === 0) return io.stdout(`no runs of ${job} since ${flags.since} ago\n`);
  for (const run of list) io.stdout(`${runLine(run)}\n`);
  io.stdout(`summary: ${runPicture(summariseRuns(list), coloursFor(io))}\n`);
  const logs = list[0]?.logs;
  // With keepCloudWatch: false, the job's group holds only the router's lines: say where to look.
  const elsewhere = logsElsewhere(config, job);
  if (elsewhere !== undefined) io.stdout(`logs: ${elsewhere}\n`);
  else if (logs) io.stdout(`logs: flexjob logs ${job} (${logs.group})\n`);
}
