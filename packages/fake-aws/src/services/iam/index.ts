import type { PermissionRequest, ServiceDefinition } from "../../core/types.js";
import { describePolicy, describeRole, iamHandlers } from "./handlers.js";
import { emptyIamState, type IamEnv, type IamState, roleAllows, roleByArn, roleTrusts } from "./state.js";

/**
 * IAM over awsQuery: roles (trust, inline and attached policies, boundary, tags) and customer
 * managed policies. Global: role ARNs carry no region. Names are unique case-insensitively, as
 * in IAM. Policy documents come back URL-encoded, exactly as IAM returns them.
 */

export interface IamControls {
  /**
   * Whether the role (by ARN) trusts the service principal to assume it (World.roleTrusts); with
   * a request context (`aws:SourceArn`, `aws:SourceAccount`), the trust's conditions must hold too.
   */
  roleTrusts(roleArn: string, servicePrincipal: string, context?: Record<string, string>): boolean;
  /** Whether the role may make the request (World.roleAllows): inline + attached, within its boundary. */
  roleAllows(roleArn: string, request: PermissionRequest): boolean;
}

export function createIamService(options: { seed: number }): {
  service: ServiceDefinition;
  controls: IamControls;
} {
  const env: IamEnv = { state: emptyIamState(options.seed) };
  const service: ServiceDefinition = {
    signingName: "iam",
    protocol: "awsQuery",
    apiVersion: "2010-05-08",
    xmlNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
    handlers: iamHandlers(env),
    mutating: new Set([
      "CreateRole",
      "DeleteRole",
      "UpdateRole",
      "UpdateAssumeRolePolicy",
      "PutRolePolicy",
      "DeleteRolePolicy",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "TagRole",
      "UntagRole",
      "PutRolePermissionsBoundary",
      "DeleteRolePermissionsBoundary",
      "CreatePolicy",
      "CreatePolicyVersion",
    ]),
    owns: {
      "iam-role": (ref) =>
        (ref.startsWith("arn:") ? roleByArn(env.state, ref) : env.state.roles.get(ref.toLowerCase())) !==
        undefined,
    },
    snapshot: () => snapshotOf(env.state),
    reset: () => {
      env.state = emptyIamState(options.seed);
    },
  };
  return {
    service,
    controls: {
      roleTrusts: (arn, principal, context) => roleTrusts(env.state, arn, principal, context),
      roleAllows: (arn, request) => roleAllows(env.state, arn, request),
    },
  };
}

function snapshotOf(state: IamState) {
  return {
    roles: [...state.roles.values()].map((role) => ({
      ...describeRole(role),
      AssumeRolePolicyDocument: role.trustPolicy,
      inlinePolicies: Object.fromEntries(role.inline),
      attachedPolicies: [...role.attached.keys()],
    })),
    policies: [...state.policies.values()].map((policy) => ({
      ...describePolicy(state, policy),
      versions: policy.versions.map((version) => ({ VersionId: version.id, Document: version.document })),
    })),
  };
}
