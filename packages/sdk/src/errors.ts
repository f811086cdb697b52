import { looksSecretValue, REDACTED, redactSecretText } from "./secret-values.js";

/**
 * Every error flexjob raises on purpose. `code` is stable and machine-readable; `message` names
 * the field or resource and the bad value; `remedy` says what to do about it. Only the CLI and
 * Action top levels turn these into exit codes or annotations.
 */
export type FlexjobErrorCode =
  | "CONFIG_NOT_FOUND"
  | "CONFIG_PARSE"
  | "CONFIG_INVALID"
  | "SCHEDULE_INVALID"
  | "TIMEZONE_INVALID"
  | "SIZE_INVALID"
  | "INPUT_INVALID"
  | "AWS_ERROR"
  /** A job's own code failed (a task exited non-zero or was stopped): neither flexjob nor AWS did. */
  | "JOB_FAILED"
  | "INTERNAL";

/** Who has to act: the user (bad input), AWS (service or permission), or flexjob itself (a bug). */
export type Fault = "user" | "aws" | "internal";

/** Where in a config file a problem is, when the parser can tell. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** One problem with one field, as reported for a config or input. */
export interface FieldIssue {
  /** Dotted path to the field, e.g. `jobs.nightly.cpu`. */
  path: string;
  message: string;
  remedy?: string;
  location?: SourceLocation;
}

export interface FlexjobErrorOptions {
  code: FlexjobErrorCode;
  fault?: Fault;
  remedy?: string;
  cause?: unknown;
  /** Every field problem, so callers can report all of them at once rather than the first. */
  issues?: readonly FieldIssue[];
}

/**
 * Every error flexjob throws on purpose: a `code` to branch on, the `fault` (the user's input,
 * AWS, or flexjob itself), a message naming the field or resource and its bad value, and a
 * separate `remedy`.
 * @example
 * try {
 *   parseConfig(raw);
 * } catch (error) {
 *   if (error instanceof FlexjobError) console.error(`${error.message}\n${error.remedy ?? ""}`);
 * }
 */
export class FlexjobError extends Error {
  override readonly name = "FlexjobError";
  readonly code: FlexjobErrorCode;
  readonly fault: Fault;
  readonly remedy: string | undefined;
  readonly issues: readonly FieldIssue[];

  constructor(message: string, options: FlexjobErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.fault = options.fault ?? "user";
    this.remedy = options.remedy;
    this.issues = options.issues ?? [];
  }
}

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
 * True for a {@link FlexjobError}; narrows the type.
 * @example
 * if (isFlexjobError(error) && error.fault === "user") process.exitCode = 2;
 */
export function isFlexjobError(value: unknown): value is FlexjobError {
  return value instanceof FlexjobError;
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
