import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { type PolicyKind, policySize, validatePolicy } from "./policy.js";
import {
  addPolicyVersion,
  attachPolicy,
  deleteRole,
  fail,
  type IamEnv,
  type IamState,
  limitExceeded,
  type ManagedPolicy,
  mergeTags,
  newId,
  noSuchEntity,
  policyByArn,
  putInlinePolicy,
  type Role,
  requireBoundary,
  roleByName,
  type Tag,
} from "./state.js";

/**
 * IAM's request handlers over awsQuery: each reads and checks its input with the Reader, asks
 * the state (state.ts) to look up or change what it names, and shapes the response. Policy
 * documents come back URL-encoded, exactly as IAM returns them.
 */

/** Role and policy names share one character set and differ only in length. */
const nameRule = (max: number) =>
  ({ required: true, min: 1, max, pattern: /^[\w+=,.@-]+$/, patternText: "[\\w+=,.@-]+" }) as const;
const NAME = nameRule(64);
const POLICY_NAME = nameRule(128);
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const POLICY_ARN_RULE = { required: true, min: 20, max: 2048 } as const;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** IAM's size quotas on one document, by the names its LimitExceeded messages give them. */
interface Quota {
  name: string;
  bytes: number;
}
const TRUST_QUOTA: Quota = { name: "ACLSizePerRole", bytes: 2048 };
const MANAGED_QUOTA: Quota = { name: "PolicySize", bytes: 6144 };

const OPERATIONS: Record<string, OperationHandler<IamEnv>> = {
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  DeleteRole: (env, input) => {
    deleteRole(env.state, readRole(env, Reader.of(input, fail)));
    return {};
  },
  UpdateRole: updateRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  DeleteRolePolicy: deleteRolePolicy,
  ListRolePolicies: listRolePolicies,
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  PutRolePermissionsBoundary: putRolePermissionsBoundary,
  DeleteRolePermissionsBoundary: deleteRolePermissionsBoundary,
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  CreatePolicyVersion: createPolicyVersion,
  TagRole: tagRole,
  UntagRole: untagRole,
  ListRoleTags: listRoleTags,
};

export function iamHandlers(env: IamEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

export const describeRole = (role: Role) => ({
  Path: role.path,
  RoleName: role.name,
  RoleId: role.id,
  Arn: role.arn,
  CreateDate: role.createDate,
  AssumeRolePolicyDocument: encodeURIComponent(role.trustPolicy),
  Description: role.description,
  MaxSessionDuration: role.maxSessionDuration,
  Tags: role.tags.length > 0 ? role.tags.map((t) => ({ ...t })) : undefined,
  PermissionsBoundary:
    role.boundary === undefined
      ? undefined
      : { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: role.boundary },
  RoleLastUsed: {},
});

export function describePolicy(state: IamState, policy: ManagedPolicy) {
  const arn = policy.arn;
  const roles = [...state.roles.values()];
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersion,
    AttachmentCount: roles.filter((role) => role.attached.has(arn)).length,
    PermissionsBoundaryUsageCount: roles.filter((role) => role.boundary === arn).length,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: policy.createDate,
    UpdateDate: policy.updateDate,
    Tags: policy.tags.length > 0 ? policy.tags.map((t) => ({ ...t })) : undefined,
  };
}

/** The role a request names by RoleName. */
const readRole = (env: IamEnv, reader: Reader): Role =>
  roleByName(env.state, reader.string("RoleName", NAME));

function readBoundary(env: IamEnv, reader: Reader, context: CallContext, required: boolean) {
  const arn = reader.string("PermissionsBoundary", { min: 20, max: 2048, ...(required && { required }) });
  return arn === undefined ? undefined : requireBoundary(env.state, arn, context.accountId);
}

/** A policy document checked against its kind's grammar and, where IAM has one, its size quota. */
function readDocument(reader: Reader, member: string, kind: PolicyKind, quota?: Quota) {
  const document = reader.string(member, { required: true, min: 1, max: 131072 });
  validatePolicy(document, kind);
  if (quota !== undefined && policySize(document) > quota.bytes) {
    throw limitExceeded(`Cannot exceed quota for ${quota.name}: ${quota.bytes}`);
  }
  return document;
}

const readTags = (reader: Reader, required: boolean): Tag[] =>
  reader.objects("Tags", { max: 50, ...(required && { required }) }).map((tag) => {
    const Key = tag.string("Key", { required: true, min: 1, max: 128, pattern: TAG_TEXT });
    const Value = tag.string("Value", { required: true, max: 256, pattern: TAG_TEXT });
    if (Key.toLowerCase().startsWith("aws:"))
      throw new AwsError("InvalidInput", "Tag keys starting with 'aws:' are reserved.");
    return { Key, Value };
  });

/** One page by Marker and MaxItems, with IAM's IsTruncated. */
function list<T>(reader: Reader, items: T[], keyOf: (t: T) => string) {
  const page = paginate(items, keyOf, {
    token: reader.string("Marker", { min: 1, max: 320 }),
    max: reader.int("MaxItems", { min: 1, max: 1000 }) ?? 100,
    invalidToken: () => fail("Invalid Marker."),
  });
  return { items: page.items, IsTruncated: page.nextToken !== undefined, Marker: page.nextToken };
}

function createRole(env: IamEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const name = reader.string("RoleName", NAME);
  const path =
    reader.string("Path", {
      min: 1,
      max: 512,
      pattern: PATH,
      patternText: "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
    }) ?? "/";
  const trust = readDocument(reader, "AssumeRolePolicyDocument", "trust", TRUST_QUOTA);
  const description = reader.string("Description", { max: 1000 });
  const maxSessionDuration = reader.int("MaxSessionDuration", { min: 3600, max: 43200 }) ?? 3600;
  const tags = mergeTags([], readTags(reader, false));
  const boundary = readBoundary(env, reader, context, false);
  if (env.state.roles.has(name.toLowerCase()))
    throw new AwsError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
  const role: Role = {
    name,
    path,
    id: newId(env.state, "AROA"),
    arn: `arn:aws:iam::${context.accountId}:role${path}${name}`,
    createDate: context.now(),
    trustPolicy: trust,
    maxSessionDuration,
    tags,
    inline: new Map(),
    attached: new Map(),
    ...(description !== undefined && { description }),
    ...(boundary !== undefined && { boundary }),
  };
  env.state.roles.set(name.toLowerCase(), role);
  return { Role: describeRole(role) };
}

function getRole(env: IamEnv, input: Record<string, unknown>) {
  return { Role: describeRole(readRole(env, Reader.of(input, fail))) };
}

function listRoles(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const prefix = reader.string("PathPrefix", { min: 1, max: 512 }) ?? "/";
  const all = [...env.state.roles.values()]
    .filter((r) => r.path.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = list(reader, all, (r) => r.name);
  return { Roles: page.items.map(describeRole), IsTruncated: page.IsTruncated, Marker: page.Marker };
}

function updateRole(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  const description = reader.string("Description", { max: 1000 });
  const maxSessionDuration = reader.int("MaxSessionDuration", { min: 3600, max: 43200 });
  if (description !== undefined) role.description = description;
  if (maxSessionDuration !== undefined) role.maxSessionDuration = maxSessionDuration;
  return {};
}

function updateAssumeRolePolicy(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  role.trustPolicy = readDocument(reader, "PolicyDocument", "trust", TRUST_QUOTA);
  return {};
}

function putRolePolicy(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const roleName = reader.string("RoleName", NAME);
  const policyName = reader.string("PolicyName", POLICY_NAME);
  const document = readDocument(reader, "PolicyDocument", "identity");
  putInlinePolicy(roleByName(env.state, roleName), policyName, document);
  return {};
}

/** The role and the name of an inline policy of it a request names. */
function readInline(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  return { role, policyName: reader.string("PolicyName", POLICY_NAME) };
}

const noSuchInline = (policyName: string) =>
  noSuchEntity(`The role policy with name ${policyName} cannot be found.`);

function getRolePolicy(env: IamEnv, input: Record<string, unknown>) {
  const { role, policyName } = readInline(env, input);
  const document = role.inline.get(policyName);
  if (document === undefined) throw noSuchInline(policyName);
  return { RoleName: role.name, PolicyName: policyName, PolicyDocument: encodeURIComponent(document) };
}

function deleteRolePolicy(env: IamEnv, input: Record<string, unknown>) {
  const { role, policyName } = readInline(env, input);
  if (!role.inline.delete(policyName)) throw noSuchInline(policyName);
  return {};
}

function listRolePolicies(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  const page = list(reader, [...role.inline.keys()].sort(), (n) => n);
  return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
}

function attachRolePolicy(env: IamEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  attachPolicy(env.state, role, reader.string("PolicyArn", POLICY_ARN_RULE), context.accountId);
  return {};
}

function detachRolePolicy(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  const arn = reader.string("PolicyArn", POLICY_ARN_RULE);
  if (!role.attached.delete(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
  return {};
}

function listAttachedRolePolicies(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  const prefix = reader.string("PathPrefix") ?? "/";
  const attached = [...role.attached]
    .filter(([arn]) => (arn.split(":policy")[1] ?? "").startsWith(prefix))
    .map(([PolicyArn, PolicyName]) => ({ PolicyName, PolicyArn }));
  const page = list(reader, attached, (p) => p.PolicyArn);
  return { AttachedPolicies: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
}

function putRolePermissionsBoundary(env: IamEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  const arn = readBoundary(env, reader, context, true);
  if (arn !== undefined) role.boundary = arn;
  return {};
}

function deleteRolePermissionsBoundary(env: IamEnv, input: Record<string, unknown>) {
  delete readRole(env, Reader.of(input, fail)).boundary;
  return {};
}

function createPolicy(env: IamEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const name = reader.string("PolicyName", POLICY_NAME);
  const path = reader.string("Path", { min: 1, max: 512, pattern: PATH }) ?? "/";
  const document = readDocument(reader, "PolicyDocument", "identity", MANAGED_QUOTA);
  const description = reader.string("Description", { max: 1000 });
  const tags = mergeTags([], readTags(reader, false));
  const lower = name.toLowerCase();
  if ([...env.state.policies.values()].some((policy) => policy.name.toLowerCase() === lower)) {
    throw new AwsError(
      "EntityAlreadyExists",
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
      409,
    );
  }
  const now = context.now();
  const policy: ManagedPolicy = {
    name,
    path,
    id: newId(env.state, "ANPA"),
    arn: `arn:aws:iam::${context.accountId}:policy${path}${name}`,
    createDate: now,
    updateDate: now,
    versions: [{ id: "v1", document, createDate: now }],
    defaultVersion: "v1",
    nextVersion: 2,
    tags,
    ...(description !== undefined && { description }),
  };
  env.state.policies.set(policy.arn, policy);
  return { Policy: describePolicy(env.state, policy) };
}

const readPolicy = (env: IamEnv, reader: Reader) =>
  policyByArn(env.state, reader.string("PolicyArn", POLICY_ARN_RULE));

function getPolicy(env: IamEnv, input: Record<string, unknown>) {
  return { Policy: describePolicy(env.state, readPolicy(env, Reader.of(input, fail))) };
}

function getPolicyVersion(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const policy = readPolicy(env, reader);
  const id = reader.string("VersionId", { required: true, pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/ });
  const version = policy.versions.find((each) => each.id === id);
  if (!version) throw noSuchEntity(`Policy ${policy.arn} version ${id} does not exist or is not attachable.`);
  return {
    PolicyVersion: {
      Document: encodeURIComponent(version.document),
      VersionId: version.id,
      IsDefaultVersion: version.id === policy.defaultVersion,
      CreateDate: version.createDate,
    },
  };
}

function createPolicyVersion(env: IamEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const policy = readPolicy(env, reader);
  const document = readDocument(reader, "PolicyDocument", "identity", MANAGED_QUOTA);
  const setAsDefault = reader.bool("SetAsDefault") ?? false;
  const version = addPolicyVersion(policy, document, setAsDefault, context.now());
  return {
    PolicyVersion: { VersionId: version.id, IsDefaultVersion: setAsDefault, CreateDate: version.createDate },
  };
}

function tagRole(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  role.tags = mergeTags(role.tags, readTags(reader, true));
  return {};
}

function untagRole(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  const keys = reader.strings("TagKeys", { required: true, max: 50 }) ?? [];
  role.tags = role.tags.filter((t) => !keys.includes(t.Key));
  return {};
}

function listRoleTags(env: IamEnv, input: Record<string, unknown>) {
  const reader = Reader.of(input, fail);
  const role = readRole(env, reader);
  const page = list(reader, role.tags, (t) => t.Key);
  return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
}
