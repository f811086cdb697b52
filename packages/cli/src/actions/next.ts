import {
  assertTimezone,
  describeSchedule,
  FlexjobError,
  isoSeconds,
  nextRuns,
  parseSchedule,
} from "@flexjob/sdk/schedule";
import { type CliIo, printJson } from "../io.js";
import { wholeNumberFlag } from "./whole-number.js";

export interface NextOptions {
  timezone: string;
  from?: string;
  count: string;
  json?: boolean;
}

export async function nextCommand(io: CliIo, expression: string, options: NextOptions): Promise<void> {
  const schedule = parseSchedule(expression);
  const timezone = assertTimezone(options.timezone);
  const from = parseFrom(options.from, io.now());
  const count = wholeNumberFlag("--count", options.count, "--count 5, for example");
  const runs = nextRuns(schedule.expression, { timezone, from, count }).map(isoSeconds);
  const description = describeSchedule(schedule.expression, timezone);
  if (options.json) {
    printJson(io, { expression: schedule.expression, description, timezone, runs });
    return;
  }
  io.stderr(`${schedule.expression}\n${description}\n`);
  io.stdout(runs.map((run) => `${run}\n`).join(""));
}

function parseFrom(value: string | undefined, now: Date): Date {
  if (value === undefined) return now;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new FlexjobError(`--from "${value}" is not an ISO-8601 date-time`, {
      code: "INPUT_INVALID",
      remedy: "write it like 2026-12-01T09:00:00Z",
    });
  }
  return date;
}
