import { isRecord } from "../../core/readers.js";
import { AwsError } from "../../core/types.js";

/**
 * IAM policy grammar checks, as far as IAM rejects documents at write time: valid JSON, known
 * Version, statements with Effect and Action, and the trust/identity differences (a trust policy
 * names a Principal and only STS actions; an identity policy names Resources and no Principal).
 */

export type PolicyKind = "trust" | "identity";

const malformed = (message: string) => new AwsError("MalformedPolicyDocument", message);
const ACTION = /^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$/;

export function validatePolicy(text: string, kind: PolicyKind): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed("This policy contains invalid Json");
  }
  if (!isRecord(parsed)) throw malformed("This policy contains invalid Json");
  if (parsed.Version !== undefined && parsed.Version !== "2012-10-17" && parsed.Version !== "2008-10-17") {
    throw malformed("The policy failed legacy parsing");
  }
  const statements = parsed.Statement === undefined ? undefined : [parsed.Statement].flat();
  if (statements === undefined || statements.length === 0) throw malformed("Syntax errors in policy.");
  for (const statement of statements) {
    if (!isRecord(statement)) throw malformed("Syntax errors in policy.");
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny")
      throw malformed("Syntax errors in policy.");
    const actions = statement.Action ?? statement.NotAction;
    if (actions === undefined) throw malformed("Policy statement must contain actions.");
    for (const action of [actions].flat()) {
      if (typeof action !== "string" || !ACTION.test(action)) {
        throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
      }
      if (kind === "trust" && !/^sts:/i.test(action)) {
        throw malformed("AssumeRole policy may only specify STS AssumeRole actions.");
      }
    }
    const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
    const hasResource = statement.Resource !== undefined || statement.NotResource !== undefined;
    if (kind === "trust") {
      if (!hasPrincipal) throw malformed("AssumeRolePolicy policy statement must contain a principal.");
      if (hasResource) throw malformed("Has prohibited field Resource");
    } else {
      if (hasPrincipal) throw malformed("Policy document should not specify a principal.");
      if (!hasResource) throw malformed("Policy statement must contain resources.");
    }
  }
}

/** Whether an Allow statement lets the service principal call sts:AssumeRole. */
export function trustsService(text: string, servicePrincipal: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isRecord(parsed)) return false;
  return [parsed.Statement].flat().some((statement) => {
    if (!isRecord(statement) || statement.Effect !== "Allow") return false;
    const actions = [statement.Action].flat();
    if (!actions.some((a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*")) return false;
    const principal = statement.Principal;
    if (!isRecord(principal)) return false;
    return [principal.Service].flat().includes(servicePrincipal);
  });
}

/** IAM counts policy size without whitespace. */
export function policySize(text: string): number {
  return text.replace(/\s+/g, "").length;
}
