/**
 * The error names both public entries export, the root and `@flexjob/sdk/discovery`: one list, so
 * the two surfaces cannot drift apart. The rest of errors.ts (the `internal()` factory and the
 * like) stays internal.
 */
export {
  type Fault,
  type FieldIssue,
  FlexjobError,
  type FlexjobErrorCode,
  type FlexjobErrorOptions,
  isFlexjobError,
  type SourceLocation,
} from "./errors.js";
