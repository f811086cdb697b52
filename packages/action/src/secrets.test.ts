import { describe, expect, it } from "vitest";
import { SecretMask } from "./secrets.js";

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
