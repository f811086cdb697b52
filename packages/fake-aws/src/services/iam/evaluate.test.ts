import { describe, expect, it } from "vitest";
import { authorize, evaluate, wildcard } from "./evaluate.js";

const ROLE = "arn:aws:iam::123456789012:role/app-flexjob-execution";
const allow = (statement: Record<string, unknown>) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", ...statement }],
});

describe("evaluate", () => {
  it("allows only what an Allow statement names, action wildcards ignoring case", () => {
    const policy = allow({ Action: ["iam:Get*", "ecs:RunTask"], Resource: "*" });
    expect(evaluate([policy], { action: "iam:GetRole", resource: ROLE })).toBe("Allow");
    expect(evaluate([policy], { action: "IAM:getrole", resource: ROLE })).toBe("Allow");
    expect(evaluate([policy], { action: "iam:PutRolePolicy", resource: ROLE })).toBe("ImplicitDeny");
    expect(evaluate([], { action: "iam:GetRole", resource: ROLE })).toBe("ImplicitDeny");
  });

  it("matches resources with * across / and :, ? as one character, and case-sensitively", () => {
    expect(wildcard("arn:aws:iam::*:role/app-*", ROLE, false)).toBe(true);
    expect(
      wildcard(
        "arn:aws:logs:*:*:log-group:/flexjob/app/*",
        "arn:aws:logs:eu-west-1:1:log-group:/flexjob/app/a:*",
        false,
      ),
    ).toBe(true);
    expect(wildcard("arn:aws:iam::*:role/APP-*", ROLE, false)).toBe(false);
    expect(wildcard("secret:db-??????", "secret:db-AbCdEf", false)).toBe(true);
    expect(wildcard("secret:db-??????", "secret:db-AbCdE", false)).toBe(false);
  });

  it("explicit deny wins over any allow, in any policy", () => {
    const grant = allow({ Action: "*", Resource: "*" });
    const deny = { Statement: { Effect: "Deny", Action: "iam:*", Resource: "*" } };
    expect(evaluate([grant, deny], { action: "iam:CreateRole", resource: ROLE })).toBe("ExplicitDeny");
    expect(evaluate([grant, deny], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" })).toBe("Allow");
  });

  it("NotAction and NotResource match everything except what they name", () => {
    const policy = allow({ NotAction: "iam:*", NotResource: "arn:aws:s3:::secret/*" });
    expect(evaluate([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::public/a" })).toBe("Allow");
    expect(evaluate([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::secret/a" })).toBe(
      "ImplicitDeny",
    );
    expect(evaluate([policy], { action: "iam:GetRole", resource: "arn:aws:s3:::public/a" })).toBe(
      "ImplicitDeny",
    );
  });

  it("reads documents as JSON text and as IAM's URL-encoded text", () => {
    const text = JSON.stringify(allow({ Action: "iam:GetRole", Resource: ROLE }));
    expect(evaluate([text], { action: "iam:GetRole", resource: ROLE })).toBe("Allow");
    expect(evaluate([encodeURIComponent(text)], { action: "iam:GetRole", resource: ROLE })).toBe("Allow");
  });
});

describe("conditions", () => {
  const check = (condition: Record<string, unknown>, context: Record<string, string | string[] | boolean>) =>
    evaluate([allow({ Action: "*", Resource: "*", Condition: condition })], {
      action: "iam:CreateRole",
      resource: ROLE,
      context,
    });

  it("StringEquals: any listed value, key names ignoring case, values exact; a missing key fails", () => {
    const condition = { StringEquals: { "iam:PermissionsBoundary": ["arn:a", "arn:b"] } };
    expect(check(condition, { "IAM:permissionsboundary": "arn:b" })).toBe("Allow");
    expect(check(condition, { "iam:PermissionsBoundary": "ARN:B" })).toBe("ImplicitDeny");
    expect(check(condition, {})).toBe("ImplicitDeny");
  });

  it("StringNotEquals and ArnNotLike hold when the key is missing; IfExists holds too", () => {
    expect(check({ StringNotEquals: { "aws:SourceAccount": "1" } }, {})).toBe("Allow");
    expect(check({ StringNotEquals: { "aws:SourceAccount": "1" } }, { "aws:SourceAccount": "1" })).toBe(
      "ImplicitDeny",
    );
    expect(check({ ArnNotLike: { "aws:SourceArn": "arn:aws:s3:::*" } }, {})).toBe("Allow");
    expect(check({ StringEqualsIfExists: { "aws:SourceAccount": "1" } }, {})).toBe("Allow");
    expect(check({ StringEqualsIfExists: { "aws:SourceAccount": "1" } }, { "aws:SourceAccount": "2" })).toBe(
      "ImplicitDeny",
    );
  });

  it("StringLike and ArnLike use wildcards; ArnLike compares part by part", () => {
    const group = "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/flexjob-shop";
    expect(
      check(
        { ArnLike: { "aws:SourceArn": "arn:aws:scheduler:*:123456789012:schedule-group/flexjob-shop" } },
        { "aws:SourceArn": group },
      ),
    ).toBe("Allow");
    expect(
      check(
        { ArnLike: { "aws:SourceArn": "arn:aws:scheduler:*:999999999999:*" } },
        { "aws:SourceArn": group },
      ),
    ).toBe("ImplicitDeny");
    expect(check({ ArnEquals: { "aws:SourceArn": group } }, { "aws:SourceArn": group })).toBe("Allow");
    expect(check({ ArnLike: { "aws:SourceArn": "arn:aws:*" } }, { "aws:SourceArn": "not-an-arn" })).toBe(
      "ImplicitDeny",
    );
    expect(
      check(
        { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
        { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
      ),
    ).toBe("Allow");
    expect(
      check(
        { StringNotLike: { "kms:ViaService": "ssm.*" } },
        { "kms:ViaService": "ssm.eu-west-1.amazonaws.com" },
      ),
    ).toBe("ImplicitDeny");
  });

  it("Bool compares true/false as text or booleans; Null tests presence", () => {
    expect(check({ Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": true })).toBe("Allow");
    expect(check({ Bool: { "aws:SecureTransport": true } }, { "aws:SecureTransport": "false" })).toBe(
      "ImplicitDeny",
    );
    expect(check({ Null: { "iam:PermissionsBoundary": "true" } }, {})).toBe("Allow");
    expect(
      check({ Null: { "iam:PermissionsBoundary": "true" } }, { "iam:PermissionsBoundary": "arn:a" }),
    ).toBe("ImplicitDeny");
    expect(
      check({ Null: { "iam:PermissionsBoundary": "false" } }, { "iam:PermissionsBoundary": "arn:a" }),
    ).toBe("Allow");
  });

  it("ForAnyValue needs one request value to match, ForAllValues every one (and holds on none)", () => {
    const keys = { "aws:TagKeys": ["flexjob:app", "owner"] };
    expect(check({ "ForAnyValue:StringEquals": { "aws:TagKeys": "owner" } }, keys)).toBe("Allow");
    expect(check({ "ForAllValues:StringEquals": { "aws:TagKeys": "owner" } }, keys)).toBe("ImplicitDeny");
    expect(check({ "ForAllValues:StringLike": { "aws:TagKeys": ["flexjob:*", "owner"] } }, keys)).toBe(
      "Allow",
    );
    expect(check({ "ForAllValues:StringEquals": { "aws:TagKeys": "owner" } }, {})).toBe("Allow");
    expect(check({ "ForAnyValue:StringEquals": { "aws:TagKeys": "owner" } }, {})).toBe("ImplicitDeny");
    expect(check({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": "owner" } }, keys)).toBe("Allow");
  });

  it("every operator and every key must hold; an unknown operator never does", () => {
    const both = {
      StringEquals: { "aws:SourceAccount": "1" },
      ArnLike: { "aws:SourceArn": "arn:aws:ecs:*:1:*" },
    };
    expect(check(both, { "aws:SourceAccount": "1", "aws:SourceArn": "arn:aws:ecs:eu-west-1:1:task/x" })).toBe(
      "Allow",
    );
    expect(check(both, { "aws:SourceAccount": "1" })).toBe("ImplicitDeny");
    expect(
      check({ NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "1" }),
    ).toBe("ImplicitDeny");
  });
});

describe("authorize", () => {
  const everything = allow({ Action: "*", Resource: "*" });
  const boundary = allow({ Action: ["logs:PutLogEvents", "ecs:RunTask"], Resource: "*" });

  it("with a boundary, allows only what both the identity policies and the boundary allow", () => {
    const principal = { identity: [everything], boundary };
    expect(authorize(principal, { action: "ecs:RunTask", resource: "*" })).toBe("Allow");
    expect(authorize(principal, { action: "iam:PutRolePolicy", resource: ROLE })).toBe("ImplicitDeny");
    expect(authorize({ identity: [], boundary }, { action: "ecs:RunTask", resource: "*" })).toBe(
      "ImplicitDeny",
    );
  });

  it("a Deny in the boundary denies explicitly", () => {
    const denying = { Statement: [{ Effect: "Deny", Action: "ecs:*", Resource: "*" }] };
    expect(
      authorize({ identity: [everything], boundary: denying }, { action: "ecs:RunTask", resource: "*" }),
    ).toBe("ExplicitDeny");
  });

  it("matches trust-policy principals by type and value", () => {
    const trust = {
      Statement: [
        { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    };
    const request = { action: "sts:AssumeRole", resource: ROLE };
    expect(evaluate([trust], { ...request, principal: { Service: "scheduler.amazonaws.com" } })).toBe(
      "Allow",
    );
    expect(evaluate([trust], { ...request, principal: { Service: "ecs-tasks.amazonaws.com" } })).toBe(
      "ImplicitDeny",
    );
    expect(evaluate([trust], { ...request, principal: { AWS: "arn:aws:iam::999999999999:root" } })).toBe(
      "ImplicitDeny",
    );
  });
});
