import { parseConfig } from "../../config/parse.js";
import { FlexjobError, isFlexjobError } from "../../errors.js";
import { PLACEHOLDER } from "./convert-env.js";
import type { ImportEntry } from "./types.js";

/** A well-formed ARN in place of each placeholder, so that only the rest of the file is checked. */
const STAND_IN = "arn:aws:ssm:us-east-1:000000000000:parameter/placeholder";

/**
 * Checks the imported config with flexjob's own validation (what `flexjob validate` runs), the
 * placeholders aside, and names the manifest line each problem came from: a value Copilot takes
 * but flexjob does not (a job name, an image reference) fails here, before anything is written.
 */
export function checkImported(config: Record<string, unknown>, report: readonly ImportEntry[]): void {
  try {
    parseConfig(
      JSON.parse(JSON.stringify(config), (_key, value: unknown) =>
        typeof value === "string" && value.includes(`:${PLACEHOLDER}:`) ? STAND_IN : value,
      ),
    );
  } catch (error) {
    if (!isFlexjobError(error)) throw error;
    const located = error.issues.map((issue) => {
      // The report entry of the deepest flexjob path that holds the problem: where it was written.
      const source = report
        .filter(
          (entry) =>
            entry.to !== undefined && (issue.path === entry.to || issue.path.startsWith(`${entry.to}.`)),
        )
        .sort((a, b) => (b.to?.length ?? 0) - (a.to?.length ?? 0))[0];
      return {
        issue: source ? { ...issue, location: { file: source.file, line: source.line } } : issue,
        source,
      };
    });
    const [first] = located;
    const path = first?.issue.path ?? "the config";
    const what = first?.source
      ? `${first.source.file}:${first.source.line}: ${first.source.field} becomes ${path}, which flexjob rejects`
      : `the imported ${path} is not valid in flexjob`;
    throw new FlexjobError(`${what}: ${first?.issue.message ?? error.message}`, {
      code: "CONFIG_INVALID",
      remedy: first?.issue.remedy ?? error.remedy ?? "fix the manifest field",
      issues: located.map(({ issue }) => issue),
      cause: error,
    });
  }
}
