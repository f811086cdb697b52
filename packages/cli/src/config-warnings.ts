import { type FieldIssue, loadConfig } from "@flexjob/sdk";
import type { CliIo } from "./io.js";
import { issueWhere } from "./report-error.js";

/**
 * Config warnings on stderr, one per field with its file and line and the fix, laid out as errors
 * are, so that stdout stays the command's result (`--json` included).
 */
export function printConfigWarnings(io: CliIo, warnings: readonly FieldIssue[]): void {
  for (const warning of warnings) {
    io.stderr(`warning: ${issueWhere(warning)}${warning.path}: ${warning.message}\n`);
    if (warning.remedy) io.stderr(`    fix: ${warning.remedy}\n`);
  }
}

/** loadConfig for a command: the same result, with the config's warnings printed first. */
export async function loadCliConfig(io: CliIo, path: string | undefined): ReturnType<typeof loadConfig> {
  const loaded = await loadConfig(path, { cwd: io.cwd });
  printConfigWarnings(io, loaded.warnings);
  return loaded;
}
