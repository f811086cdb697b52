/**
 * The error names the root entry exports, the same ones `@flexjob/discovery` (and so
 * `@flexjob/sdk/discovery`) exports: the class is that package's, so `instanceof` holds across them.
 * The rest of errors.ts (the `internal()` factory and the like) stays internal.
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
