import { AwsError } from "./types.js";

/**
 * The codes each service really answers with when it throttles or fails internally, so the SDK
 * builds the same exception (and its retry strategy classifies it the same way) as against AWS.
 */
const THROTTLING: Record<string, { code: string; status: number }> = {
  ecs: { code: "ThrottlingException", status: 400 },
  ecr: { code: "ThrottlingException", status: 400 },
  scheduler: { code: "ThrottlingException", status: 429 },
  servicediscovery: { code: "ThrottlingException", status: 400 },
  logs: { code: "ThrottlingException", status: 400 },
  iam: { code: "Throttling", status: 400 },
  sts: { code: "Throttling", status: 400 },
  ec2: { code: "RequestLimitExceeded", status: 503 },
};

const INTERNAL: Record<string, { code: string; status: number }> = {
  ecs: { code: "ServerException", status: 500 },
  ecr: { code: "ServerException", status: 500 },
  scheduler: { code: "InternalServerException", status: 500 },
  servicediscovery: { code: "InternalFailure", status: 500 },
  logs: { code: "ServiceUnavailableException", status: 500 },
  iam: { code: "ServiceFailure", status: 500 },
  sts: { code: "InternalFailure", status: 500 },
  ec2: { code: "InternalError", status: 500 },
};

export function throttlingError(signingName: string): AwsError {
  const { code, status } = THROTTLING[signingName] ?? { code: "ThrottlingException", status: 400 };
  return new AwsError(code, "Rate exceeded", status);
}

export function internalError(
  signingName: string,
  message = "An internal error occurred (injected fault)",
): AwsError {
  const { code, status } = INTERNAL[signingName] ?? { code: "InternalFailure", status: 500 };
  return new AwsError(code, message, status);
}
