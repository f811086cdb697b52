import { showValue } from "../errors.js";
import type { Problem } from "./problem.js";

/**
 * Formats of the AWS identifiers flexjob.yml refers to. Each has a JSON Schema pattern (for
 * editors) and a check with a message and remedy (for flexjob itself); both come from here.
 */

const PARTITION = "aws(?:-cn|-us-gov|-iso|-iso-[a-z])?";
const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d{1,2}";
const ACCOUNT = "\\d{12}";

export const REGION_PATTERN = `^${REGION}$`;
export const SUBNET_PATTERN = "^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$";
export const SECURITY_GROUP_PATTERN = "^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$";
/** ECS cluster names: letters, digits, hyphens and underscores, up to 255. */
export const CLUSTER_PATTERN = "^[A-Za-z0-9_-]{1,255}$";
/** A private DNS namespace: dot-separated DNS labels of letters, digits and hyphens. */
export const NAMESPACE_PATTERN =
  "^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$";
/**
 * Secrets Manager secret ARN, optionally with ECS's `:json-key:version-stage:version-id` suffix
 * (each part may be empty), or an SSM Parameter Store parameter ARN.
 */
export const SECRETS_MANAGER_ARN_PATTERN = `^arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+(?::[^:]*:[^:]*:[^:]*)?$`;
export const SSM_PARAMETER_ARN_PATTERN = `^arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter/[A-Za-z0-9_.\\-/]+$`;
export const SECRET_ARN_PATTERN = `(?:${SECRETS_MANAGER_ARN_PATTERN})|(?:${SSM_PARAMETER_ARN_PATTERN})`;
/** An IAM role ARN (with an optional path) or a bare role name. */
export const ROLE_ARN_PATTERN = `^arn:${PARTITION}:iam::${ACCOUNT}:role/(?:[\\x21-\\x7e]+/)?[\\w+=,.@-]{1,64}$`;
export const ROLE_NAME_PATTERN = "^[\\w+=,.@-]{1,64}$";
export const ROLE_PATTERN = `(?:${ROLE_ARN_PATTERN})|(?:${ROLE_NAME_PATTERN})`;

function test(pattern: string, value: string): boolean {
  return new RegExp(pattern).test(value);
}

export function regionProblem(region: string): Problem | undefined {
  if (test(REGION_PATTERN, region)) return undefined;
  return {
    message: `region ${showValue(region)} is not an AWS region name`,
    remedy: 'use a region code such as "eu-west-1" or "us-east-1", or leave region out to use AWS_REGION',
  };
}

export function subnetProblem(subnet: string): Problem | undefined {
  if (test(SUBNET_PATTERN, subnet)) return undefined;
  return {
    message: `subnet ${showValue(subnet)} is not a subnet ID`,
    remedy: 'use subnet IDs as the VPC console shows them, e.g. "subnet-0a1b2c3d4e5f67890"',
  };
}

export function securityGroupProblem(group: string): Problem | undefined {
  if (test(SECURITY_GROUP_PATTERN, group)) return undefined;
  return {
    message: `security group ${showValue(group)} is not a security group ID`,
    remedy: 'use security group IDs (not names), e.g. "sg-0a1b2c3d4e5f67890"',
  };
}

export function clusterProblem(cluster: string): Problem | undefined {
  if (test(CLUSTER_PATTERN, cluster)) return undefined;
  return {
    message: `cluster ${showValue(cluster)} is not a valid ECS cluster name`,
    remedy:
      "use up to 255 letters, digits, hyphens and underscores, or leave cluster out to use the app name",
  };
}

export function namespaceProblem(namespace: string): Problem | undefined {
  if (test(NAMESPACE_PATTERN, namespace)) return undefined;
  return {
    message: `namespace ${showValue(namespace)} is not a DNS name`,
    remedy:
      'use lower-case DNS labels separated by dots, e.g. "billing.internal", or leave namespace out for "<app>.internal"',
  };
}

export function secretArnProblem(arn: string): Problem | undefined {
  if (test(SECRETS_MANAGER_ARN_PATTERN, arn) || test(SSM_PARAMETER_ARN_PATTERN, arn)) return undefined;
  let why = "it is not a Secrets Manager secret or SSM parameter ARN";
  if (!arn.startsWith("arn:")) why = "it is not an ARN";
  else if (/^arn:[^:]*:ssm:[^:]*:[^:]*:parameter[^/]/.test(arn))
    why = 'an SSM parameter ARN has "parameter/" before the name';
  else if (/^arn:[^:]*:(secretsmanager|ssm):[^:]*:(?!\d{12}:)/.test(arn))
    why = "the account ID must be 12 digits";
  return {
    // Never the value: a secret typed where its ARN belongs is the secret itself.
    message: `the value is not valid: ${why} (the value is not shown, as it may be the secret itself)`,
    remedy:
      'use the full ARN: "arn:aws:secretsmanager:<region>:<account>:secret:<name>" (optionally with ":<json-key>:<version-stage>:<version-id>") or "arn:aws:ssm:<region>:<account>:parameter/<name>"',
  };
}

export function roleProblem(role: string): Problem | undefined {
  if (test(ROLE_ARN_PATTERN, role) || (!role.startsWith("arn:") && test(ROLE_NAME_PATTERN, role)))
    return undefined;
  return {
    message: `taskRole ${showValue(role)} is not an IAM role ARN or role name`,
    remedy: 'use "arn:aws:iam::<12-digit account>:role/<name>" or just the role name, e.g. "billing-reports"',
  };
}
