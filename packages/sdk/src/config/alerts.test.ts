import { describe, expect, it } from "vitest";
import { issuesOf, problems, withJob } from "../../test/config-helpers.js";
import { parseConfig } from "./parse.js";
import { secretsInConfig } from "./secret-fields.js";

const HOOK_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-hook-AbCdEf";
const HOOK_URL = "https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/Zx8kQ2mN4pL7rT1vW9yB3cD5";
const WEBHOOK_REMEDY =
  'write the https URL of the webhook, or better the ARN of a Secrets Manager secret or SSM parameter holding it ("arn:aws:secretsmanager:<region>:<account>:secret:<name>")';

const appAlerts = (alerts: unknown) => parseConfig(withJob({}, { alerts })).alerts;
const jobAlerts = (alerts: unknown, app?: unknown) =>
  parseConfig(withJob({ alerts }, app === undefined ? {} : { alerts: app })).jobs[0]?.alerts;

describe("alerts", () => {
  it("are off unless the app or the job sets them", () => {
    const config = parseConfig(withJob({}));
    expect([config.alerts, config.jobs[0]?.alerts]).toEqual([undefined, undefined]);
  });

  it("alert on every outcome unless on says which, listed once each in a fixed order", () => {
    expect(appAlerts({ email: ["ops@example.com", "ops@example.com"], webhook: HOOK_ARN })).toEqual({
      email: ["ops@example.com"],
      webhook: { kind: "secret", arn: HOOK_ARN },
      on: ["failed", "timedOut", "missed"],
    });
    expect(appAlerts({ webhook: HOOK_URL, on: ["missed", "failed", "missed"] })).toEqual({
      email: [],
      webhook: { kind: "url", url: HOOK_URL },
      on: ["failed", "missed"],
    });
  });

  it("let a job set its own, turn them off, or inherit the app's", () => {
    const app = { email: ["ops@example.com"] };
    expect(jobAlerts({ email: ["night@example.com"], on: ["timedOut"] }, app)).toEqual({
      email: ["night@example.com"],
      webhook: undefined,
      on: ["timedOut"],
    });
    expect(jobAlerts(false, app)).toBe(false);
    expect(parseConfig(withJob({}, { alerts: app })).jobs[0]?.alerts).toBeUndefined();
  });

  it("refuse an alerts block that tells nobody, at the app and in a job", () => {
    const remedy =
      "add email: [ops@example.com] or webhook: <secret ARN or https URL>; for a job, alerts: false turns them off";
    expect(problems(withJob({ alerts: { on: ["failed"] } }, { alerts: { email: [] } }))).toEqual([
      ["alerts", "alerts has neither email nor webhook, so nobody would be told", remedy],
      ["jobs.nightly.alerts", "alerts has neither email nor webhook, so nobody would be told", remedy],
    ]);
  });

  it("refuse alerts: true in a job, saying what to write", () => {
    expect(problems(withJob({ alerts: true }))).toEqual([
      [
        "jobs.nightly.alerts",
        "alerts: true is not a setting: a job has the app's alerts unless it sets its own",
        "remove alerts to use the app's, write alerts: false to turn them off, or give the job its own alerts",
      ],
    ]);
  });

  it("refuse an address that is not one, and an empty or unknown outcome", () => {
    expect(problems(withJob({}, { alerts: { email: ["ops(at)example.com"], on: [] } }))).toEqual([
      [
        "alerts.email.0",
        'email "ops(at)example.com" is not an email address',
        "write each address in full, such as ops@example.com",
      ],
      ["alerts.on", "alerts.on is empty", "give at least one value, or leave alerts.on out"],
    ]);
    expect(problems(withJob({}, { alerts: { email: ["a@example.com"], on: ["failed", "queued"] } }))).toEqual(
      [
        [
          "alerts.on.1",
          'alerts.on[1] must be "failed", "timedOut" or "missed", got "queued"',
          'use one of "failed", "timedOut", "missed"',
        ],
      ],
    );
  });

  it("refuse a plain http webhook, one with credentials in it, and one that is no URL or ARN", () => {
    const webhook = (value: string) => problems(withJob({}, { alerts: { webhook: value } }));
    expect(webhook("http://hooks.example.com/T0/B0/abcdef")).toEqual([
      [
        "alerts.webhook",
        "webhook is a plain http URL (not shown): alerts go only to https, so that the URL, a secret, never crosses the network in the clear",
        WEBHOOK_REMEDY,
      ],
    ]);
    expect(webhook("https://bot:hunter2@hooks.example.com/post")).toEqual([
      [
        "alerts.webhook",
        "webhook has a user name or password in its URL (not shown), which would end up in git",
        "store the URL in Secrets Manager or SSM Parameter Store and give its ARN as webhook instead",
      ],
    ]);
    expect(webhook("hooks.example.com/T0/B0/abcdef")[0]?.[1]).toBe(
      "webhook is neither a URL nor an ARN (the value is not shown: a webhook URL is a secret)",
    );
    expect(webhook("ftp://hooks.example.com/abcdef")[0]?.[1]).toBe(
      "webhook is a ftp: URL (not shown), not https",
    );
    expect(webhook("arn:aws:sns:eu-west-1:123456789012:alerts")[0]?.[1]).toBe(
      "webhook the value is not valid: it is not a Secrets Manager secret or SSM parameter ARN (the value is not shown, as it may be the secret itself)",
    );
  });

  it("never quote a webhook URL in a config error, and count it among the config's secrets", () => {
    // Not a well-known webhook shape: only its field says it is a secret.
    const url = "https://example.com/hooks/opsroom-2025";
    const configs = [
      withJob({}, { alerts: { webhook: [url] } }),
      withJob({ alerts: { webhook: [url], email: ["ops@example.com"] } }),
      withJob({}, { alerts: { webhook: url.replace("https:", "http:") } }),
      withJob({}, { alerts: { webhook: HOOK_URL, on: "failed" } }),
    ];
    for (const raw of configs) {
      expect(JSON.stringify(issuesOf(raw))).not.toContain("opsroom-2025");
      expect(JSON.stringify(issuesOf(raw))).not.toContain("Zx8kQ2mN4pL7rT1vW9yB3cD5");
    }
    expect(secretsInConfig(withJob({ alerts: { webhook: url } }, { alerts: { webhook: HOOK_URL } }))).toEqual(
      [HOOK_URL, url],
    );
  });
});
