import { evaluate } from "../services/iam/evaluate.js";

/**
 * Resource-based policies as the services that own them (Logs, SNS, SQS) judge a call an AWS
 * service principal makes, e.g. EventBridge delivering to a target: IAM's own evaluation, so
 * a statement must allow the principal, action and resource (with its conditions holding) and
 * none may deny it.
 */

export interface ServiceCall {
  /** e.g. `events.amazonaws.com`. */
  principal: string;
  /** e.g. `logs:PutLogEvents`. */
  action: string;
  resource: string;
  /** Condition keys, e.g. `aws:SourceArn`, `aws:SourceAccount`. */
  context?: Record<string, string>;
}

export function resourcePolicyAllows(policies: readonly string[], call: ServiceCall): boolean {
  const request = {
    action: call.action,
    resource: call.resource,
    // `"AWS": "*"` names every principal, a service's too.
    principal: { Service: call.principal, AWS: "*" },
    context: call.context ?? {},
  };
  return evaluate(policies, request) === "Allow";
}
