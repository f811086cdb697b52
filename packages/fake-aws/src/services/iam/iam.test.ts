import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { TRUST_ECS_TASKS, TRUST_SCHEDULER } from "../../test-support.js";

let aws: FakeAws;
let iam: IAMClient;
const EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const INLINE = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }],
});

beforeAll(async () => {
  aws = await startFakeAws();
  // IAM is global, but clients sign for whatever region they are configured with.
  iam = new IAMClient({ ...aws.clientConfig("eu-central-1"), maxAttempts: 1 });
});
afterAll(async () => {
  iam.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

const createRole = (
  name = "flexjob-exec",
  extra: { Path?: string; Tags?: { Key: string; Value: string }[] } = {},
) => iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST_ECS_TASKS, ...extra }));

describe("roles", () => {
  it("CreateRole and GetRole return a global ARN and the trust policy URL-encoded", async () => {
    const created = await createRole("flexjob-exec", {
      Path: "/flexjob/",
      Tags: [{ Key: "app", Value: "x" }],
    });
    expect(created.Role?.Arn).toBe("arn:aws:iam::123456789012:role/flexjob/flexjob-exec");
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: "flexjob-exec" }));
    expect(Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(TRUST_ECS_TASKS));
    expect(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? "")).toBe(TRUST_ECS_TASKS);
    expect([Role?.Path, Role?.MaxSessionDuration, Role?.Tags]).toEqual([
      "/flexjob/",
      3600,
      [{ Key: "app", Value: "x" }],
    ]);
    expect(Role?.CreateDate).toEqual(aws.clock.now());
  });

  it("role names are unique regardless of case", async () => {
    await createRole("Runner");
    expect(await rejects(createRole("runner"))).toBeInstanceOf(EntityAlreadyExistsException);
  });

  it("GetRole of an unknown role is NoSuchEntity", async () => {
    expect(await rejects(iam.send(new GetRoleCommand({ RoleName: "nope" })))).toBeInstanceOf(
      NoSuchEntityException,
    );
  });

  it.each([
    [
      "a name with a space",
      { RoleName: "bad name", AssumeRolePolicyDocument: TRUST_ECS_TASKS },
      "ValidationError",
    ],
    [
      "a name of 65 characters",
      { RoleName: "r".repeat(65), AssumeRolePolicyDocument: TRUST_ECS_TASKS },
      "ValidationError",
    ],
    [
      "a path without slashes",
      { RoleName: "r", Path: "flexjob", AssumeRolePolicyDocument: TRUST_ECS_TASKS },
      "ValidationError",
    ],
    [
      "a trust policy that is not JSON",
      { RoleName: "r", AssumeRolePolicyDocument: "{not json" },
      "MalformedPolicyDocument",
    ],
    [
      "a trust policy without a principal",
      {
        RoleName: "r",
        AssumeRolePolicyDocument: JSON.stringify({
          Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }],
        }),
      },
      "MalformedPolicyDocument",
    ],
    [
      "a trust policy with a non-STS action",
      {
        RoleName: "r",
        AssumeRolePolicyDocument: JSON.stringify({
          Statement: [
            { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "s3:GetObject" },
          ],
        }),
      },
      "MalformedPolicyDocument",
    ],
    [
      "a max session of 1 hour minus 1 s",
      { RoleName: "r", MaxSessionDuration: 3599, AssumeRolePolicyDocument: TRUST_ECS_TASKS },
      "ValidationError",
    ],
  ])("CreateRole rejects %s", async (_name, input, code) => {
    const error = await rejects(iam.send(new CreateRoleCommand(input)));
    expect(error.name).toBe(
      code === "ValidationError" ? "ValidationError" : "MalformedPolicyDocumentException",
    );
    if (code === "MalformedPolicyDocument") expect(error).toBeInstanceOf(MalformedPolicyDocumentException);
  });

  it("UpdateAssumeRolePolicy replaces the trust policy", async () => {
    await createRole();
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: "flexjob-exec", PolicyDocument: TRUST_SCHEDULER }),
    );
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: "flexjob-exec" }));
    expect(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? "")).toBe(TRUST_SCHEDULER);
  });

  it("DeleteRole names what is in the way: attached managed policies, then inline ones", async () => {
    await createRole();
    await iam.send(
      new PutRolePolicyCommand({ RoleName: "flexjob-exec", PolicyName: "logs", PolicyDocument: INLINE }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: "flexjob-exec", PolicyArn: EXECUTION_POLICY }));
    const attached = await rejects(iam.send(new DeleteRoleCommand({ RoleName: "flexjob-exec" })));
    expect(attached).toBeInstanceOf(DeleteConflictException);
    expect((attached as Error).message).toBe("Cannot delete entity, must detach all policies first.");
    await iam.send(new DetachRolePolicyCommand({ RoleName: "flexjob-exec", PolicyArn: EXECUTION_POLICY }));
    const inline = await rejects(iam.send(new DeleteRoleCommand({ RoleName: "flexjob-exec" })));
    expect((inline as Error).message).toBe("Cannot delete entity, must delete policies first.");
  });

  it("DeleteRole refuses while policies remain, then deletes", async () => {
    await createRole();
    await iam.send(
      new PutRolePolicyCommand({ RoleName: "flexjob-exec", PolicyName: "logs", PolicyDocument: INLINE }),
    );
    expect(await rejects(iam.send(new DeleteRoleCommand({ RoleName: "flexjob-exec" })))).toBeInstanceOf(
      DeleteConflictException,
    );
    await iam.send(new DeleteRolePolicyCommand({ RoleName: "flexjob-exec", PolicyName: "logs" }));
    await iam.send(new DeleteRoleCommand({ RoleName: "flexjob-exec" }));
    expect(await rejects(iam.send(new GetRoleCommand({ RoleName: "flexjob-exec" })))).toBeInstanceOf(
      NoSuchEntityException,
    );
  });
});

describe("inline policies", () => {
  it("PutRolePolicy / GetRolePolicy round-trip, URL-encoded; ListRolePolicies pages", async () => {
    await createRole();
    for (const name of ["a", "b", "c"]) {
      await iam.send(
        new PutRolePolicyCommand({ RoleName: "flexjob-exec", PolicyName: name, PolicyDocument: INLINE }),
      );
    }
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: "flexjob-exec", PolicyName: "b" }));
    expect(got.PolicyDocument).toBe(encodeURIComponent(INLINE));
    const page1 = await iam.send(new ListRolePoliciesCommand({ RoleName: "flexjob-exec", MaxItems: 2 }));
    expect([page1.PolicyNames, page1.IsTruncated]).toEqual([["a", "b"], true]);
    const page2 = await iam.send(
      new ListRolePoliciesCommand({ RoleName: "flexjob-exec", Marker: page1.Marker }),
    );
    expect([page2.PolicyNames, page2.IsTruncated]).toEqual([["c"], false]);
  });

  it.each([
    ["not JSON", "{"],
    [
      "a principal",
      JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*", Principal: "*" }] }),
    ],
    ["no resource", JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*" }] })],
    [
      "an action without a vendor",
      JSON.stringify({ Statement: [{ Effect: "Allow", Action: "GetObject", Resource: "*" }] }),
    ],
    [
      "an unknown effect",
      JSON.stringify({ Statement: [{ Effect: "Maybe", Action: "s3:*", Resource: "*" }] }),
    ],
    [
      "an unknown version",
      JSON.stringify({
        Version: "2020-01-01",
        Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
      }),
    ],
  ])("PutRolePolicy rejects a document with %s as MalformedPolicyDocument", async (_name, document) => {
    await createRole();
    const error = await rejects(
      iam.send(
        new PutRolePolicyCommand({ RoleName: "flexjob-exec", PolicyName: "p", PolicyDocument: document }),
      ),
    );
    expect(error).toBeInstanceOf(MalformedPolicyDocumentException);
  });

  it("GetRolePolicy of an unknown policy or role is NoSuchEntity", async () => {
    await createRole();
    expect(
      await rejects(iam.send(new GetRolePolicyCommand({ RoleName: "flexjob-exec", PolicyName: "p" }))),
    ).toBeInstanceOf(NoSuchEntityException);
    expect(
      await rejects(
        iam.send(new PutRolePolicyCommand({ RoleName: "nope", PolicyName: "p", PolicyDocument: INLINE })),
      ),
    ).toBeInstanceOf(NoSuchEntityException);
  });
});

describe("managed policies and tags", () => {
  it("AttachRolePolicy, ListAttachedRolePolicies and DetachRolePolicy", async () => {
    await createRole();
    await iam.send(new AttachRolePolicyCommand({ RoleName: "flexjob-exec", PolicyArn: EXECUTION_POLICY }));
    const { AttachedPolicies } = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: "flexjob-exec" }),
    );
    expect(AttachedPolicies).toEqual([
      { PolicyName: "AmazonECSTaskExecutionRolePolicy", PolicyArn: EXECUTION_POLICY },
    ]);
    await iam.send(new DetachRolePolicyCommand({ RoleName: "flexjob-exec", PolicyArn: EXECUTION_POLICY }));
    expect(
      await rejects(
        iam.send(new DetachRolePolicyCommand({ RoleName: "flexjob-exec", PolicyArn: EXECUTION_POLICY })),
      ),
    ).toBeInstanceOf(NoSuchEntityException);
  });

  it("attaches the account's own customer managed policies by ARN, listed by their name", async () => {
    await createRole();
    await iam.send(new CreatePolicyCommand({ PolicyName: "team-extra", PolicyDocument: INLINE }));
    const arn = "arn:aws:iam::123456789012:policy/team-extra";
    await iam.send(new AttachRolePolicyCommand({ RoleName: "flexjob-exec", PolicyArn: arn }));
    const { AttachedPolicies } = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: "flexjob-exec" }),
    );
    expect(AttachedPolicies).toEqual([{ PolicyName: "team-extra", PolicyArn: arn }]);
    const missing = "arn:aws:iam::123456789012:policy/not-created";
    expect(
      await rejects(iam.send(new AttachRolePolicyCommand({ RoleName: "flexjob-exec", PolicyArn: missing }))),
    ).toBeInstanceOf(NoSuchEntityException);
  });

  it("attaching a policy that does not exist is NoSuchEntity", async () => {
    await createRole();
    const error = await rejects(
      iam.send(
        new AttachRolePolicyCommand({
          RoleName: "flexjob-exec",
          PolicyArn: "arn:aws:iam::aws:policy/NoSuchPolicy",
        }),
      ),
    );
    expect(error).toBeInstanceOf(NoSuchEntityException);
  });

  it("TagRole merges, UntagRole removes, ListRoleTags lists", async () => {
    await createRole("flexjob-exec", { Tags: [{ Key: "a", Value: "1" }] });
    await iam.send(
      new TagRoleCommand({
        RoleName: "flexjob-exec",
        Tags: [
          { Key: "a", Value: "2" },
          { Key: "b", Value: "3" },
        ],
      }),
    );
    await iam.send(new UntagRoleCommand({ RoleName: "flexjob-exec", TagKeys: ["b"] }));
    const { Tags } = await iam.send(new ListRoleTagsCommand({ RoleName: "flexjob-exec" }));
    expect(Tags).toEqual([{ Key: "a", Value: "2" }]);
  });
});

describe("managed policies and permissions boundaries", () => {
  const BOUNDARY = "arn:aws:iam::123456789012:policy/app-flexjob-boundary";
  const createBoundary = () =>
    iam.send(new CreatePolicyCommand({ PolicyName: "app-flexjob-boundary", PolicyDocument: INLINE }));

  it("CreatePolicy, GetPolicy and GetPolicyVersion return the policy and its default version URL-encoded", async () => {
    const { Policy } = await createBoundary();
    expect(Policy).toMatchObject({ Arn: BOUNDARY, DefaultVersionId: "v1", PermissionsBoundaryUsageCount: 0 });
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: BOUNDARY }))).Policy?.PolicyName).toBe(
      "app-flexjob-boundary",
    );
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: BOUNDARY, VersionId: "v1" }),
    );
    expect(PolicyVersion).toMatchObject({ IsDefaultVersion: true, Document: encodeURIComponent(INLINE) });
    expect(await rejects(createBoundary())).toBeInstanceOf(EntityAlreadyExistsException);
  });

  it("GetPolicy of a policy that does not exist is NoSuchEntity", async () => {
    const error = await rejects(iam.send(new GetPolicyCommand({ PolicyArn: BOUNDARY })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.message).toBe(`Policy ${BOUNDARY} does not exist or is not attachable.`);
  });

  it("CreatePolicyVersion makes the new default when asked, up to 5 versions", async () => {
    await createBoundary();
    for (let index = 2; index <= 5; index++) {
      await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: BOUNDARY, PolicyDocument: INLINE, SetAsDefault: true }),
      );
    }
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: BOUNDARY }))).Policy?.DefaultVersionId).toBe(
      "v5",
    );
    const error = await rejects(
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: BOUNDARY, PolicyDocument: INLINE })),
    );
    expect(error).toBeInstanceOf(LimitExceededException);
  });

  it("CreateRole with a boundary shows it in GetRole and counts it as the policy's boundary usage", async () => {
    await createBoundary();
    await iam.send(
      new CreateRoleCommand({
        RoleName: "app",
        AssumeRolePolicyDocument: TRUST_ECS_TASKS,
        PermissionsBoundary: BOUNDARY,
      }),
    );
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: "app" }));
    expect(Role?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: "PermissionsBoundaryPolicy",
      PermissionsBoundaryArn: BOUNDARY,
    });
    expect(
      (await iam.send(new GetPolicyCommand({ PolicyArn: BOUNDARY }))).Policy?.PermissionsBoundaryUsageCount,
    ).toBe(1);
  });

  it("a boundary that does not exist is NoSuchEntity, and the role is not created", async () => {
    const error = await rejects(
      iam.send(
        new CreateRoleCommand({
          RoleName: "app",
          AssumeRolePolicyDocument: TRUST_ECS_TASKS,
          PermissionsBoundary: BOUNDARY,
        }),
      ),
    );
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.message).toBe(`Scope ARN: ${BOUNDARY} does not exist or is not attachable.`);
    expect(await rejects(iam.send(new GetRoleCommand({ RoleName: "app" })))).toBeInstanceOf(
      NoSuchEntityException,
    );
  });

  it("PutRolePermissionsBoundary sets or replaces it; DeleteRolePermissionsBoundary removes it", async () => {
    await createBoundary();
    await createRole("app");
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: "app", PermissionsBoundary: BOUNDARY }));
    expect(
      (await iam.send(new GetRoleCommand({ RoleName: "app" }))).Role?.PermissionsBoundary
        ?.PermissionsBoundaryArn,
    ).toBe(BOUNDARY);
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: "app" }));
    expect(
      (await iam.send(new GetRoleCommand({ RoleName: "app" }))).Role?.PermissionsBoundary,
    ).toBeUndefined();
    const missing = await rejects(
      iam.send(
        new PutRolePermissionsBoundaryCommand({ RoleName: "app", PermissionsBoundary: `${BOUNDARY}-x` }),
      ),
    );
    expect(missing).toBeInstanceOf(NoSuchEntityException);
  });

  it("a role with only a boundary can be deleted: the boundary is not an attached policy", async () => {
    await createBoundary();
    await iam.send(
      new CreateRoleCommand({
        RoleName: "app",
        AssumeRolePolicyDocument: TRUST_ECS_TASKS,
        PermissionsBoundary: BOUNDARY,
      }),
    );
    await iam.send(new DeleteRoleCommand({ RoleName: "app" }));
    expect(await rejects(iam.send(new GetRoleCommand({ RoleName: "app" })))).toBeInstanceOf(
      NoSuchEntityException,
    );
  });
});
