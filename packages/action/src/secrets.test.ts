import { describe, expect, it } from "vitest";
import { looksSecret, SecretMask } from "./secrets.js";

describe("looksSecret", () => {
  it.each([
    ["API_TOKEN", "s3cr3t-value"],
    ["DB_PASSWORD", "hunter2"],
    ["github_token", "x"],
    ["STRIPE_API_KEY", "abc"],
    ["APIKEY", "abc"],
    ["PRIVATE_KEY_PATH", "/run/key"],
    ["AWS_CREDENTIALS", "abc"],
    ["OAUTH_CLIENT", "abc"],
    ["CLIENT_SECRET", "abc"],
  ])("masks %s by its name", (name, value) => {
    expect(looksSecret(name, value)).toBe(true);
  });

  it.each([
    ["ACCESS", "AKIAIOSFODNN7EXAMPLE"],
    ["KEY_PEM", "-----BEGIN RSA PRIVATE KEY-----\nMIIE..."],
    ["GH", "ghp_0123456789abcdefghijABCDEFGHIJ0123456789"],
    ["SLACK", "xoxb-1234567890-abcdefghij"],
    ["JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
    ["DATABASE_URL", "postgres://app:pa55word@db.internal:5432/app"],
    ["SIGNING", "q8Zr2vN5xT1bW7kLm3Pc9Hd4Fj6Gs0Ya"],
    ["COMMIT", "9fceb02d0ae598e95dc970b74767f19372d61af8"],
  ])("masks %s by its value", (name, value) => {
    expect(looksSecret(name, value)).toBe(true);
  });

  it.each([
    ["LOG_LEVEL", "info"],
    ["REPORT_BUCKET", "billing-reports-production-eu"],
    ["DATABASE_URL", "postgres://db.internal:5432/app"],
    ["IMAGE", "public.ecr.aws/docker/library/python:3.13-slim"],
    ["QUEUE_ARN", "arn:aws:sqs:eu-west-1:123456789012:billing-jobs"],
    ["BATCH_SIZE", "500"],
    ["STARTED", "2026-12-01T09:00:00Z"],
    ["AUTHOR", ""],
  ])("leaves %s=%s readable", (name, value) => {
    // AUTHOR matches the name rule, but an empty value has nothing to hide.
    expect(looksSecret(name, value)).toBe(false);
  });
});

describe("SecretMask", () => {
  it("registers each masked value once, and each line of a multi-line one", () => {
    const registered: string[] = [];
    const mask = new SecretMask((value) => registered.push(value));
    expect(
      mask.maskEnv({ API_TOKEN: "s3cr3t", LOG_LEVEL: "info", PEM: "-----BEGIN PRIVATE KEY-----\nabc123" }),
    ).toEqual(["API_TOKEN", "PEM"]);
    mask.maskEnv({ OTHER_TOKEN: "s3cr3t" });
    expect(registered).toEqual([
      "s3cr3t",
      "-----BEGIN PRIVATE KEY-----\nabc123",
      "-----BEGIN PRIVATE KEY-----",
      "abc123",
    ]);
  });

  it("redacts in text, in JSON text and in data, keys included", () => {
    const mask = new SecretMask(() => {});
    mask.add('pa"ss');
    mask.add("s3cr3t");
    expect(mask.redact('token s3cr3t and pa"ss')).toBe("token *** and ***");
    expect(mask.redact(JSON.stringify({ value: 'pa"ss' }))).toBe('{"value":"***"}');
    expect(mask.redactData({ list: ["x s3cr3t"], s3cr3t: 1, n: 2 })).toEqual({
      list: ["x ***"],
      "***": 1,
      n: 2,
    });
  });

  it("masks env values a plan brings back from AWS, by the same rule", () => {
    const registered: string[] = [];
    const mask = new SecretMask((value) => registered.push(value));
    mask.maskPlan({
      app: "shop",
      region: "eu-west-1",
      accountId: "123456789012",
      notes: [],
      steps: [
        {
          kind: "task-definition",
          id: "shop-report",
          action: "update",
          changes: [
            { path: "container.environment.API_TOKEN", before: "old-token", after: "new-token" },
            { path: "container.environment.LOG_LEVEL", before: "info", after: "debug" },
          ],
        },
      ],
    });
    expect(registered).toEqual(["old-token", "new-token"]);
  });
});
