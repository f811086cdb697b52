import type { Command } from "commander";
import type { ImportCopilotFlags } from "../actions/import-copilot.js";
import type { CliIo } from "../io.js";
import { JSON_FLAG } from "./flags.js";

/** `flexjob import copilot`: another tool's jobs, turned into flexjob.yml. */
export function registerImport(program: Command, io: CliIo): void {
  const importing = program
    .command("import")
    .description("Turn another tool's scheduled jobs into flexjob.yml, with a report of every field.");

  importing
    .command("copilot")
    .description(
      "Read an AWS Copilot workspace (copilot/.workspace and each Scheduled Job's manifest.yml) and write flexjob.yml. " +
        "Secrets named by SSM parameter or Secrets Manager name become ARNs when AWS_REGION is set and the credentials work (read-only calls); " +
        "otherwise they stay placeholders that validate rejects.",
    )
    .argument("[dir]", "the folder holding copilot/ (default: this folder)")
    .option("--env <name>", "apply the manifests' environments.<name> overrides (required with --cutover)")
    .option("-o, --out <file>", "where to write flexjob.yml (default: flexjob.yml in DIR; - prints it)")
    .option(
      "--cutover",
      "also read each job's live Copilot rule and state machine (read-only), list its next runs beside flexjob's, and print the switch-over steps",
    )
    .option("-f, --force", "overwrite the output file if it exists")
    .option(...JSON_FLAG)
    .action(async (dir: string | undefined, flags: ImportCopilotFlags) =>
      (await import("../actions/import-copilot.js")).importCopilotCommand(io, dir, flags),
    );
}
