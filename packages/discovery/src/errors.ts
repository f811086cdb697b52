import { type Fault, FlexjobError, type FlexjobErrorCode } from "./flexjob-error.js";

/** Why a lookup failed, stable for callers to branch on. */
export type DiscoveryFailure =
  | "no-namespace"
  | "namespace-not-found"
  | "service-not-found"
  | "no-instances"
  | "no-address"
  | "unavailable"
  | "aws-error";

const FAULTS: Record<DiscoveryFailure, [FlexjobErrorCode, Fault]> = {
  "no-namespace": ["INPUT_INVALID", "user"],
  "namespace-not-found": ["INPUT_INVALID", "user"],
  "service-not-found": ["INPUT_INVALID", "user"],
  "no-instances": ["AWS_ERROR", "user"],
  "no-address": ["INPUT_INVALID", "user"],
  unavailable: ["AWS_ERROR", "aws"],
  "aws-error": ["AWS_ERROR", "aws"],
};

/**
 * A FlexjobError from service discovery, with `failure` saying which one: e.g. retry on
 * `"unavailable"`, alert on `"no-instances"`.
 * @example
 * try {
 *   await discover("api");
 * } catch (error) {
 *   if (error instanceof DiscoveryError && error.failure === "unavailable") await retryLater();
 * }
 */
export class DiscoveryError extends FlexjobError {
  readonly failure: DiscoveryFailure;

  constructor(failure: DiscoveryFailure, message: string, options: { remedy: string; cause?: unknown }) {
    const [code, fault] = FAULTS[failure];
    super(message, { code, fault, remedy: options.remedy, cause: options.cause });
    this.failure = failure;
  }
}
