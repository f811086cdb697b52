import {
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  EntityAlreadyExistsException,
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  IAMServiceException,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { createClients } from "./clients.js";
import { policy } from "./policy.js";
import { applyRole, observeRole, planRole, type RoleLive, type RoleStep } from "./role.js";
import type { RoleSpec } from "./role-spec.js";

const iam = mockClient(IAMClient);
const clients = createClients({ region: "eu-west-1" });

const trust = policy({
  Effect: "Allow",
  Principal: { Service: "ecs-tasks.amazonaws.com" },
  Action: "sts:AssumeRole",
});
const execution = policy({
  Sid: "EcrLogin",
  Effect: "Allow",
  Action: "ecr:GetAuthorizationToken",
  Resource: "*",
});
const tags = { "flexjob:managed": "true", "flexjob:app": "billing" };
const BOUNDARY = "arn:aws:iam::123456789012:policy/billing-flexjob-boundary";
const boundaryDocument = policy({ Effect: "Allow", Action: "ecr:*", Resource: "*" });
const spec: RoleSpec = {
  name: "billing-flexjob-execution",
  description: "flexjob billing: lets ECS pull job images",
  assumeRolePolicy: trust,
  inlinePolicies: { "flexjob-execution": execution },
  tags,
  permissionsBoundary: { name: "billing-flexjob-boundary", arn: BOUNDARY, document: boundaryDocument, tags },
};
const arn = "arn:aws:iam::123456789012:role/billing-flexjob-execution";

/** The role as IAM reports it after flexjob created it: same documents, IAM's own array shapes. */
function liveRole(overrides: Partial<RoleLive> = {}): RoleLive {
  return {
    name: spec.name,
    arn,
    assumeRolePolicy: {
      Version: "2012-10-17",
      Statement: [{ ...trust.Statement[0], Action: ["sts:AssumeRole"] }],
    },
    inlinePolicies: { "flexjob-execution": execution },
    tags: { ...tags, team: "payments" },
    permissionsBoundary: BOUNDARY,
    ...overrides,
  };
}

const denied = () =>
  new IAMServiceException({
    name: "AccessDenied",
    $fault: "client",
    $metadata: {},
    message: "User is not authorized to perform: iam:CreateRole",
  });

beforeEach(() => iam.reset());

describe("planRole", () => {
  it("creates a missing role, listing its trust and inline policies", () => {
    expect(planRole(spec, undefined)).toEqual({
      kind: "role",
      id: "billing-flexjob-execution",
      action: "create",
      changes: [
        { path: "assumeRolePolicy", after: trust },
        { path: "permissionsBoundary", after: BOUNDARY },
        { path: "inlinePolicies.flexjob-execution", after: execution },
      ],
      desired: spec,
    });
  });

  it("leaves a role alone when only IAM's formatting and the user's own tags differ", () => {
    const live = liveRole();
    expect(planRole(spec, live)).toEqual({
      kind: "role",
      id: "billing-flexjob-execution",
      action: "noop",
      changes: [],
      desired: spec,
      live,
    });
  });

  it("updates exactly the trust policy, inline policies and flexjob tags that differ", () => {
    const oldTrust = policy({
      Effect: "Allow",
      Principal: { Service: "ecs.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
    const oldExecution = policy({ Effect: "Allow", Action: "ecr:BatchGetImage", Resource: "*" });
    const leftover = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
    const live = liveRole({
      assumeRolePolicy: oldTrust,
      inlinePolicies: { "flexjob-execution": oldExecution, "flexjob-old": leftover },
      tags: { "flexjob:managed": "true", "flexjob:app": "billing-old" },
    });
    expect(planRole(spec, live)).toEqual({
      kind: "role",
      id: "billing-flexjob-execution",
      action: "update",
      changes: [
        { path: "assumeRolePolicy", before: oldTrust, after: trust },
        { path: "inlinePolicies.flexjob-execution", before: oldExecution, after: execution },
        { path: "inlinePolicies.flexjob-old", before: leftover, after: undefined },
        { path: "tags.flexjob:app", before: "billing-old", after: "billing" },
      ],
      desired: spec,
      live,
    });
  });

  it("adds an inline policy the role lacks", () => {
    const live = liveRole({ inlinePolicies: {} });
    expect(planRole(spec, live).changes).toEqual([
      { path: "inlinePolicies.flexjob-execution", after: execution },
    ]);
  });

  it("refuses a role of the same name that flexjob did not create", () => {
    const plan = () => planRole(spec, liveRole({ tags: { team: "payments" } }));
    expect(plan).toThrow(FlexjobError);
    expect(plan).toThrow(
      expect.objectContaining({
        message: 'IAM role "billing-flexjob-execution" exists and was not created by flexjob',
        code: "INPUT_INVALID",
        fault: "user",
        remedy: "delete or rename it, or change app: so flexjob's names do not collide",
      }),
    );
  });
});

describe("observeRole", () => {
  it("reports a missing role as undefined", async () => {
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: "not found", $metadata: {} }));
    expect(await observeRole(clients, spec.name)).toBeUndefined();
    expect(iam.commandCalls(ListRolePoliciesCommand)).toHaveLength(0);
  });

  it("decodes IAM's URL-encoded documents and reads every page of inline policies", async () => {
    const second = policy({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" });
    iam
      .on(GetRoleCommand)
      .resolves({
        Role: {
          RoleName: spec.name,
          Arn: arn,
          Path: "/",
          RoleId: "AROAEXAMPLE",
          CreateDate: new Date(0),
          AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
          Tags: [
            { Key: "flexjob:managed", Value: "true" },
            { Key: "team", Value: "payments" },
          ],
        },
      })
      .on(ListRolePoliciesCommand, { RoleName: spec.name, Marker: undefined })
      .resolves({ PolicyNames: ["flexjob-execution"], IsTruncated: true, Marker: "page-2" })
      .on(ListRolePoliciesCommand, { RoleName: spec.name, Marker: "page-2" })
      .resolves({ PolicyNames: ["second"], IsTruncated: false })
      .on(GetRolePolicyCommand, { PolicyName: "flexjob-execution" })
      .resolves({
        RoleName: spec.name,
        PolicyName: "flexjob-execution",
        PolicyDocument: encodeURIComponent(JSON.stringify(execution)),
      })
      .on(GetRolePolicyCommand, { PolicyName: "second" })
      .resolves({
        RoleName: spec.name,
        PolicyName: "second",
        PolicyDocument: encodeURIComponent(JSON.stringify(second)),
      });

    expect(await observeRole(clients, spec.name)).toEqual({
      name: spec.name,
      arn,
      assumeRolePolicy: trust,
      inlinePolicies: { "flexjob-execution": execution, second },
      tags: { "flexjob:managed": "true", team: "payments" },
    });
    expect(iam.commandCalls(ListRolePoliciesCommand)).toHaveLength(2);
  });

  it("wraps a read failure naming the role", async () => {
    iam.on(GetRoleCommand).rejects(denied());
    await expect(observeRole(clients, spec.name)).rejects.toThrow(
      expect.objectContaining({
        name: "FlexjobError",
        code: "AWS_ERROR",
        message: expect.stringContaining("reading IAM role billing-flexjob-execution: AccessDenied"),
      }),
    );
  });
});

describe("applyRole", () => {
  it("creates the role with its trust and tags, then writes each inline policy", async () => {
    iam.on(CreateRoleCommand).resolves({}).on(PutRolePolicyCommand).resolves({});
    await applyRole(clients, planRole(spec, undefined));
    expect(iam.commandCalls(CreateRoleCommand)[0]?.args[0].input).toEqual({
      RoleName: "billing-flexjob-execution",
      Description: "flexjob billing: lets ECS pull job images",
      AssumeRolePolicyDocument: JSON.stringify(trust),
      PermissionsBoundary: BOUNDARY,
      Tags: [
        { Key: "flexjob:app", Value: "billing" },
        { Key: "flexjob:managed", Value: "true" },
      ],
    });
    expect(iam.commandCalls(CreatePolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(PutRolePolicyCommand).map((call) => call.args[0].input)).toEqual([
      { RoleName: spec.name, PolicyName: "flexjob-execution", PolicyDocument: JSON.stringify(execution) },
    ]);
  });

  it("converges as an update when a concurrent deploy created the role first", async () => {
    iam
      .on(CreateRoleCommand)
      .rejects(new EntityAlreadyExistsException({ message: "exists", $metadata: {} }))
      .on(GetRoleCommand)
      .resolves({
        Role: {
          RoleName: spec.name,
          Arn: arn,
          Path: "/",
          RoleId: "AROAEXAMPLE",
          CreateDate: new Date(0),
          AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
          Tags: [
            { Key: "flexjob:managed", Value: "true" },
            { Key: "flexjob:app", Value: "billing" },
          ],
          PermissionsBoundary: {
            PermissionsBoundaryType: "PermissionsBoundaryPolicy",
            PermissionsBoundaryArn: BOUNDARY,
          },
        },
      })
      .on(ListRolePoliciesCommand)
      .resolves({ PolicyNames: [], IsTruncated: false })
      .on(PutRolePolicyCommand)
      .resolves({});
    await applyRole(clients, planRole(spec, undefined));
    expect(iam.commandCalls(UpdateAssumeRolePolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(TagRoleCommand)).toHaveLength(0);
    expect(iam.commandCalls(PutRolePolicyCommand).map((call) => call.args[0].input.PolicyName)).toEqual([
      "flexjob-execution",
    ]);
  });

  it("refuses to take over a role someone else created in the meantime", async () => {
    iam
      .on(CreateRoleCommand)
      .rejects(new EntityAlreadyExistsException({ message: "exists", $metadata: {} }))
      .on(GetRoleCommand)
      .resolves({
        Role: {
          RoleName: spec.name,
          Arn: arn,
          Path: "/",
          RoleId: "AROAEXAMPLE",
          CreateDate: new Date(0),
          AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
        },
      })
      .on(ListRolePoliciesCommand)
      .resolves({ PolicyNames: [] });
    await expect(applyRole(clients, planRole(spec, undefined))).rejects.toThrow(
      'IAM role "billing-flexjob-execution" exists and was not created by flexjob',
    );
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
  });

  it("sends only the calls for what changed on update", async () => {
    const leftover = policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
    const step = planRole(
      spec,
      liveRole({
        inlinePolicies: { "flexjob-execution": execution, "flexjob-old": leftover },
        tags: { "flexjob:managed": "true", "flexjob:app": "billing-old", team: "payments" },
      }),
    );
    iam.on(DeleteRolePolicyCommand).resolves({}).on(TagRoleCommand).resolves({});
    await applyRole(clients, step);
    expect(iam.commandCalls(UpdateAssumeRolePolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(DeleteRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: spec.name,
      PolicyName: "flexjob-old",
    });
    expect(iam.commandCalls(TagRoleCommand)[0]?.args[0].input).toEqual({
      RoleName: spec.name,
      Tags: [{ Key: "flexjob:app", Value: "billing" }],
    });
    expect(iam.calls()).toHaveLength(2);
  });

  it("rewrites the trust policy and a changed inline policy", async () => {
    const step = planRole(
      spec,
      liveRole({
        assumeRolePolicy: policy({
          Effect: "Allow",
          Principal: { Service: "ecs.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        inlinePolicies: {
          "flexjob-execution": policy({ Effect: "Allow", Action: "ecr:BatchGetImage", Resource: "*" }),
        },
      }),
    );
    iam.on(UpdateAssumeRolePolicyCommand).resolves({}).on(PutRolePolicyCommand).resolves({});
    await applyRole(clients, step);
    expect(iam.commandCalls(UpdateAssumeRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: spec.name,
      PolicyDocument: JSON.stringify(trust),
    });
    expect(iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: spec.name,
      PolicyName: "flexjob-execution",
      PolicyDocument: JSON.stringify(execution),
    });
    expect(iam.calls()).toHaveLength(2);
  });

  it("creates the missing boundary policy first when the credentials may (an administrator's deploy)", async () => {
    iam
      .on(GetPolicyCommand)
      .rejects(new NoSuchEntityException({ message: `Policy ${BOUNDARY} does not exist`, $metadata: {} }))
      .on(CreateRoleCommand)
      .resolves({});
    await applyRole(clients, planRole(spec, undefined));
    expect(iam.commandCalls(CreatePolicyCommand)[0]?.args[0].input).toMatchObject({
      PolicyName: "billing-flexjob-boundary",
      PolicyDocument: JSON.stringify(boundaryDocument),
    });
    expect(iam.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "GetPolicyCommand",
      "CreatePolicyCommand",
      "CreateRoleCommand",
      "PutRolePolicyCommand",
    ]);
  });

  it("without the boundary policy and the right to create it, fails naming the policy and the command", async () => {
    iam
      .on(GetPolicyCommand)
      .rejects(new NoSuchEntityException({ message: "no", $metadata: {} }))
      .on(CreatePolicyCommand)
      .rejects(denied());
    const error = await applyRole(clients, planRole(spec, undefined)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlexjobError);
    expect((error as FlexjobError).message).toBe(
      `the permissions boundary policy billing-flexjob-boundary (${BOUNDARY}) does not exist, and these credentials may not create it`,
    );
    expect((error as FlexjobError).remedy).toContain(
      '"flexjob iam-policy --boundary --account <id> > boundary.json"',
    );
    expect(iam.commandCalls(CreateRoleCommand)).toHaveLength(0);
  });

  it("sets the boundary on a role that lacks it before writing its inline policy", async () => {
    const oldExecution = policy({ Effect: "Allow", Action: "ecr:BatchGetImage", Resource: "*" });
    const step = planRole(
      spec,
      liveRole({ permissionsBoundary: undefined, inlinePolicies: { "flexjob-execution": oldExecution } }),
    );
    expect(step.changes[0]).toEqual({ path: "permissionsBoundary", after: BOUNDARY });
    await applyRole(clients, step);
    expect(iam.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "GetPolicyCommand",
      "PutRolePermissionsBoundaryCommand",
      "PutRolePolicyCommand",
    ]);
    expect(iam.commandCalls(PutRolePermissionsBoundaryCommand)[0]?.args[0].input).toEqual({
      RoleName: spec.name,
      PermissionsBoundary: BOUNDARY,
    });
  });

  it("a role without the boundary, deployed by credentials that may not set it, fails with the fix", async () => {
    iam.on(PutRolePermissionsBoundaryCommand).rejects(denied());
    const step = planRole(spec, liveRole({ permissionsBoundary: undefined }));
    const error = await applyRole(clients, step).catch((caught: unknown) => caught);
    expect((error as FlexjobError).message).toBe(
      "IAM role billing-flexjob-execution does not carry the permissions boundary billing-flexjob-boundary, and these credentials may not set it",
    );
    expect((error as FlexjobError).remedy).toBe(
      `run "flexjob deploy" once with administrator credentials, or have an administrator run: aws iam put-role-permissions-boundary --role-name billing-flexjob-execution --permissions-boundary ${BOUNDARY}`,
    );
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
  });

  it("a trust that drifted, deployed by credentials that may not change trust, fails with the fix", async () => {
    iam.on(UpdateAssumeRolePolicyCommand).rejects(denied());
    const drifted = policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
    const error = await applyRole(clients, planRole(spec, liveRole({ assumeRolePolicy: drifted }))).catch(
      (caught: unknown) => caught,
    );
    expect((error as FlexjobError).message).toBe(
      "the trust policy of IAM role billing-flexjob-execution differs from the one flexjob writes, and these credentials may not change it",
    );
    expect((error as FlexjobError).remedy).toContain(
      "aws iam update-assume-role-policy --role-name billing-flexjob-execution",
    );
  });

  it("sends nothing for a no-op step", async () => {
    await applyRole(clients, planRole(spec, liveRole()));
    expect(iam.calls()).toHaveLength(0);
  });

  it("deletes every inline policy before the role", async () => {
    iam
      .on(ListRolePoliciesCommand)
      .resolves({ PolicyNames: ["flexjob-execution", "added-by-hand"], IsTruncated: false })
      .on(DeleteRolePolicyCommand)
      .resolves({})
      .on(DeleteRoleCommand)
      .resolves({});
    await applyRole(clients, {
      kind: "role",
      id: spec.name,
      action: "delete",
      changes: [],
      live: liveRole(),
    });
    expect(iam.commandCalls(DeleteRolePolicyCommand).map((call) => call.args[0].input.PolicyName)).toEqual([
      "flexjob-execution",
      "added-by-hand",
    ]);
    expect(iam.commandCalls(DeleteRoleCommand)).toHaveLength(1);
    const order = iam.calls().map((call) => (call.args[0] as object).constructor.name);
    expect(order.at(-1)).toBe("DeleteRoleCommand");
  });

  it("treats deleting a role that is already gone as done", async () => {
    iam.on(ListRolePoliciesCommand).rejects(new NoSuchEntityException({ message: "gone", $metadata: {} }));
    await applyRole(clients, { kind: "role", id: spec.name, action: "delete", changes: [] });
    expect(iam.commandCalls(DeleteRoleCommand)).toHaveLength(0);
  });

  it("never deletes a role that is not tagged as flexjob's", async () => {
    const step: RoleStep = {
      kind: "role",
      id: spec.name,
      action: "delete",
      changes: [],
      live: liveRole({ tags: {} }),
    };
    await expect(applyRole(clients, step)).rejects.toMatchObject({ code: "INTERNAL" });
    expect(iam.calls()).toHaveLength(0);
  });

  it("wraps an SDK failure as a FlexjobError naming the role", async () => {
    iam.on(CreateRoleCommand).rejects(denied());
    const failure = applyRole(clients, planRole(spec, undefined));
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "AWS_ERROR",
      fault: "aws",
      message: expect.stringContaining("writing IAM role billing-flexjob-execution: AccessDenied"),
      remedy: expect.stringContaining("iam-policy"),
    });
  });
});
