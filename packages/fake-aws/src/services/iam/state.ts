import { createRandom, deriveSeed, type Random } from "../../core/random.js";
import { AwsError, type PermissionRequest } from "../../core/types.js";
import { evaluate, isAllowed } from "./evaluate.js";
import { AWS_MANAGED_POLICY_DOCUMENTS } from "./managed-policies.js";
import { policySize, trustsService } from "./policy.js";

/**
 * IAM's state and the operations on it: plain data, and functions that look roles and managed
 * policies up or change them, throwing the AwsError IAM would answer with. Reading a request and
 * shaping a response is the handlers' work (handlers.ts). Global: role ARNs carry no region.
 * Names are unique case-insensitively, as in IAM.
 */

export interface Tag {
  Key: string;
  Value: string;
}

export interface Role {
  name: string;
  path: string;
  id: string;
  arn: string;
  createDate: Date;
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  inline: Map<string, string>;
  /** Attached managed policies, ARN → name, in attach order. */
  attached: Map<string, string>;
  /** The managed policy that caps the role's permissions, by ARN. */
  boundary?: string;
}

export interface PolicyVersion {
  id: string;
  document: string;
  createDate: Date;
}

/** A customer managed policy: versions of one document, one of them the default. */
export interface ManagedPolicy {
  name: string;
  path: string;
  id: string;
  arn: string;
  description?: string;
  createDate: Date;
  updateDate: Date;
  versions: PolicyVersion[];
  defaultVersion: string;
  nextVersion: number;
  tags: Tag[];
}

export interface IamState {
  /** By lower-cased name. */
  roles: Map<string, Role>;
  /** Customer managed policies by ARN (ARNs are case-sensitive; names are unique ignoring case). */
  policies: Map<string, ManagedPolicy>;
  random: Random;
}

/** What every handler works with; `state` is replaced on reset. */
export interface IamEnv {
  state: IamState;
}

export const emptyIamState = (seed: number): IamState => ({
  roles: new Map(),
  policies: new Map(),
  random: createRandom(deriveSeed(seed, "iam")),
});

export const fail = (message: string) => new AwsError("ValidationError", message);
export const noSuchEntity = (message: string) => new AwsError("NoSuchEntity", message, 404);
export const invalidArn = (arn: string) => new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
export const limitExceeded = (message: string) => new AwsError("LimitExceeded", message, 409);

export const POLICY_ARN = /^arn:aws:iam::(aws|\d{12}):policy\/([\u0021-\u007E]+\/)*([\w+=,.@-]{1,128})$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]+)$/;
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** AWS managed policies a flexjob deploy may attach; others answer NoSuchEntity like a typo would. */
export const MANAGED_POLICIES = new Set(
  [
    "service-role/AmazonECSTaskExecutionRolePolicy",
    "service-role/AmazonEC2ContainerServiceEventsRole",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEC2ContainerRegistryPowerUser",
    "AmazonECS_FullAccess",
    "CloudWatchLogsFullAccess",
    "CloudWatchAgentServerPolicy",
    "AWSXRayDaemonWriteAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonSSMReadOnlyAccess",
    "SecretsManagerReadWrite",
    "AmazonDynamoDBFullAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AmazonBedrockFullAccess",
    "ReadOnlyAccess",
    "AdministratorAccess",
  ].map((name) => `arn:aws:iam::aws:policy/${name}`),
);

/** A new unique id with IAM's prefix for the kind (`AROA` roles, `ANPA` policies). */
export const newId = (state: IamState, prefix: string) => `${prefix}${state.random.chars(17, ID_ALPHABET)}`;

export function roleByName(state: IamState, name: string): Role {
  const role = state.roles.get(name.toLowerCase());
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

export function roleByArn(state: IamState, arn: string): Role | undefined {
  const name = ROLE_ARN.exec(arn)?.[1];
  const role = name === undefined ? undefined : state.roles.get(name.toLowerCase());
  return role?.arn === arn ? role : undefined;
}

export function policyByArn(state: IamState, arn: string): ManagedPolicy {
  if (!POLICY_ARN.test(arn)) throw invalidArn(arn);
  const policy = state.policies.get(arn);
  if (!policy) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

/** A role can be deleted only once nothing is attached to it or inline in it. */
export function deleteRole(state: IamState, role: Role): void {
  // IAM names what is in the way: attached managed policies first, then inline ones.
  if (role.attached.size > 0) {
    throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
  }
  if (role.inline.size > 0) {
    throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
  }
  state.roles.delete(role.name.toLowerCase());
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  if (merged.size > 50) throw limitExceeded("The number of tags has reached the maximum limit.");
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** Sets an inline policy, within the role's quota for all its inline policies together. */
export function putInlinePolicy(role: Role, policyName: string, document: string): void {
  let total = policySize(document);
  for (const [name, text] of role.inline) if (name !== policyName) total += policySize(text);
  if (total > 10240) throw limitExceeded(`Maximum policy size of 10240 bytes exceeded for role ${role.name}`);
  role.inline.set(policyName, document);
}

/** Attaches an AWS managed policy, or one of this account's own customer managed policies. */
export function attachPolicy(state: IamState, role: Role, arn: string, accountId: string): void {
  const match = POLICY_ARN.exec(arn);
  if (!match) throw invalidArn(arn);
  const customer = match[1] === accountId ? state.policies.get(arn) : undefined;
  if (!(match[1] === "aws" && MANAGED_POLICIES.has(arn)) && customer === undefined) {
    throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  }
  if (role.attached.size >= 10 && !role.attached.has(arn)) {
    throw limitExceeded("Cannot exceed quota for PoliciesPerRole: 10");
  }
  role.attached.set(arn, customer?.name ?? match[3] ?? arn);
}

/** A boundary must be an existing managed policy: a customer one of this account, or AWS's. */
export function requireBoundary(state: IamState, arn: string, accountId: string): string {
  const match = POLICY_ARN.exec(arn);
  if (!match) throw invalidArn(arn);
  const exists = match[1] === "aws" ? MANAGED_POLICIES.has(arn) : state.policies.has(arn);
  if (!exists || (match[1] !== "aws" && match[1] !== accountId)) {
    throw noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
  }
  return arn;
}

/** Adds a version to a managed policy, at most five kept. */
export function addPolicyVersion(
  policy: ManagedPolicy,
  document: string,
  setAsDefault: boolean,
  now: Date,
): PolicyVersion {
  if (policy.versions.length >= 5) {
    throw limitExceeded(
      "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
    );
  }
  const version = { id: `v${policy.nextVersion}`, document, createDate: now };
  policy.nextVersion += 1;
  policy.versions.push(version);
  if (setAsDefault) policy.defaultVersion = version.id;
  policy.updateDate = now;
  return version;
}

/**
 * Whether the role (by ARN) trusts the service principal to assume it; with a request context
 * (`aws:SourceArn`, `aws:SourceAccount`), the trust's conditions must hold too.
 */
export function roleTrusts(
  state: IamState,
  arn: string,
  principal: string,
  context?: Record<string, string>,
): boolean {
  const role = roleByArn(state, arn);
  if (role === undefined) return false;
  if (context === undefined) return trustsService(role.trustPolicy, principal);
  const request = { action: "sts:AssumeRole", resource: arn, principal: { Service: principal }, context };
  return evaluate([role.trustPolicy], request) === "Allow";
}

/** Whether the role may make the request: inline + attached, within its boundary. */
export function roleAllows(state: IamState, arn: string, request: PermissionRequest): boolean {
  const role = roleByArn(state, arn);
  if (role === undefined) return false;
  // A managed policy acts through its default version; AWS's through the documents modeled.
  const documentOf = (policyArn: string): unknown => {
    const policy = state.policies.get(policyArn);
    if (policy === undefined) return AWS_MANAGED_POLICY_DOCUMENTS.get(policyArn);
    return policy.versions.find((version) => version.id === policy.defaultVersion)?.document;
  };
  const identity = [...role.inline.values(), ...[...role.attached.keys()].map(documentOf)];
  const boundary = role.boundary === undefined ? undefined : (documentOf(role.boundary) ?? {});
  return isAllowed({ identity, ...(boundary !== undefined && { boundary }) }, request);
}
