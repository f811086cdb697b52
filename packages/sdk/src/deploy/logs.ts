import { isAwsError, wrapAwsError } from "../aws/aws-error.js";
import { loadSdk } from "../aws/clients.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import { type LogDestination, logDestinationOf } from "../config/logs.js";
import type { Deps } from "../deps.js";
import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";

export interface LogLine {
  /** ISO-8601 UTC. */
  timestamp: string;
  /** The log stream: `<job>/<container>/<task id>`, so lines can be told apart per task. */
  stream: string;
  message: string;
}

export interface LogsOptions {
  /** Only lines at or after this instant. */
  since: Date;
  /** At most this many lines (newest are kept), default 1000. */
  limit?: number;
}

function logGroupOf(config: FlexjobConfig, jobName: string): string {
  return names.logGroup(config.app, jobNamed(config, jobName).name);
}

async function readPage(
  deps: Deps,
  logGroupName: string,
  startTime: number,
  nextToken: string | undefined,
): Promise<{ lines: (LogLine & { id: string; time: number })[]; nextToken: string | undefined }> {
  const { FilterLogEventsCommand } = await loadSdk(deps.clients, "logs");
  try {
    const page = await deps.clients.logs.send(
      new FilterLogEventsCommand({ logGroupName, startTime, nextToken, interleaved: true }),
    );
    const lines = (page.events ?? []).map((event) => ({
      id: event.eventId ?? `${event.logStreamName}:${event.timestamp}:${event.message}`,
      time: event.timestamp ?? 0,
      timestamp: new Date(event.timestamp ?? 0).toISOString(),
      stream: event.logStreamName ?? "",
      message: (event.message ?? "").replace(/\n$/, ""),
    }));
    return { lines, nextToken: page.nextToken };
  } catch (error) {
    if (isAwsError(error, "ResourceNotFoundException")) {
      throw new FlexjobError(`log group ${logGroupName} does not exist`, {
        code: "INPUT_INVALID",
        cause: error,
        remedy: "deploy the job first; its log group is created with it",
      });
    }
    throw wrapAwsError(error, `reading ${logGroupName}`);
  }
}

/** A destination as a person would look it up. */
function destinationName(destination: Exclude<LogDestination, { to: "cloudwatch" }>, job: string): string {
  switch (destination.to) {
    case "datadog":
      return `Datadog (${destination.site}, service ${job})`;
    case "axiom":
      return `Axiom (dataset ${destination.dataset})`;
    case "http":
      // The host only: a URL's path or query may carry more than a person needs to see here.
      return `the HTTP endpoint at ${new URL(destination.url).host}`;
  }
}

/**
 * Where a job's logs are when its CloudWatch group keeps no copy of them (`keepCloudWatch: false`),
 * for `flexjob logs` to say so; undefined when {@link logs} reads them. The group then holds only
 * the log router's own lines.
 * @example
 * const elsewhere = logsElsewhere(config, "report");
 * if (elsewhere) console.error(elsewhere);
 */
export function logsElsewhere(config: FlexjobConfig, jobName: string): string | undefined {
  const job = jobNamed(config, jobName);
  const destination = logDestinationOf(config.logs, job);
  if (destination.to === "cloudwatch" || destination.keepCloudWatch) return undefined;
  return `job ${job.name} sends its logs to ${destinationName(destination, job.name)} and keeps no copy in CloudWatch: look for them there. ${names.logGroup(config.app, job.name)} holds only its log router's own lines.`;
}

/**
 * A job's log lines since an instant, oldest first.
 * @example
 * const since = new Date(Date.now() - 3_600_000);
 * for (const line of await logs(config, "report", { since }, deps)) console.log(line.message);
 */
export async function logs(
  config: FlexjobConfig,
  jobName: string,
  options: LogsOptions,
  deps: Deps,
): Promise<LogLine[]> {
  const group = logGroupOf(config, jobName);
  const limit = options.limit ?? 1000;
  const lines: LogLine[] = [];
  let nextToken: string | undefined;
  do {
    const page = await readPage(deps, group, options.since.getTime(), nextToken);
    for (const { timestamp, stream, message } of page.lines) lines.push({ timestamp, stream, message });
    nextToken = page.nextToken;
  } while (nextToken);
  return lines.slice(-limit);
}

/**
 * Follows a job's logs: yields lines as they arrive until `signal` aborts. Polls FilterLogEvents,
 * restarting each poll at the newest timestamp seen and skipping event ids already yielded, since
 * CloudWatch may deliver a line late with an earlier timestamp within the same millisecond.
 * @example
 * const stop = new AbortController();
 * for await (const line of followLogs(config, "report", { since: new Date(), signal: stop.signal }, deps)) {
 *   console.log(line.message);
 * }
 */
export async function* followLogs(
  config: FlexjobConfig,
  jobName: string,
  options: { since: Date; pollMs?: number; signal?: AbortSignal },
  deps: Deps,
): AsyncGenerator<LogLine> {
  const group = logGroupOf(config, jobName);
  let from = options.since.getTime();
  /** Event id → its time, for the lines at `from` that the next poll will return again. */
  const seen = new Map<string, number>();
  while (!options.signal?.aborted) {
    let nextToken: string | undefined;
    const fresh: (LogLine & { id: string; time: number })[] = [];
    do {
      const page = await readPage(deps, group, from, nextToken);
      fresh.push(...page.lines.filter((line) => !seen.has(line.id)));
      nextToken = page.nextToken;
    } while (nextToken && !options.signal?.aborted);
    for (const line of fresh) yield { timestamp: line.timestamp, stream: line.stream, message: line.message };
    for (const line of fresh) {
      seen.set(line.id, line.time);
      from = Math.max(from, line.time);
    }
    // Lines older than `from` can no longer come back from a poll that starts at `from`.
    for (const [id, time] of seen) if (time < from) seen.delete(id);
    if (options.signal?.aborted) break;
    await deps.sleep(options.pollMs ?? 2_000);
  }
}
