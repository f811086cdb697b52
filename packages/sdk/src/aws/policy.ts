import { byCodeUnits } from "../text-order.js";

/** IAM policy documents as flexjob writes them: always the 2012-10-17 language, statements in order. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * iam:PassRole on `roles`, only to `service`. The condition names one exact service principal, so
 * it is a StringEquals match (no wildcard can widen it), as AWS's own examples write it:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService
 */
export function passRoleStatement(sid: string, roles: string | string[], service: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "iam:PassRole",
    Resource: roles,
    Condition: { StringEquals: { "iam:PassedToService": service } },
  };
}

/**
 * Tagging the tasks RunTask starts: ECS authorizes the tags of a RunTask as TagResource on the new
 * task with `ecs:CreateAction` RunTask. `tasks` is the cluster's task ARN pattern.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html
 */
export function tagAtRunTaskStatement(sid: string, tasks: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "ecs:TagResource",
    Resource: tasks,
    Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
  };
}

/**
 * An ECS create that takes no resource ARN (CreateCluster, RegisterTaskDefinition), allowed only
 * with the app's tag in the request, and the tagging it does in the same call, which ECS authorizes
 * as TagResource with `ecs:CreateAction`.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html
 */
export function ecsCreateStatements(
  sids: { create: string; tag: string },
  operation: string,
  scope: { app: string; tagKey: string; resources: string | string[] },
): PolicyStatement[] {
  return [
    {
      Sid: sids.create,
      Effect: "Allow",
      Action: `ecs:${operation}`,
      Resource: "*",
      Condition: { StringEquals: { [`aws:RequestTag/${scope.tagKey}`]: scope.app } },
    },
    {
      Sid: sids.tag,
      Effect: "Allow",
      Action: "ecs:TagResource",
      Resource: scope.resources,
      Condition: { StringEquals: { "ecs:CreateAction": operation } },
    },
  ];
}

/**
 * IAM hands documents back URL-encoded and may reorder nothing but whitespace; comparing the parsed
 * JSON, with single-element arrays and strings treated alike, avoids false "changed" plans.
 */
export function normalisePolicy(document: unknown): unknown {
  if (Array.isArray(document)) {
    const items = document.map(normalisePolicy);
    return items.length === 1 ? items[0] : items;
  }
  if (document !== null && typeof document === "object") {
    return Object.fromEntries(
      Object.entries(document)
        .sort(([a], [b]) => byCodeUnits(a, b))
        .map(([key, value]) => [key, normalisePolicy(value)]),
    );
  }
  return document;
}

/** Parses a policy document as IAM returns it (URL-encoded JSON) or as flexjob wrote it. */
export function parsePolicyDocument(text: string): unknown {
  return JSON.parse(text.trimStart().startsWith("{") ? text : decodeURIComponent(text));
}
