import { durationSeconds, FlexjobError, followLogs, type LogLine, logs, logsElsewhere } from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { commandContext } from "./context.js";

export interface LogsFlags {
  config?: string;
  since: string;
  follow?: boolean;
  json?: boolean;
}

export function parseSince(value: string, now: Date): Date {
  const seconds = durationSeconds(value);
  if (seconds !== undefined) return new Date(now.getTime() - seconds * 1000);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new FlexjobError(`--since "${value}" is neither a duration nor a date-time`, {
      code: "INPUT_INVALID",
      remedy: "use a duration like 30m, 1h or 2d, or an ISO-8601 date-time",
    });
  }
  return date;
}

export async function logsCommand(io: CliIo, job: string, flags: LogsFlags): Promise<void> {
  const { config, deps } = await commandContext(io, flags);
  const since = parseSince(flags.since, io.now());
  // Not an error: the logs exist, just not where this command reads.
  const elsewhere = logsElsewhere(config, job);
  if (elsewhere !== undefined) io.stderr(`${elsewhere}\n`);
  const print = (line: LogLine) =>
    io.stdout(
      flags.json ? `${JSON.stringify(line)}\n` : `${line.timestamp} ${line.stream}  ${line.message}\n`,
    );
  if (!flags.follow) {
    const lines = await logs(config, job, { since }, deps);
    if (flags.json) printJson(io, lines);
    else for (const line of lines) print(line);
    return;
  }
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  for await (const line of followLogs(config, job, { since, signal: stop.signal }, deps)) print(line);
}
