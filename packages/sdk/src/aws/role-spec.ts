import type { PolicyDocument } from "./policy.js";

/** An IAM role flexjob owns, with its trust policy and inline policies, complete. */
export interface RoleSpec {
  name: string;
  description: string;
  assumeRolePolicy: PolicyDocument;
  /** Inline policy name → document. flexjob attaches no managed policies: least privilege, spelled out. */
  inlinePolicies: Record<string, PolicyDocument>;
  tags: Record<string, string>;
  /** The customer managed policy that caps what the role can ever do, whatever its inline policies say. */
  permissionsBoundary: BoundarySpec;
}

/** The app's permissions boundary policy: created once, by an administrator (see permissions-boundary.ts). */
export interface BoundarySpec {
  name: string;
  arn: string;
  document: PolicyDocument;
  tags: Record<string, string>;
}
