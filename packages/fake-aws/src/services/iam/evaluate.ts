import { isRecord } from "../../core/readers.js";

/**
 * IAM's policy evaluation, as far as one account's identity policies, a permissions boundary and
 * a role's trust policy need it: explicit Deny wins; an identity-policy Allow is needed; with a
 * boundary, the boundary must allow too (the intersection). Pure: no state, no I/O.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

/** One request as IAM sees it. Condition key names are case-insensitive, as in IAM. */
export interface AuthorizationRequest {
  /** `service:Operation`, e.g. `iam:CreateRole`. */
  action: string;
  /** The resource ARN; `*` for actions that take none. */
  resource: string;
  /** For trust policies: the principal asking, e.g. `{ Service: "scheduler.amazonaws.com" }`. */
  principal?: Record<string, string>;
  /** Request context: `iam:PermissionsBoundary`, `aws:SourceArn`, `aws:ResourceTag/k`, … */
  context?: Record<string, string | readonly string[] | boolean>;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface PrincipalPolicies {
  /** The identity's policies (inline and attached), as parsed JSON or JSON text. */
  identity: readonly unknown[];
  /** The permissions boundary, if the identity has one. */
  boundary?: unknown;
}

/** Whether `policies` allow `request`, with IAM's precedence: explicit deny, then allow. */
export function evaluate(policies: readonly unknown[], request: AuthorizationRequest): Decision {
  let allowed = false;
  for (const statement of policies.flatMap(statementsOf)) {
    if (!statementApplies(statement, request)) continue;
    if (statement.Effect === "Deny") return "ExplicitDeny";
    if (statement.Effect === "Allow") allowed = true;
  }
  return allowed ? "Allow" : "ImplicitDeny";
}

/** An identity's effective decision: its policies, capped by its boundary. */
export function authorize(principal: PrincipalPolicies, request: AuthorizationRequest): Decision {
  const identity = evaluate(principal.identity, request);
  if (principal.boundary === undefined || identity === "ExplicitDeny") return identity;
  const boundary = evaluate([principal.boundary], request);
  if (boundary === "ExplicitDeny") return "ExplicitDeny";
  return identity === "Allow" && boundary === "Allow" ? "Allow" : "ImplicitDeny";
}

export function isAllowed(principal: PrincipalPolicies, request: AuthorizationRequest): boolean {
  return authorize(principal, request) === "Allow";
}

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: unknown;
}

/**
 * Policies are evaluated on every call that acts as a role (a pipe checks its role before each
 * delivery pass, that is before every API call), and a role's policies change far less often: a
 * policy text is parsed once. (A policy given as an object is read as it is now: it may change.)
 */
const statementsOfText = new Map<string, Statement[]>();
/** Enough for every policy a test run writes; past it, the cache starts over rather than grow. */
const CACHE_LIMIT = 10_000;

function statementsOf(policy: unknown): Statement[] {
  if (typeof policy === "string") {
    let statements = statementsOfText.get(policy);
    if (statements === undefined) {
      if (statementsOfText.size >= CACHE_LIMIT) statementsOfText.clear();
      statements = statementsIn(parseJson(policy));
      statementsOfText.set(policy, statements);
    }
    return statements;
  }
  return statementsIn(policy);
}

function statementsIn(parsed: unknown): Statement[] {
  if (!isRecord(parsed)) return [];
  return [parsed.Statement].flat().filter(isRecord);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trimStart().startsWith("{") ? text : decodeURIComponent(text));
  } catch {
    return undefined;
  }
}

function statementApplies(statement: Statement, request: AuthorizationRequest): boolean {
  const actionMatches = (patterns: unknown) =>
    strings(patterns).some((pattern) => wildcard(pattern, request.action, true));
  const resourceMatches = (patterns: unknown) =>
    strings(patterns).some((pattern) => wildcard(pattern, request.resource, false));
  if (statement.Action !== undefined ? !actionMatches(statement.Action) : actionMatches(statement.NotAction))
    return false;
  if (statement.Resource !== undefined && !resourceMatches(statement.Resource)) return false;
  if (statement.NotResource !== undefined && resourceMatches(statement.NotResource)) return false;
  if (statement.Principal !== undefined && !principalMatches(statement.Principal, request.principal))
    return false;
  if (statement.NotPrincipal !== undefined && principalMatches(statement.NotPrincipal, request.principal))
    return false;
  return conditionsHold(statement.Condition, request.context ?? {});
}

function principalMatches(element: unknown, principal: Record<string, string> | undefined): boolean {
  if (element === "*") return true;
  if (!isRecord(element) || principal === undefined) return false;
  return Object.entries(principal).some(([type, value]) =>
    strings(element[type]).some((pattern) => pattern === "*" || pattern === value),
  );
}

function strings(value: unknown): string[] {
  return [value].flat().filter((each): each is string => typeof each === "string");
}

const patterns = new Map<string, RegExp>();

/** IAM's `*` (any run of characters, `/` and `:` included) and `?` (one character). */
export function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  const key = `${ignoreCase ? "i" : "s"}${pattern}`;
  let regex = patterns.get(key);
  if (regex === undefined) {
    const source = pattern
      .split("")
      .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    if (patterns.size >= CACHE_LIMIT) patterns.clear();
    regex = new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
    patterns.set(key, regex);
  }
  return regex.test(value);
}

type Compare = (requestValue: string, policyValue: string) => boolean;

/** Positive operators; each `…Not…` form is the negation of its positive twin. */
const OPERATORS: Record<string, Compare> = {
  stringequals: (a, b) => a === b,
  stringequalsignorecase: (a, b) => a.toLowerCase() === b.toLowerCase(),
  stringlike: (a, b) => wildcard(b, a, false),
  arnequals: (a, b) => arnLike(a, b),
  arnlike: (a, b) => arnLike(a, b),
  bool: (a, b) => a.toLowerCase() === b.toLowerCase(),
};
const NEGATED: Record<string, string> = {
  stringnotequals: "stringequals",
  stringnotequalsignorecase: "stringequalsignorecase",
  stringnotlike: "stringlike",
  arnnotequals: "arnequals",
  arnnotlike: "arnlike",
};

/** ARN operators compare the six colon-separated parts one by one, each with wildcards. */
function arnLike(value: string, pattern: string): boolean {
  const parts = value.split(":");
  const patternParts = pattern.split(":");
  if (parts.length < 6 || patternParts.length < 6) return false;
  const head = (list: string[]) => [...list.slice(0, 5), list.slice(5).join(":")];
  const [a, b] = [head(parts), head(patternParts)];
  return a.every((part, index) => wildcard(b[index] ?? "", part, false));
}

function conditionsHold(condition: unknown, context: NonNullable<AuthorizationRequest["context"]>): boolean {
  if (condition === undefined) return true;
  if (!isRecord(condition)) return false;
  const lowerContext = new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value]));
  return Object.entries(condition).every(([operator, block]) => {
    if (!isRecord(block)) return false;
    return Object.entries(block).every(([key, expected]) =>
      conditionHolds(
        operator,
        strings(expected).concat(booleans(expected)),
        lowerContext.get(key.toLowerCase()),
      ),
    );
  });
}

function booleans(value: unknown): string[] {
  return [value]
    .flat()
    .filter((each): each is boolean => typeof each === "boolean")
    .map(String);
}

function conditionHolds(
  operatorName: string,
  expected: string[],
  actual: string | readonly string[] | boolean | undefined,
): boolean {
  const [qualifier, rawOperator] = operatorName.includes(":")
    ? (operatorName.split(":", 2) as [string, string])
    : [undefined, operatorName];
  let operator = rawOperator.toLowerCase();
  const ifExists = operator.endsWith("ifexists");
  if (ifExists) operator = operator.slice(0, -"ifexists".length);
  const values = actual === undefined ? [] : [actual].flat().map(String);

  if (operator === "null") {
    // "Null": true holds when the key is absent; false when it is present.
    return expected.some((each) => (each.toLowerCase() === "true") === (values.length === 0));
  }
  const negatedOf = NEGATED[operator];
  const compare = OPERATORS[negatedOf ?? operator];
  if (compare === undefined) return false;
  const matchOne = (value: string) => {
    const hit = expected.some((each) => compare(value, each));
    return negatedOf === undefined ? hit : !hit;
  };
  const set = qualifier?.toLowerCase();
  if (set === "forallvalues") return values.every(matchOne);
  if (set === "foranyvalue") return values.some(matchOne);
  // A single-valued key that is absent: only IfExists and the negated operators hold.
  if (values.length === 0) return ifExists || negatedOf !== undefined;
  return values.some(matchOne);
}
