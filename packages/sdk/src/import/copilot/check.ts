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
    const issues = error.issues.map((issue) => {
      const source = report.find((entry) => entry.to !== undefined && issue.path.startsWith(entry.to));
      return source ? { ...issue, location: { file: source.file, line: source.line } } : issue;
    });
    const [first] = issues;
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : "";
    throw new FlexjobError(
      `${where}the imported ${first?.path ?? "config"} is not valid in flexjob: ${first?.message ?? error.message}`,
      {
        code: "CONFIG_INVALID",
        remedy: first?.remedy ?? error.remedy ?? "fix the manifest field",
        issues,
        cause: error,
      },
    );
  }
}
