import {
  assertTimezone,
  describeSchedule,
  FlexjobError,
  isoSeconds,
  nextRuns,
  parseSchedule,
} from "@flexjob/sdk";
import type { Command } from "commander";
import { type CliIo, printJson } from "../io.js";
import { wholeNumberFlag } from "./context.js";

interface NextOptions {
  timezone: string;
  from?: string;
  count: string;
  json?: boolean;
}

export function registerNext(program: Command, io: CliIo): void {
  program
    .command("next")
    .description("Print the next fire times of a schedule expression, as EventBridge Scheduler would run it.")
    .argument("<expression>", 'cron(…), rate(…), at(…), a 5-field Unix cron, @daily, or "every day at 03:30"')
    .option("-z, --timezone <tz>", "IANA time zone the expression is read in", "UTC")
    .option("--from <iso>", "start after this instant (ISO-8601; default now)")
    .option("-n, --count <n>", "how many fire times", "5")
    .option("--json", "print JSON instead of text")
    .addHelpText(
      "after",
      "\nThe normalised AWS expression and its description go to stderr, so stdout is only the times.\n" +
        'Example: flexjob next "0 9 * * 1-5" --timezone Europe/Berlin',
    )
    .action((expression: string, options: NextOptions) => {
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
    });
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
