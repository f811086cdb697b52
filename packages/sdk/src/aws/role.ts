import { isDeepStrictEqual } from "node:util";
import { FlexjobError, internal } from "../errors.js";
import { names, ownedByApp, TAG_MANAGED, tagList } from "../naming.js";
import { stepFrom } from "../plan/diff.js";
import type { FieldChange, PlanStep } from "../plan/types.js";
import { renderAppRoles } from "./app-roles.js";
import type { AppScope } from "./app-scope.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { ensureBoundaryPolicy, isAccessDenied } from "./permissions-boundary.js";
import { normalisePolicy, type PolicyStatement, parsePolicyDocument, passRoleStatement } from "./policy.js";
import { notFlexjobs, observeEach, type ResourceAdapter, runStep } from "./resource.js";
import type { RoleSpec } from "./role-spec.js";

/** An IAM role as it exists, with its documents parsed from IAM's URL-encoded JSON. */
export interface RoleLive {
  name: string;
  arn: string;
  assumeRolePolicy: unknown;
  /** Inline policy name → parsed document. Managed policy attachments are not flexjob's and not read. */
  inlinePolicies: Record<string, unknown>;
  tags: Record<string, string>;
  /** The ARN of the role's permissions boundary policy, if it has one. */
  permissionsBoundary: string | undefined;
}

export type RoleStep = PlanStep<"role", RoleSpec, RoleLive>;

/**
 * `expected` names the inline policies flexjob writes: they are read beside the listing, not after
 * it, so an unchanged role costs two round trips. The listing still decides what exists.
 */
export async function observeRole(
  clients: AwsClients,
  name: string,
  expected: readonly string[] = [],
): Promise<RoleLive | undefined> {
  const { GetRoleCommand } = await loadSdk(clients, "iam");
  try {
    const role = await clients.iam
      .send(new GetRoleCommand({ RoleName: name }))
      .then((output) => output.Role)
      .catch((error: unknown) => {
        if (isAwsError(error, "NoSuchEntityException")) return undefined;
        throw error;
      });
    if (role === undefined) return undefined;
    const early = new Map(
      expected.map((policyName) => [policyName, getInlinePolicy(clients, name, policyName)]),
    );
    const [listed] = await Promise.all([listInlinePolicyNames(clients, name), ...early.values()]);
    const documents = await Promise.all(
      listed.map(
        async (policyName) =>
          [policyName, await (early.get(policyName) ?? getInlinePolicy(clients, name, policyName))] as const,
      ),
    );
    const inlinePolicies: Record<string, unknown> = {};
    for (const [policyName, document] of documents) {
      if (document !== undefined) inlinePolicies[policyName] = document;
    }
    return {
      name,
      arn: role.Arn ?? "",
      assumeRolePolicy:
        role.AssumeRolePolicyDocument === undefined
          ? undefined
          : parsePolicyDocument(role.AssumeRolePolicyDocument),
      inlinePolicies,
      tags: Object.fromEntries((role.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
      permissionsBoundary: role.PermissionsBoundary?.PermissionsBoundaryArn,
    };
  } catch (error) {
    throw wrapAwsError(error, `reading IAM role ${name}`);
  }
}

export function planRole(spec: RoleSpec, live: RoleLive | undefined): RoleStep {
  const base = { kind: "role", id: spec.name, desired: spec } as const;
  if (live === undefined) {
    return stepFrom(base, live, [
      { path: "assumeRolePolicy", after: spec.assumeRolePolicy },
      { path: "permissionsBoundary", after: spec.permissionsBoundary.arn },
      ...Object.keys(spec.inlinePolicies)
        .sort()
        .map((policyName) => ({
          path: `inlinePolicies.${policyName}`,
          after: spec.inlinePolicies[policyName],
        })),
    ]);
  }
  if (live.tags[TAG_MANAGED] !== "true") throw notFlexjobs("IAM role", spec.name);
  return stepFrom(base, live, roleDiff(spec, live).changes);
}

export async function applyRole(clients: AwsClients, step: RoleStep): Promise<void> {
  await runStep(step, "IAM role", {
    delete: () => deleteRole(clients, step),
    update: (spec, live) => converge(clients, spec, live),
    create: (spec) => createRole(clients, spec),
  });
}

async function createRole(clients: AwsClients, spec: RoleSpec): Promise<void> {
  const { CreateRoleCommand } = await loadSdk(clients, "iam");
  const name = spec.name;
  await ensureBoundaryPolicy(clients, spec.permissionsBoundary);
  const created = await tolerating(
    clients.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        Description: spec.description,
        AssumeRolePolicyDocument: JSON.stringify(spec.assumeRolePolicy),
        PermissionsBoundary: spec.permissionsBoundary.arn,
        Tags: tagList(spec.tags),
      }),
    ),
    "EntityAlreadyExistsException",
  );
  if (created === undefined) {
    // A concurrent deploy created it a moment ago. Re-reading and re-planning converges on the spec
    // and still refuses a role that is not flexjob's.
    const live = await observeRole(clients, name);
    if (live === undefined) throw internal(`IAM role ${name} was reported to exist but could not be read`);
    planRole(spec, live);
    await converge(clients, spec, live);
    return;
  }
  for (const policyName of Object.keys(spec.inlinePolicies).sort()) {
    await putInlinePolicy(clients, spec, policyName);
  }
}

/** What differs between the spec and the role, both as plan changes and as the calls that fix it. */
function roleDiff(spec: RoleSpec, live: RoleLive) {
  const changes: FieldChange[] = [];
  const boundaryChanged = live.permissionsBoundary !== spec.permissionsBoundary.arn;
  if (boundaryChanged) {
    const after = spec.permissionsBoundary.arn;
    changes.push(
      live.permissionsBoundary === undefined
        ? { path: "permissionsBoundary", after }
        : { path: "permissionsBoundary", before: live.permissionsBoundary, after },
    );
  }
  const trustChanged = !samePolicy(spec.assumeRolePolicy, live.assumeRolePolicy);
  if (trustChanged)
    changes.push({ path: "assumeRolePolicy", before: live.assumeRolePolicy, after: spec.assumeRolePolicy });

  const changedPolicies: string[] = [];
  const extraPolicies: string[] = [];
  const policyNames = [
    ...new Set([...Object.keys(spec.inlinePolicies), ...Object.keys(live.inlinePolicies)]),
  ].sort();
  for (const policyName of policyNames) {
    const desired = spec.inlinePolicies[policyName];
    const current = live.inlinePolicies[policyName];
    const path = `inlinePolicies.${policyName}`;
    if (desired === undefined) {
      // flexjob is the only writer of this role's inline policies, so one it no longer asks for goes.
      extraPolicies.push(policyName);
      changes.push({ path, before: current, after: undefined });
    } else if (!samePolicy(desired, current)) {
      changedPolicies.push(policyName);
      changes.push(
        current === undefined ? { path, after: desired } : { path, before: current, after: desired },
      );
    }
  }

  // Only flexjob's own tags are compared: tags a user added to the role are theirs to keep.
  const changedTags: Record<string, string> = {};
  for (const key of Object.keys(spec.tags).sort()) {
    const desired = spec.tags[key];
    const current = live.tags[key];
    if (desired === undefined || desired === current) continue;
    changedTags[key] = desired;
    changes.push(
      current === undefined
        ? { path: `tags.${key}`, after: desired }
        : { path: `tags.${key}`, before: current, after: desired },
    );
  }
  return { changes, boundaryChanged, trustChanged, changedPolicies, extraPolicies, changedTags };
}

/**
 * Sends only the calls that bring an existing role to the spec. The boundary goes first: the deploy
 * role may write inline policies only to roles that carry it. Setting a boundary and changing a trust
 * are an administrator's calls (a deploy role allowed them could lift a role's ceiling or let anyone
 * assume it), so denied, they fail with what to run instead.
 */
async function converge(clients: AwsClients, spec: RoleSpec, live: RoleLive): Promise<void> {
  const { PutRolePermissionsBoundaryCommand, TagRoleCommand, UpdateAssumeRolePolicyCommand } = await loadSdk(
    clients,
    "iam",
  );
  const diff = roleDiff(spec, live);
  const boundary = spec.permissionsBoundary;
  if (diff.boundaryChanged) {
    await ensureBoundaryPolicy(clients, boundary);
    await adminOnly(
      clients.iam.send(
        new PutRolePermissionsBoundaryCommand({ RoleName: spec.name, PermissionsBoundary: boundary.arn }),
      ),
      `IAM role ${spec.name} does not carry the permissions boundary ${boundary.name}, and these credentials may not set it`,
      `aws iam put-role-permissions-boundary --role-name ${spec.name} --permissions-boundary ${boundary.arn}`,
    );
  }
  if (diff.trustChanged) {
    await adminOnly(
      clients.iam.send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: spec.name,
          PolicyDocument: JSON.stringify(spec.assumeRolePolicy),
        }),
      ),
      `the trust policy of IAM role ${spec.name} differs from the one flexjob writes, and these credentials may not change it`,
      `aws iam update-assume-role-policy --role-name ${spec.name} --policy-document '<the assumeRolePolicy "flexjob plan --json" shows>'`,
    );
  }
  for (const policyName of diff.changedPolicies) await putInlinePolicy(clients, spec, policyName);
  for (const policyName of diff.extraPolicies) await deleteInlinePolicy(clients, spec.name, policyName);
  if (Object.keys(diff.changedTags).length > 0) {
    await clients.iam.send(new TagRoleCommand({ RoleName: spec.name, Tags: tagList(diff.changedTags) }));
  }
}

async function deleteRole(clients: AwsClients, step: RoleStep): Promise<void> {
  const { DeleteRoleCommand } = await loadSdk(clients, "iam");
  const name = step.id;
  if (step.live !== undefined && step.live.tags[TAG_MANAGED] !== "true") {
    throw internal(
      `refusing to delete IAM role ${name}: it is not tagged ${TAG_MANAGED}=true`,
      "this is a flexjob bug: it planned to delete a role it does not own; please report it",
    );
  }
  // IAM refuses to delete a role that still has inline policies; list them now rather than trusting
  // the plan's snapshot, which a concurrent deploy may have outdated.
  const policyNames = await listInlinePolicyNames(clients, name).catch((error: unknown) => {
    if (isAwsError(error, "NoSuchEntityException")) return undefined;
    throw error;
  });
  if (policyNames === undefined) return;
  for (const policyName of policyNames) await deleteInlinePolicy(clients, name, policyName);
  try {
    await clients.iam.send(new DeleteRoleCommand({ RoleName: name }));
  } catch (error) {
    if (isAwsError(error, "NoSuchEntityException")) return;
    if (isAwsError(error, "DeleteConflictException"))
      throw await attachedPoliciesConflict(clients, name, error);
    throw error;
  }
}

/**
 * IAM refuses to delete a role someone attached a managed policy to. Those attachments are not
 * flexjob's to undo (the policy may grant what another team relies on), so the error names each
 * one and the command that detaches it, and leaves the choice to the user.
 */
async function attachedPoliciesConflict(
  clients: AwsClients,
  roleName: string,
  conflict: unknown,
): Promise<FlexjobError> {
  const attached = await listAttachedPolicyArns(clients, roleName).catch(() => undefined);
  const detach = (arn: string) => `aws iam detach-role-policy --role-name ${roleName} --policy-arn ${arn}`;
  // Rerunning alone would fail the same way: the way out is detaching, or choosing to keep the role.
  const keep = "then destroy again; or keep the role (a role costs nothing) and ignore this error";
  if (attached === undefined || attached.length === 0) {
    const reason = conflict instanceof Error ? conflict.message : String(conflict);
    return new FlexjobError(`IAM role ${roleName} cannot be deleted: IAM answered "${reason}"`, {
      code: "AWS_ERROR",
      fault: "aws",
      cause: conflict,
      remedy: `list what is attached with aws iam list-attached-role-policies --role-name ${roleName} and detach each with ${detach("<arn>")} (flexjob never detaches a policy it did not attach); ${keep}`,
    });
  }
  return new FlexjobError(
    `IAM role ${roleName} cannot be deleted: it has managed policies attached that flexjob did not attach: ${attached.join(", ")}`,
    {
      code: "AWS_ERROR",
      fault: "aws",
      cause: conflict,
      remedy: `if nothing else needs them on this role, detach them: ${attached.map(detach).join(" && ")}; ${keep}`,
    },
  );
}

async function listAttachedPolicyArns(clients: AwsClients, roleName: string): Promise<string[]> {
  const { paginateListAttachedRolePolicies } = await loadSdk(clients, "iam");
  const arns: string[] = [];
  for await (const page of paginateListAttachedRolePolicies(
    { client: clients.iam },
    { RoleName: roleName },
  )) {
    arns.push(...(page.AttachedPolicies ?? []).flatMap((policy) => policy.PolicyArn ?? []));
  }
  return arns;
}

async function listInlinePolicyNames(clients: AwsClients, roleName: string): Promise<string[]> {
  const { paginateListRolePolicies } = await loadSdk(clients, "iam");
  const policyNames: string[] = [];
  for await (const page of paginateListRolePolicies({ client: clients.iam }, { RoleName: roleName })) {
    policyNames.push(...(page.PolicyNames ?? []));
  }
  return policyNames;
}

async function getInlinePolicy(clients: AwsClients, roleName: string, policyName: string): Promise<unknown> {
  const { GetRolePolicyCommand } = await loadSdk(clients, "iam");
  try {
    const { PolicyDocument } = await clients.iam.send(
      new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }),
    );
    return PolicyDocument === undefined ? undefined : parsePolicyDocument(PolicyDocument);
  } catch (error) {
    // Deleted between listing and reading: it no longer exists, which is what the plan should see.
    if (isAwsError(error, "NoSuchEntityException")) return undefined;
    throw error;
  }
}

async function putInlinePolicy(clients: AwsClients, spec: RoleSpec, policyName: string): Promise<void> {
  const { PutRolePolicyCommand } = await loadSdk(clients, "iam");
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: spec.name,
      PolicyName: policyName,
      PolicyDocument: JSON.stringify(spec.inlinePolicies[policyName]),
    }),
  );
}

async function deleteInlinePolicy(clients: AwsClients, roleName: string, policyName: string): Promise<void> {
  const { DeleteRolePolicyCommand } = await loadSdk(clients, "iam");
  await tolerating(
    clients.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
    "NoSuchEntityException",
  );
}

function samePolicy(desired: unknown, live: unknown): boolean {
  return isDeepStrictEqual(normalisePolicy(desired), normalisePolicy(live));
}

async function adminOnly(call: Promise<unknown>, message: string, command: string): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    throw new FlexjobError(message, {
      code: "AWS_ERROR",
      fault: "aws",
      cause: error,
      remedy: `run "flexjob deploy" once with administrator credentials, or have an administrator run: ${command}`,
    });
  }
}

/** The app's roles: execution, scheduler, and with `discovery:` the task role (see renderAppRoles). */
export const roles: ResourceAdapter<RoleStep> = {
  kind: "role",
  order: { write: 0, remove: 7 },
  render: (input) => renderAppRoles(input).map((spec) => ({ id: spec.name, spec })),
  observe: observeEach((desired, { clients }) =>
    observeRole(clients, desired.id, Object.keys(desired.spec.inlinePolicies)),
  ),
  plan: (desired, live) => planRole(desired.spec, live),
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    const app = config.app;
    // Every role flexjob may have made for the app, whatever the config asks for now: the task,
    // states, alerts and metrics roles may be left from when discovery:, a state machine, a webhook
    // or metrics were on.
    const candidates = [
      names.executionRole(app),
      names.schedulerRole(app),
      names.statesRole(app),
      names.taskRole(app),
      names.pipesRole(app),
      names.alertsRole(app),
      names.metricsRole(app),
    ];
    const found = await Promise.all(candidates.map((name) => observeRole(clients, name)));
    return found.flatMap((live) =>
      live !== undefined && ownedByApp(live.tags, app) ? [{ id: live.name, live }] : [],
    );
  },
  apply: (step, { clients }) => applyRole(clients, step),
  permissions: (scope) => ({
    deploy: [
      {
        Sid: "ReadAndTagRoles",
        Effect: "Allow",
        Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:TagRole"],
        Resource: scope.appRoles,
      },
      {
        // The boundary caps whatever inline policy this role writes: no role it creates or edits can
        // do more than the boundary allows. Never granted: changing or removing a role's boundary,
        // writing the boundary policy, attaching managed policies, or changing a role's trust — IAM
        // has no condition that limits UpdateAssumeRolePolicy to one document, so trust is written at
        // CreateRole only, and a role whose trust drifted needs an administrator (see applyRole).
        Sid: "WriteRolesOnlyUnderTheBoundary",
        Effect: "Allow",
        Action: ["iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePolicy"],
        Resource: scope.appRoles,
        Condition: { StringEquals: { "iam:PermissionsBoundary": scope.boundary } },
      },
      {
        // Only to see that the boundary exists before creating a role under it.
        Sid: "ReadBoundary",
        Effect: "Allow",
        Action: "iam:GetPolicy",
        Resource: scope.boundary,
      },
      passRolesToEcs(scope),
      passRoleStatement("PassRoleToScheduler", scope.schedulerRole, "scheduler.amazonaws.com"),
    ],
    destroy: destroyRoleStatements(scope),
  }),
};

/** What lets ECS start the jobs' tasks with their roles: deploy (schedules) and runs both need it. */
export function passRolesToEcs(scope: AppScope): PolicyStatement {
  return passRoleStatement("PassRolesToEcs", scope.ecsRoles, "ecs-tasks.amazonaws.com");
}

function destroyRoleStatements(scope: AppScope): PolicyStatement[] {
  // Destroy also removes the roles of what the config had once and has no more (discovery:, a state
  // machine, a webhook, metrics).
  const leftover = [
    names.taskRole(scope.app),
    names.statesRole(scope.app),
    names.alertsRole(scope.app),
    names.metricsRole(scope.app),
  ]
    .map((name) => scope.arn("iam", `role/${name}`, ""))
    .filter((arn) => !scope.appRoles.includes(arn));
  return [
    ...(leftover.length === 0
      ? []
      : [
          {
            Sid: "ReadLeftoverRoles",
            Effect: "Allow" as const,
            Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies"],
            Resource: leftover,
          },
          {
            Sid: "EmptyLeftoverRolesUnderTheBoundary",
            Effect: "Allow" as const,
            Action: "iam:DeleteRolePolicy",
            Resource: leftover,
            Condition: { StringEquals: { "iam:PermissionsBoundary": scope.boundary } },
          },
        ]),
    {
      // Listing attached policies only names them when IAM refuses the delete; flexjob never detaches.
      Sid: "DestroyAppRoles",
      Effect: "Allow",
      Action: ["iam:DeleteRole", "iam:ListAttachedRolePolicies"],
      Resource: [...scope.appRoles, ...leftover],
    },
  ];
}
