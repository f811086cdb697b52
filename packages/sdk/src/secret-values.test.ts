import { describe, expect, it } from "vitest";
import type { PlanOf as Plan } from "./plan/types.js";
import {
  looksSecret,
  redactPlan,
  redactSecretData,
  redactSecretText,
  secretsInText,
} from "./secret-values.js";

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

describe("credentials in URLs", () => {
  it.each([
    ["redis://:hunter2@cache:6379", "redis://:***@cache:6379", ["hunter2"]],
    ["postgres://app:pa55word@db:5432/app", "postgres://app:***@db:5432/app", ["pa55word"]],
    ["postgres+psycopg://app:hunter2@db/app", "postgres+psycopg://app:***@db/app", ["hunter2"]],
    [
      "mongodb+srv://admin:hunter2@cluster0.example.net",
      "mongodb+srv://admin:***@cluster0.example.net",
      ["hunter2"],
    ],
    ["amqp://u:p%40ss%3Aw0rd@mq", "amqp://u:***@mq", ["p%40ss%3Aw0rd", "p@ss:w0rd"]],
    ["redis://:p@ss@cache:6379", "redis://:***@cache:6379", ["p@ss"]],
    [
      "https://ghp_0123456789abcdefghijABCDEFGHIJ0123456789@github.com/o/r.git",
      "https://***@github.com/o/r.git",
      ["ghp_0123456789abcdefghijABCDEFGHIJ0123456789"],
    ],
    [
      // A URL given where a file path belongs, as path resolution prints it: one slash left.
      "no such file /work/https:/bob:hunter2@host/f.yml",
      "no such file /work/https:/bob:***@host/f.yml",
      ["hunter2"],
    ],
    [
      "psql postgres://app:hunter2@db/app -c 'select 1'",
      "psql postgres://app:***@db/app -c 'select 1'",
      ["hunter2"],
    ],
  ])("%s: the password or token user is redacted and found", (text, redacted, secrets) => {
    expect(redactSecretText(text)).toBe(redacted);
    expect(secretsInText(text)).toEqual(secrets);
    expect(looksSecret("URL", text)).toBe(true);
  });

  it.each([
    "https://git@github.com/o/r.git",
    "postgres://app@db/app",
    "postgres://app:@db/app",
    "see https://example.com/a@b",
    "mail me at ops@example.com",
  ])("%s holds no secret", (text) => {
    expect(redactSecretText(text)).toBe(text);
    expect(secretsInText(text)).toEqual([]);
  });
});

describe("webhook URLs", () => {
  const SLACK = "https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/Zx8kQ2mN4pL7rT1vW9yB3cD5";
  const DISCORD = "https://discord.com/api/webhooks/1234567890/abcDEF_ghi-JKL";
  const TEAMS = "https://contoso.webhook.office.com/webhookb2/7aa4b9c2-5f1e/IncomingWebhook/d0e1f2/a3b4";

  it("redacts a Slack, Discord or Teams webhook URL whole, wherever it is in the data", () => {
    expect(
      redactSecretData({ alerts: { webhook: SLACK }, posted: [`POST ${DISCORD}`, `to ${TEAMS}.`] }),
    ).toEqual({
      alerts: { webhook: "***" },
      posted: ["POST ***", "to ***"],
    });
    expect([SLACK, DISCORD, TEAMS].map((url) => looksSecret("WEBHOOK", url))).toEqual([true, true, true]);
  });

  it("redacts the value of a credential-named query parameter and keeps the rest of the URL", () => {
    expect(redactSecretText("https://hooks.example.com/notify?token=s3cr3tT0ken&channel=ops")).toBe(
      "https://hooks.example.com/notify?token=***&channel=ops",
    );
    expect(
      redactSecretText("https://chat.googleapis.com/v1/spaces/AAA/messages?key=AIzaSyD-x&token=abc123"),
    ).toBe("https://chat.googleapis.com/v1/spaces/AAA/messages?key=***&token=***");
    expect(secretsInText("https://example.com/x?Sig=abc%2Fdef")).toEqual(["abc%2Fdef"]);
  });

  it("leaves a URL without credentials alone", () => {
    const text = "https://example.com/hooks/report?channel=ops&monkey=1";
    expect(redactSecretText(text)).toBe(text);
  });
});

describe("redactPlan", () => {
  it("redacts URL credentials anywhere in the plan, a command line included", () => {
    const plan: Plan = {
      app: "shop",
      region: "eu-west-1",
      accountId: "123456789012",
      notes: [],
      steps: [
        {
          kind: "task-definition",
          id: "shop-report",
          action: "create",
          changes: [],
          desired: { container: { command: ["psql", "postgres://app:hunter2@db/app"] } },
        },
      ],
    };
    expect(redactPlan(plan).steps[0]?.desired).toEqual({
      container: { command: ["psql", "postgres://app:***@db/app"] },
    });
  });

  it("hides secret-looking env values in changes and in the task definitions the plan carries", () => {
    const container = {
      environment: [
        { name: "API_TOKEN", value: "s3cr3t-value" },
        { name: "LOG_LEVEL", value: "info" },
      ],
    };
    const plan: Plan = {
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
            { path: "container.environment.API_TOKEN", before: "old-s3cr3t", after: "s3cr3t-value" },
            { path: "container.environment.LOG_LEVEL", before: "debug", after: "info" },
            { path: "cpu", before: "256", after: "512" },
          ],
          desired: { family: "shop-report", container },
          live: { arn: "arn", spec: { family: "shop-report", container } },
        },
      ],
    };
    const redacted = redactPlan(plan);
    expect(JSON.stringify(redacted)).not.toContain("s3cr3t");
    expect(redacted.steps[0]?.changes).toEqual([
      { path: "container.environment.API_TOKEN", before: "***", after: "***" },
      { path: "container.environment.LOG_LEVEL", before: "debug", after: "info" },
      { path: "cpu", before: "256", after: "512" },
    ]);
    expect(JSON.stringify(redacted)).toContain('"LOG_LEVEL","value":"info"');
    expect(JSON.stringify(plan)).toContain("s3cr3t-value");
  });
});
