import { isRecord } from "./readers.js";

/**
 * Resource-based policies as the services that own them (Logs, SNS, SQS) judge a call an AWS
 * service principal makes, e.g. EventBridge delivering to a target: allowed when a statement
 * allows the principal, action and resource (with its conditions holding) and none denies it.
 * Only the condition operators such policies use are known; any other makes its statement not
 * apply, so a policy the fake cannot read never grants access.
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
  let allowed = false;
  for (const text of policies) {
    for (const statement of statementsOf(text)) {
      if (!applies(statement, call)) continue;
      if (statement.Effect === "Deny") return false;
      if (statement.Effect === "Allow") allowed = true;
    }
  }
  return allowed;
}

function statementsOf(text: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isRecord(parsed)) return [];
  const statements = parsed.Statement;
  return (Array.isArray(statements) ? statements : [statements]).filter(isRecord);
}

function applies(statement: Record<string, unknown>, call: ServiceCall): boolean {
  return (
    principalMatches(statement.Principal, call.principal) &&
    listOf(statement.Action).some((a) => glob(a, call.action, true)) &&
    listOf(statement.Resource).some((r) => glob(r, call.resource, false)) &&
    conditionsHold(statement.Condition, call.context ?? {})
  );
}

function principalMatches(principal: unknown, service: string): boolean {
  if (principal === "*") return true;
  if (!isRecord(principal)) return false;
  return listOf(principal.Service).includes(service) || listOf(principal.AWS).includes("*");
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  StringLike: (p, v) => glob(p, v, false),
  ArnEquals: (p, v) => p === v,
  ArnLike: (p, v) => glob(p, v, false),
};

function conditionsHold(condition: unknown, context: Record<string, string>): boolean {
  if (condition === undefined) return true;
  if (!isRecord(condition)) return false;
  return Object.entries(condition).every(([operator, keys]) => {
    const test = OPERATORS[operator];
    if (!test || !isRecord(keys)) return false;
    return Object.entries(keys).every(([key, patterns]) => {
      const value = context[key];
      return value !== undefined && listOf(patterns).some((p) => test(p, value));
    });
  });
}

function listOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** IAM's `*` and `?` wildcards; actions compare without case, as IAM does. */
export function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}
