// The base class lives in @flexjob/discovery, so a job importing only that package gets the same
// class the SDK throws: `instanceof FlexjobError` holds across both. Its errors subpath, not its
// root: the root loads the Cloud Map client, which the SDK's offline entries must not.
import { FlexjobError } from "@flexjob/discovery/errors";
import { looksSecretValue, REDACTED, redactSecretText } from "./secret-values.js";

export {
  type Fault,
  type FieldIssue,
  FlexjobError,
  type FlexjobErrorCode,
  type FlexjobErrorOptions,
  isFlexjobError,
  type SourceLocation,
} from "@flexjob/discovery/errors";

/**
 * A broken invariant in flexjob itself: the user cannot fix it, so the remedy asks for a report.
 * `remedy` replaces the default where the report needs something particular (the plan, a folder).
 */
/** The remedy for a plan step that breaks an invariant: the plan is what reproduces it. */
export const REPORT_WITH_PLAN = "this is a bug in flexjob; please report it with the plan that triggered it";

export function internal(
  message: string,
  remedy = "this is a bug in flexjob; please report it",
): FlexjobError {
  return new FlexjobError(message, { code: "INTERNAL", fault: "internal", remedy });
}

/**
 * Renders a value for an error message: short, quoted, never a multi-line dump, and never a
 * secret by its shape (a key, a URL's password: the rule of secret-values.ts).
 */
export function showValue(value: unknown): string {
  if (typeof value === "string" && looksSecretValue(value)) return `"${REDACTED}"`;
  const json = typeof value === "number" && !Number.isFinite(value) ? undefined : safeJson(value);
  const text = redactSecretText(json ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** JSON.stringify, or undefined for what it cannot render (a cycle, nesting too deep, a BigInt). */
function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
