import type { Command } from "commander";
import type { NextOptions } from "../actions/next.js";
import type { CliIo } from "../io.js";

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
    .action(async (expression: string, options: NextOptions) =>
      (await import("../actions/next.js")).nextCommand(io, expression, options),
    );
}
