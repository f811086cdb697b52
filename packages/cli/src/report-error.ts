import { isFlexjobError } from "@flexjob/sdk";
import type { CliIo } from "./io.js";

/** Exit codes: 2 for input the user must fix, 1 for every other failure. */
export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILURE = 1;

/**
 * Prints an error for a person: every field problem with its file and line, then the fix. Never a
 * stack trace — an unexpected error says where to report it instead.
 */
export function reportError(io: CliIo, error: unknown): number {
  if (!isFlexjobError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${message}\n  this is a bug in flexjob; please report it with the command you ran\n`);
    return EXIT_FAILURE;
  }
  io.stderr(`error: ${error.message}\n`);
  for (const issue of error.issues) {
    const where = issue.location
      ? `${issue.location.file}${issue.location.line === undefined ? "" : `:${issue.location.line}`}${issue.location.column === undefined ? "" : `:${issue.location.column}`} `
      : "";
    io.stderr(`  ${where}${issue.path}: ${issue.message}\n`);
    if (issue.remedy) io.stderr(`    fix: ${issue.remedy}\n`);
  }
  // Field problems carry their own fixes; a summary remedy on top would only repeat them.
  if (error.remedy && error.issues.length === 0) io.stderr(`  fix: ${error.remedy}\n`);
  return error.fault === "user" ? EXIT_BAD_INPUT : EXIT_FAILURE;
}
