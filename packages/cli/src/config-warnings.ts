import { loadConfig } from "@flexjob/sdk/config";
import type { CliIo } from "./io.js";
import { printIssue } from "./report-error.js";

/**
 * loadConfig for a command: the same result, with the config's warnings printed first on stderr,
 * one per field with its file, line and fix, laid out as errors are, so that stdout stays the
 * command's result (`--json` included).
 */
export async function loadCliConfig(io: CliIo, path: string | undefined): ReturnType<typeof loadConfig> {
  const loaded = await loadConfig(path, { cwd: io.cwd });
  for (const warning of loaded.warnings) printIssue(io, "warning: ", warning);
  return loaded;
}
