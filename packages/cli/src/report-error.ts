import { type FieldIssue, FlexjobError, isFlexjobError, redactSecretData } from "@flexjob/sdk/config";
import type { CliIo } from "./io.js";

/** Exit codes: 2 for input the user must fix, 1 for every other failure. */
export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILURE = 1;

const REPORT_BUG = "this is a bug in flexjob; please report it with the command you ran";

/** A usage problem commander found (an unknown option, a missing argument), as flexjob's own error. */
export function usageError(error: Error): FlexjobError {
  return new FlexjobError(error.message.replace(/^error: /, ""), {
    code: "INPUT_INVALID",
    remedy: "see the command's --help for its arguments and options",
  });
}

/** What `--json` prints for an error: one object on stdout, for scripts to read instead of stderr. */
export interface JsonError {
  error: {
    code: string;
    message: string;
    /** `null` when the error has no separate remedy (its issues then carry theirs). */
    remedy: string | null;
    issues: FieldIssue[];
  };
}

/**
 * Prints an error for a person: every field problem with its file and line, then the fix. Never a
 * stack trace — an unexpected error says where to report it instead. With `json`, the same error
 * is one JSON object on stdout and nothing goes to stderr.
 */
export function reportError(io: CliIo, error: unknown, options: { json?: boolean } = {}): number {
  const code = isFlexjobError(error) && error.fault === "user" ? EXIT_BAD_INPUT : EXIT_FAILURE;
  if (options.json) {
    io.stdout(`${JSON.stringify(jsonError(error), null, 2)}\n`);
    return code;
  }
  if (!isFlexjobError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${message}\n  ${REPORT_BUG}\n`);
    return code;
  }
  io.stderr(`error: ${error.message}\n`);
  for (const issue of error.issues) printIssue(io, "  ", issue);
  // Field problems carry their own fixes; a summary remedy on top would only repeat them.
  if (error.remedy && error.issues.length === 0) io.stderr(`  fix: ${error.remedy}\n`);
  return code;
}

/**
 * One field issue on stderr, as errors and config warnings both show it: `lead`, its file, line
 * and path, the message, then its fix on a line of its own.
 */
export function printIssue(io: CliIo, lead: string, issue: FieldIssue): void {
  io.stderr(`${lead}${issueWhere(issue)}${issue.path}: ${issue.message}\n`);
  if (issue.remedy) io.stderr(`    fix: ${issue.remedy}\n`);
}

/** `flexjob.yml:12:5 ` before an issue's path, or "" when it has no location. */
function issueWhere(issue: FieldIssue): string {
  const location = issue.location;
  if (location === undefined) return "";
  const line = location.line === undefined ? "" : `:${location.line}`;
  const column = location.column === undefined ? "" : `:${location.column}`;
  return `${location.file}${line}${column} `;
}

/** The error as `--json` prints it; secrets recognisable by their shape are masked, as everywhere. */
export function jsonError(error: unknown): JsonError {
  if (!isFlexjobError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return redactSecretData({ error: { code: "INTERNAL", message, remedy: REPORT_BUG, issues: [] } });
  }
  return redactSecretData({
    error: {
      code: error.code,
      message: error.message,
      remedy: error.remedy ?? null,
      issues: error.issues.map(issueJson),
    },
  });
}

function issueJson(issue: FieldIssue): FieldIssue {
  return {
    path: issue.path,
    message: issue.message,
    ...(issue.remedy === undefined ? {} : { remedy: issue.remedy }),
    ...(issue.location === undefined ? {} : { location: issue.location }),
  };
}
