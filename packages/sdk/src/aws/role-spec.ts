import type { PolicyDocument } from "./policy.js";

/** An IAM role flexjob owns, with its trust policy and inline policies, complete. */
export interface RoleSpec {
  name: string;
  description: string;
  assumeRolePolicy: PolicyDocument;
  /** Inline policy name → document. flexjob attaches no managed policies: least privilege, spelled out. */
  inlinePolicies: Record<string, PolicyDocument>;
  tags: Record<string, string>;
}
