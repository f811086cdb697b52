import { paginate } from "../core/pagination.js";
import { createRandom, deriveSeed, type Random } from "../core/random.js";
import { type Fail, Reader } from "../core/readers.js";
import { AwsError, type CallContext, type PermissionRequest, type ServiceDefinition } from "../core/types.js";
import { evaluate, isAllowed } from "./iam/evaluate.js";
import { AWS_MANAGED_POLICY_DOCUMENTS } from "./iam/managed-policies.js";
import { policySize, trustsService, validatePolicy } from "./iam/policy.js";

/**
 * IAM over awsQuery. Global: role ARNs carry no region. Names are unique case-insensitively, as
 * in IAM. Policy documents come back URL-encoded, exactly as IAM returns them.
 */

interface Tag {
  Key: string;
  Value: string;
}

interface Role {
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

interface PolicyVersion {
  id: string;
  document: string;
  createDate: Date;
}

/** A customer managed policy: versions of one document, one of them the default. */
interface ManagedPolicy {
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

export interface IamControls {
  /**
   * Whether the role (by ARN) trusts the service principal to assume it (World.roleTrusts); with
   * a request context (`aws:SourceArn`, `aws:SourceAccount`), the trust's conditions must hold too.
   */
  roleTrusts(roleArn: string, servicePrincipal: string, context?: Record<string, string>): boolean;
  /** Whether the role may make the request (World.roleAllows): inline + attached, within its boundary. */
  roleAllows(roleArn: string, request: PermissionRequest): boolean;
}

const fail: Fail = (message) => new AwsError("ValidationError", message);
const noSuchEntity = (message: string) => new AwsError("NoSuchEntity", message, 404);
const NAME = {
  required: true,
  min: 1,
  max: 64,
  pattern: /^[\w+=,.@-]+$/,
  patternText: "[\\w+=,.@-]+",
} as const;
const POLICY_NAME = {
  required: true,
  min: 1,
  max: 128,
  pattern: /^[\w+=,.@-]+$/,
  patternText: "[\\w+=,.@-]+",
} as const;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const POLICY_ARN = /^arn:aws:iam::(aws|\d{12}):policy\/([\u0021-\u007E]+\/)*([\w+=,.@-]{1,128})$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** AWS managed policies a flexjob deploy may attach; others answer NoSuchEntity like a typo would. */
const MANAGED_POLICIES = new Set(
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

export function createIamService(options: { seed: number }): {
  service: ServiceDefinition;
  controls: IamControls;
} {
  let roles = new Map<string, Role>();
  /** Customer managed policies by ARN (ARNs are case-sensitive; names are unique ignoring case). */
  let policies = new Map<string, ManagedPolicy>();
  let random: Random = createRandom(deriveSeed(options.seed, "iam"));

  const roleByName = (name: string): Role => {
    const role = roles.get(name.toLowerCase());
    if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  };
  const roleByArn = (arn: string): Role | undefined => {
    const name = /^arn:aws:iam::\d{12}:role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]+)$/.exec(arn)?.[1];
    const role = name === undefined ? undefined : roles.get(name.toLowerCase());
    return role?.arn === arn ? role : undefined;
  };
  const describe = (role: Role) => ({
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
  const policyByArn = (arn: string): ManagedPolicy => {
    if (!POLICY_ARN.test(arn)) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
    const policy = policies.get(arn);
    if (!policy) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return policy;
  };
  const describePolicy = (policy: ManagedPolicy) => {
    const arn = policy.arn;
    const asBoundary = [...roles.values()].filter((role) => role.boundary === arn).length;
    const attached = [...roles.values()].filter((role) => role.attached.has(arn)).length;
    return {
      PolicyName: policy.name,
      PolicyId: policy.id,
      Arn: arn,
      Path: policy.path,
      DefaultVersionId: policy.defaultVersion,
      AttachmentCount: attached,
      PermissionsBoundaryUsageCount: asBoundary,
      IsAttachable: true,
      Description: policy.description,
      CreateDate: policy.createDate,
      UpdateDate: policy.updateDate,
      Tags: policy.tags.length > 0 ? policy.tags.map((t) => ({ ...t })) : undefined,
    };
  };
  /** A boundary must be an existing managed policy: a customer one of this account, or AWS's. */
  const boundaryArn = (reader: Reader, member: string, context: CallContext, required: boolean) => {
    const arn = reader.string(member, { min: 20, max: 2048, ...(required && { required }) });
    if (arn === undefined) return undefined;
    const match = POLICY_ARN.exec(arn);
    if (!match) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
    const exists = match[1] === "aws" ? MANAGED_POLICIES.has(arn) : policies.has(arn);
    if (!exists || (match[1] !== "aws" && match[1] !== context.accountId)) {
      throw noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
    }
    return arn;
  };
  const managedDocument = (reader: Reader): string => {
    const document = reader.string("PolicyDocument", { required: true, min: 1, max: 131072 });
    validatePolicy(document, "identity");
    if (policySize(document) > 6144) {
      throw new AwsError("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409);
    }
    return document;
  };
  const readTags = (reader: Reader, required: boolean): Tag[] =>
    reader.objects("Tags", { max: 50, ...(required && { required }) }).map((tag) => {
      const Key = tag.string("Key", { required: true, min: 1, max: 128, pattern: TAG_TEXT });
      const Value = tag.string("Value", { required: true, max: 256, pattern: TAG_TEXT });
      if (Key.toLowerCase().startsWith("aws:"))
        throw new AwsError("InvalidInput", "Tag keys starting with 'aws:' are reserved.");
      return { Key, Value };
    });
  const mergeTags = (existing: Tag[], added: Tag[]): Tag[] => {
    const merged = new Map(existing.map((t) => [t.Key, t.Value]));
    for (const tag of added) merged.set(tag.Key, tag.Value);
    if (merged.size > 50)
      throw new AwsError("LimitExceeded", "The number of tags has reached the maximum limit.", 409);
    return [...merged].map(([Key, Value]) => ({ Key, Value }));
  };
  const trustPolicy = (reader: Reader, member: string): string => {
    const text = reader.string(member, { required: true, min: 1, max: 131072 });
    validatePolicy(text, "trust");
    if (policySize(text) > 2048) {
      throw new AwsError("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409);
    }
    return text;
  };
  const list = <T>(reader: Reader, items: T[], keyOf: (t: T) => string) => {
    const page = paginate(items, keyOf, {
      token: reader.string("Marker", { min: 1, max: 320 }),
      max: reader.int("MaxItems", { min: 1, max: 1000 }) ?? 100,
      invalidToken: () => fail("Invalid Marker."),
    });
    return { items: page.items, IsTruncated: page.nextToken !== undefined, Marker: page.nextToken };
  };

  function managedPolicyHandlers() {
    return {
      CreatePolicy(input: Record<string, unknown>, context: CallContext) {
        const reader = Reader.of(input, fail);
        const name = reader.string("PolicyName", POLICY_NAME);
        const path = reader.string("Path", { min: 1, max: 512, pattern: PATH }) ?? "/";
        const document = managedDocument(reader);
        const description = reader.string("Description", { max: 1000 });
        const tags = mergeTags([], readTags(reader, false));
        const lower = name.toLowerCase();
        if ([...policies.values()].some((policy) => policy.name.toLowerCase() === lower)) {
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
          id: `ANPA${random.chars(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
          arn: `arn:aws:iam::${context.accountId}:policy${path}${name}`,
          createDate: now,
          updateDate: now,
          versions: [{ id: "v1", document, createDate: now }],
          defaultVersion: "v1",
          nextVersion: 2,
          tags,
          ...(description !== undefined && { description }),
        };
        policies.set(policy.arn, policy);
        return { Policy: describePolicy(policy) };
      },
      GetPolicy(input: Record<string, unknown>) {
        const reader = Reader.of(input, fail);
        const arn = reader.string("PolicyArn", { required: true, min: 20, max: 2048 });
        return { Policy: describePolicy(policyByArn(arn)) };
      },
      GetPolicyVersion(input: Record<string, unknown>) {
        const reader = Reader.of(input, fail);
        const policy = policyByArn(reader.string("PolicyArn", { required: true, min: 20, max: 2048 }));
        const id = reader.string("VersionId", {
          required: true,
          pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/,
        });
        const version = policy.versions.find((each) => each.id === id);
        if (!version)
          throw noSuchEntity(`Policy ${policy.arn} version ${id} does not exist or is not attachable.`);
        return {
          PolicyVersion: {
            Document: encodeURIComponent(version.document),
            VersionId: version.id,
            IsDefaultVersion: version.id === policy.defaultVersion,
            CreateDate: version.createDate,
          },
        };
      },
      CreatePolicyVersion(input: Record<string, unknown>, context: CallContext) {
        const reader = Reader.of(input, fail);
        const policy = policyByArn(reader.string("PolicyArn", { required: true, min: 20, max: 2048 }));
        const document = managedDocument(reader);
        const setAsDefault = reader.bool("SetAsDefault") ?? false;
        if (policy.versions.length >= 5) {
          throw new AwsError(
            "LimitExceeded",
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
            409,
          );
        }
        const version = { id: `v${policy.nextVersion}`, document, createDate: context.now() };
        policy.nextVersion += 1;
        policy.versions.push(version);
        if (setAsDefault) policy.defaultVersion = version.id;
        policy.updateDate = context.now();
        return {
          PolicyVersion: {
            VersionId: version.id,
            IsDefaultVersion: setAsDefault,
            CreateDate: version.createDate,
          },
        };
      },
    };
  }

  const handlers = {
    CreateRole(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const name = reader.string("RoleName", NAME);
      const path =
        reader.string("Path", {
          min: 1,
          max: 512,
          pattern: PATH,
          patternText: "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
        }) ?? "/";
      const trust = trustPolicy(reader, "AssumeRolePolicyDocument");
      const description = reader.string("Description", { max: 1000 });
      const maxSessionDuration = reader.int("MaxSessionDuration", { min: 3600, max: 43200 }) ?? 3600;
      const tags = mergeTags([], readTags(reader, false));
      const boundary = boundaryArn(reader, "PermissionsBoundary", context, false);
      if (roles.has(name.toLowerCase()))
        throw new AwsError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
      const role: Role = {
        name,
        path,
        id: `AROA${random.chars(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
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
      roles.set(name.toLowerCase(), role);
      return { Role: describe(role) };
    },
    GetRole(input: Record<string, unknown>) {
      return { Role: describe(roleByName(Reader.of(input, fail).string("RoleName", NAME))) };
    },
    ListRoles(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const prefix = reader.string("PathPrefix", { min: 1, max: 512 }) ?? "/";
      const all = [...roles.values()]
        .filter((r) => r.path.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const page = list(reader, all, (r) => r.name);
      return { Roles: page.items.map(describe), IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
    DeleteRole(input: Record<string, unknown>) {
      const role = roleByName(Reader.of(input, fail).string("RoleName", NAME));
      // IAM names what is in the way: attached managed policies first, then inline ones.
      if (role.attached.size > 0) {
        throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
      }
      if (role.inline.size > 0) {
        throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
      }
      roles.delete(role.name.toLowerCase());
      return {};
    },
    UpdateRole(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const description = reader.string("Description", { max: 1000 });
      const maxSessionDuration = reader.int("MaxSessionDuration", { min: 3600, max: 43200 });
      if (description !== undefined) role.description = description;
      if (maxSessionDuration !== undefined) role.maxSessionDuration = maxSessionDuration;
      return {};
    },
    UpdateAssumeRolePolicy(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      role.trustPolicy = trustPolicy(reader, "PolicyDocument");
      return {};
    },
    PutRolePolicy(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const roleName = reader.string("RoleName", NAME);
      const policyName = reader.string("PolicyName", POLICY_NAME);
      const document = reader.string("PolicyDocument", { required: true, min: 1, max: 131072 });
      validatePolicy(document, "identity");
      const role = roleByName(roleName);
      let total = policySize(document);
      for (const [name, text] of role.inline) if (name !== policyName) total += policySize(text);
      if (total > 10240) {
        throw new AwsError(
          "LimitExceeded",
          `Maximum policy size of 10240 bytes exceeded for role ${role.name}`,
          409,
        );
      }
      role.inline.set(policyName, document);
      return {};
    },
    GetRolePolicy(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const policyName = reader.string("PolicyName", POLICY_NAME);
      const document = role.inline.get(policyName);
      if (document === undefined) {
        throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
      }
      return { RoleName: role.name, PolicyName: policyName, PolicyDocument: encodeURIComponent(document) };
    },
    DeleteRolePolicy(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const policyName = reader.string("PolicyName", POLICY_NAME);
      if (!role.inline.delete(policyName)) {
        throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
      }
      return {};
    },
    ListRolePolicies(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const page = list(reader, [...role.inline.keys()].sort(), (n) => n);
      return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
    AttachRolePolicy(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const arn = reader.string("PolicyArn", { required: true, min: 20, max: 2048 });
      const match = POLICY_ARN.exec(arn);
      if (!match) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`);
      // AWS managed policies, or this account's own customer managed policies.
      const customer = match[1] === context.accountId ? policies.get(arn) : undefined;
      if (!(match[1] === "aws" && MANAGED_POLICIES.has(arn)) && customer === undefined) {
        throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
      }
      if (role.attached.size >= 10 && !role.attached.has(arn)) {
        throw new AwsError("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10", 409);
      }
      role.attached.set(arn, customer?.name ?? match[3] ?? arn);
      return {};
    },
    DetachRolePolicy(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const arn = reader.string("PolicyArn", { required: true, min: 20, max: 2048 });
      if (!role.attached.delete(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
      return {};
    },
    ListAttachedRolePolicies(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const prefix = reader.string("PathPrefix") ?? "/";
      const attached = [...role.attached]
        .filter(([arn]) => (arn.split(":policy")[1] ?? "").startsWith(prefix))
        .map(([PolicyArn, PolicyName]) => ({ PolicyName, PolicyArn }));
      const page = list(reader, attached, (p) => p.PolicyArn);
      return { AttachedPolicies: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
    PutRolePermissionsBoundary(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const arn = boundaryArn(reader, "PermissionsBoundary", context, true);
      if (arn !== undefined) role.boundary = arn;
      return {};
    },
    DeleteRolePermissionsBoundary(input: Record<string, unknown>) {
      const role = roleByName(Reader.of(input, fail).string("RoleName", NAME));
      delete role.boundary;
      return {};
    },
    ...managedPolicyHandlers(),
    TagRole(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      role.tags = mergeTags(role.tags, readTags(reader, true));
      return {};
    },
    UntagRole(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const keys = reader.strings("TagKeys", { required: true, max: 50 }) ?? [];
      role.tags = role.tags.filter((t) => !keys.includes(t.Key));
      return {};
    },
    ListRoleTags(input: Record<string, unknown>) {
      const reader = Reader.of(input, fail);
      const role = roleByName(reader.string("RoleName", NAME));
      const page = list(reader, role.tags, (t) => t.Key);
      return { Tags: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
  };

  const service: ServiceDefinition = {
    signingName: "iam",
    protocol: "awsQuery",
    apiVersion: "2010-05-08",
    xmlNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
    handlers,
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
        (ref.startsWith("arn:") ? roleByArn(ref) : roles.get(ref.toLowerCase())) !== undefined,
    },
    snapshot: () => ({
      roles: [...roles.values()].map((role) => ({
        ...describe(role),
        AssumeRolePolicyDocument: role.trustPolicy,
        inlinePolicies: Object.fromEntries(role.inline),
        attachedPolicies: [...role.attached.keys()],
      })),
      policies: [...policies.values()].map((policy) => ({
        ...describePolicy(policy),
        versions: policy.versions.map((version) => ({ VersionId: version.id, Document: version.document })),
      })),
    }),
    reset: () => {
      roles = new Map();
      policies = new Map();
      random = createRandom(deriveSeed(options.seed, "iam"));
    },
  };
  return {
    service,
    controls: {
      roleTrusts: (arn, principal, context) => {
        const role = roleByArn(arn);
        if (role === undefined) return false;
        if (context === undefined) return trustsService(role.trustPolicy, principal);
        const request = {
          action: "sts:AssumeRole",
          resource: arn,
          principal: { Service: principal },
          context,
        };
        return evaluate([role.trustPolicy], request) === "Allow";
      },
      roleAllows: (arn, request) => {
        const role = roleByArn(arn);
        if (role === undefined) return false;
        // A managed policy acts through its default version; AWS's through the documents modeled.
        const documentOf = (policyArn: string): unknown => {
          const policy = policies.get(policyArn);
          if (policy === undefined) return AWS_MANAGED_POLICY_DOCUMENTS.get(policyArn);
          return policy.versions.find((version) => version.id === policy.defaultVersion)?.document;
        };
        const identity = [...role.inline.values(), ...[...role.attached.keys()].map(documentOf)];
        const boundary = role.boundary === undefined ? undefined : (documentOf(role.boundary) ?? {});
        return isAllowed({ identity, ...(boundary !== undefined && { boundary }) }, request);
      },
    },
  };
}
