import { FlexjobError } from "../errors.js";

/** The SDK's exception name (`ConflictException`, `ResourceNotFoundException`, …), if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error && "$metadata" in error ? error.name : undefined;
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
}

/**
 * Wraps an SDK exception at the adapter boundary with what flexjob was doing, so the user sees
 * "creating schedule billing-nightly: AccessDeniedException: …" and a fix, not a bare SDK message.
 */
export function wrapAwsError(error: unknown, doing: string): FlexjobError {
  if (error instanceof FlexjobError) return error;
  const name = awsErrorName(error) ?? (error instanceof Error ? error.name : "Error");
  const message = error instanceof Error ? error.message : String(error);
  const denied = /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${message}`);
  return new FlexjobError(`${doing}: ${name}: ${message}`, {
    code: "AWS_ERROR",
    fault: "aws",
    cause: error,
    remedy: denied
      ? 'the deploy credentials lack a permission; "flexjob iam-policy --deploy" prints the policy they need'
      : "check the AWS error above; rerunning is safe, flexjob converges from wherever it stopped",
  });
}
