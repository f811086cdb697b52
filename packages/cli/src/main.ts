import { Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerInit } from "./commands/init.js";
import { registerNext } from "./commands/next.js";
import { registerValidate } from "./commands/validate.js";
import type { CliIo } from "./io.js";
import { EXIT_BAD_INPUT, reportError } from "./report-error.js";

/** Runs one `flexjob` invocation and resolves to its exit code; never exits the process itself. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command("flexjob")
    .description("Scheduled container jobs on AWS Fargate, from a git repository.")
    .version(packageJson.version)
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerNext(program, io);
  registerValidate(program, io);
  registerInit(program, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the usage problem (or the help/version it was asked for).
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    return reportError(io, error);
  }
}
