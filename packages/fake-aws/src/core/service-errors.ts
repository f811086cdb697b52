import { AwsError } from "./types.js";

/**
 * The codes each service really answers with when it throttles or fails internally, so the SDK
 * builds the same exception (and its retry strategy classifies it the same way) as against AWS.
 */
interface Faults {
  /** The throttling error's code, and its status (which differs by service). */
  throttling: string;
  status: number;
  /** The internal failure's code; its status is always 500. */
  internal: string;
}

const FAULTS: Record<string, Faults> = {
  ecs: { throttling: "ThrottlingException", status: 400, internal: "ServerException" },
  ecr: { throttling: "ThrottlingException", status: 400, internal: "ServerException" },
  scheduler: { throttling: "ThrottlingException", status: 429, internal: "InternalServerException" },
  servicediscovery: { throttling: "ThrottlingException", status: 400, internal: "InternalFailure" },
  logs: { throttling: "ThrottlingException", status: 400, internal: "ServiceUnavailableException" },
  iam: { throttling: "Throttling", status: 400, internal: "ServiceFailure" },
  sts: { throttling: "Throttling", status: 400, internal: "InternalFailure" },
  ec2: { throttling: "RequestLimitExceeded", status: 503, internal: "InternalError" },
  events: { throttling: "ThrottlingException", status: 400, internal: "InternalException" },
  sns: { throttling: "Throttled", status: 400, internal: "InternalError" },
  sqs: { throttling: "RequestThrottled", status: 400, internal: "InternalError" },
  pipes: { throttling: "ThrottlingException", status: 429, internal: "InternalException" },
  monitoring: { throttling: "Throttling", status: 400, internal: "InternalServiceFault" },
};

export function throttlingError(signingName: string): AwsError {
  const faults = FAULTS[signingName];
  return new AwsError(faults?.throttling ?? "ThrottlingException", "Rate exceeded", faults?.status ?? 400);
}

export function internalError(
  signingName: string,
  message = "An internal error occurred (injected fault)",
): AwsError {
  return new AwsError(FAULTS[signingName]?.internal ?? "InternalFailure", message, 500);
}
