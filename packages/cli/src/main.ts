import { Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerBackfill } from "./commands/backfill.js";
import { registerBuild } from "./commands/build.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerDestroy } from "./commands/destroy.js";
import { registerDiscover } from "./commands/discover.js";
import { registerDockerfile } from "./commands/dockerfile.js";
import { registerIamPolicy } from "./commands/iam-policy.js";
import { registerImport } from "./commands/import.js";
import { registerInit } from "./commands/init.js";
import { registerLogs } from "./commands/logs.js";
import { registerNext } from "./commands/next.js";
import { registerPlan } from "./commands/plan.js";
import { registerRun } from "./commands/run.js";
import { registerRuns } from "./commands/runs.js";
import { registerSchedules } from "./commands/schedules.js";
import { registerStatus } from "./commands/status.js";
import { registerValidate } from "./commands/validate.js";
import type { CliIo } from "./io.js";

/**
 * Runs one `flexjob` invocation and resolves to its exit code; never exits the process itself.
 * Each command's definition is here at start; its action, and the SDK code it needs, is loaded
 * only when that command runs, so `--help` or `next` never loads an AWS client.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command("flexjob")
    .description("Scheduled container jobs on AWS Fargate, from a git repository.")
    .version(packageJson.version)
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  let exitCode = 0;
  registerValidate(program, io);
  registerNext(program, io);
  registerInit(program, io);
  registerPlan(program, io);
  registerDockerfile(program, io);
  registerBuild(program, io);
  registerDeploy(program, io);
  registerRun(program, io, (code) => {
    exitCode = code;
  });
  registerSchedules(program, io);
  registerStatus(program, io);
  registerLogs(program, io);
  registerRuns(program, io);
  registerBackfill(program, io);
  registerDiscover(program, io);
  registerDestroy(program, io);
  registerIamPolicy(program, io);
  registerImport(program, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    // Commander has already printed the usage problem (or the help/version it was asked for).
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    const json = wantsJson(argv);
    // Only a failed command loads the reporter, and with it the SDK's error and redaction code.
    const { EXIT_BAD_INPUT, reportError, usageError } = await import("./report-error.js");
    if (error instanceof CommanderError) {
      if (json) reportError(io, usageError(error), { json });
      return EXIT_BAD_INPUT;
    }
    return reportError(io, error, { json });
  }
}

/**
 * Whether the command was asked for JSON. Read from argv, not from the parsed options: an error
 * can come before commander has parsed them (an unknown option), and must be JSON all the same.
 */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}
