import { type FakeAws, startFakeAws } from "fake-aws";
import { scheduledStateMachine } from "fake-aws/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClients } from "../../aws/clients.js";
import { isFlexjobError } from "../../errors.js";
import { findCopilotJob, resolveCopilotSecret, runPolicyOf, splitSecretReference } from "./aws.js";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
let aws: FakeAws;

beforeAll(async () => {
  aws = await startFakeAws({ region: REGION });
});
afterAll(() => aws.close());
beforeEach(() => aws.reset());

const clients = () => createClients({ region: REGION, endpoint: aws.url, maxAttempts: 1 });

/** The state machine and rule Copilot deploys for a Scheduled Job (research notes §3.1), in fake-aws. */
async function copilotJob(name: string, rule: { expression: string; state: "ENABLED" | "DISABLED" }) {
  await scheduledStateMachine(aws, {
    name,
    rule: `${name}-Rule-1A2B3C4D5E6F`,
    ...rule,
  });
}

describe("resolveCopilotSecret", () => {
  it("turns an SSM parameter name into its ARN, and a Secrets Manager name into its full ARN with the JSON key kept", async () => {
    aws.secrets.putParameter("/copilot/shop/prod/secrets/DB_PASSWORD", { value: "hunter2" });
    const secret = aws.secrets.put("demo/test/mysql", { suffix: "AbCdEf", value: '{"password":"x"}' });
    const c = clients();
    expect(
      await resolveCopilotSecret(c, { kind: "ssm", name: "/copilot/shop/prod/secrets/DB_PASSWORD" }),
    ).toBe(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/copilot/shop/prod/secrets/DB_PASSWORD`);
    expect(await resolveCopilotSecret(c, { kind: "secretsmanager", name: "demo/test/mysql" })).toBe(secret);
    expect(
      await resolveCopilotSecret(c, { kind: "secretsmanager", name: "demo/test/mysql:password::" }),
    ).toBe(`${secret}:password::`);
    // Reads metadata only: the parameter's value is never decrypted.
    expect(aws.calls.map((call) => [call.operation, call.input])).toContainEqual([
      "GetParameter",
      { Name: "/copilot/shop/prod/secrets/DB_PASSWORD", WithDecryption: false },
    ]);
  });

  it("finds a secret named with its random suffix by the ARN Copilot built from it, when the account is known", async () => {
    const arn = aws.secrets.put("db-pass", { suffix: "AbCdEf", value: "x" });
    const ref = { kind: "secretsmanager", name: "db-pass-AbCdEf:password::" } as const;
    expect(await resolveCopilotSecret(clients(), ref, ACCOUNT)).toBe(`${arn}:password::`);
    expect(await resolveCopilotSecret(clients(), ref)).toBeUndefined();
  });

  it("answers undefined, without throwing, for a parameter or secret that is not there", async () => {
    const c = clients();
    expect(await resolveCopilotSecret(c, { kind: "ssm", name: "/missing" })).toBeUndefined();
    expect(await resolveCopilotSecret(c, { kind: "secretsmanager", name: "missing:key::" })).toBeUndefined();
  });
});

describe("splitSecretReference", () => {
  it("splits a name or an ARN from its JSON-key suffix", () => {
    expect(splitSecretReference("demo/mysql:password::")).toEqual({
      id: "demo/mysql",
      suffix: ":password::",
    });
    expect(splitSecretReference("demo/mysql")).toEqual({ id: "demo/mysql", suffix: "" });
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:db-AbCdEf`;
    expect(splitSecretReference(`${arn}:user:AWSCURRENT:`)).toEqual({ id: arn, suffix: ":user:AWSCURRENT:" });
  });
});

describe("findCopilotJob", () => {
  it("reads the state machine's timeout and retry and the rule that starts it", async () => {
    await copilotJob("shop-prod-report", { expression: "cron(0 9 ? * 2-6 *)", state: "ENABLED" });
    aws.clearCalls();
    const machine = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:shop-prod-report`;
    expect(await findCopilotJob(clients(), { app: "shop", env: "prod", job: "report" })).toEqual({
      name: "shop-prod-report",
      stateMachine: {
        arn: machine,
        timeoutSeconds: 5400,
        retry: { maxAttempts: 3, intervalSeconds: 10, backoffRate: 1.5 },
      },
      rules: [
        {
          name: "shop-prod-report-Rule-1A2B3C4D5E6F",
          arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/shop-prod-report-Rule-1A2B3C4D5E6F`,
          expression: "cron(0 9 ? * 2-6 *)",
          state: "ENABLED",
        },
      ],
    });
    expect(aws.calls.map((call) => call.operation)).toEqual([
      "GetCallerIdentity",
      "DescribeStateMachine",
      "ListRuleNamesByTarget",
      "DescribeRule",
    ]);
  });

  it("answers no state machine and no rules for a job Copilot never deployed there", async () => {
    expect(
      await findCopilotJob(clients(), { app: "shop", env: "prod", job: "gone", account: ACCOUNT }),
    ).toEqual({ name: "shop-prod-gone", stateMachine: undefined, rules: [] });
  });

  it("throws a FlexjobError naming the call when AWS fails otherwise", async () => {
    const failing = createClients({ region: REGION, endpoint: "http://127.0.0.1:9", maxAttempts: 1 });
    const error = await findCopilotJob(failing, { app: "a", env: "e", job: "j", account: ACCOUNT }).catch(
      (caught: unknown) => caught,
    );
    expect(isFlexjobError(error) && error.message).toMatch(/^describing state machine arn:aws:states:/);
  });
});

describe("runPolicyOf", () => {
  it("reads no timeout or retry from a definition without them, or one that is not JSON", () => {
    expect(runPolicyOf(JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }))).toEqual(
      {
        timeoutSeconds: undefined,
        retry: undefined,
      },
    );
    expect(runPolicyOf("not json")).toEqual({ timeoutSeconds: undefined, retry: undefined });
  });
});
