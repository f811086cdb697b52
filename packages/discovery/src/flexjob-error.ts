/**
 * FlexjobError, the base of every error flexjob throws on purpose. It lives here, in the smallest
 * package, because @flexjob/sdk re-exports this very class: one class for both packages, so
 * `instanceof FlexjobError` holds for a DiscoveryError whichever package the caller imported.
 */

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
 * True for a {@link FlexjobError}; narrows the type.
 * @example
 * if (isFlexjobError(error) && error.fault === "user") process.exitCode = 2;
 */
export function isFlexjobError(value: unknown): value is FlexjobError {
  return value instanceof FlexjobError;
}
