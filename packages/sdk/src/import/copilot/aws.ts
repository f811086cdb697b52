/**
 * The read-only AWS lookups of `flexjob import copilot`: a secret Copilot names by its SSM
 * parameter or Secrets Manager name becomes the ARN flexjob's config needs, and a Copilot job's
 * live EventBridge rule and Step Functions state machine are found for the cut-over. Nothing here
 * writes to AWS, and no secret value is kept or returned.
 */
import { accountIdOf } from "../../aws/account.js";
import { isAwsError, wrapAwsError } from "../../aws/aws-error.js";
import { type AwsClients, loadSdk } from "../../aws/clients.js";
import { FlexjobError } from "../../errors.js";
import type { CopilotSecretRef } from "./types.js";

/** AWS's answers for a name that is not there, not valid as a name, or not readable by the caller. */
const PARAMETER_MISSING = ["ParameterNotFound", "ParameterVersionNotFound", "ValidationException"];
const SECRET_MISSING = ["ResourceNotFoundException", "InvalidParameterException", "ValidationException"];
const DENIED = ["AccessDeniedException", "AccessDenied"];

/**
 * The ARN a Copilot secret reference resolves to in the clients' account and region, or undefined
 * when it does not exist there or the caller may not read it (the importer then writes a
 * placeholder). Reads metadata only: ssm:GetParameter without decryption (a SecureString's value
 * stays encrypted and is discarded), secretsmanager:DescribeSecret (never the value). A Secrets
 * Manager JSON-key suffix (`name:key:stage:version`) is kept on the ARN, as ECS reads it.
 * Other AWS failures (no credentials, no network) are thrown as FlexjobError. `account` lets a
 * Secrets Manager name given with its random suffix resolve, as Copilot deployed it.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
 * @example
 * await resolveCopilotSecret(clients, { kind: "secretsmanager", name: "demo/test/mysql:password::" })
 * // "arn:aws:secretsmanager:eu-west-1:123456789012:secret:demo/test/mysql-AbCdEf:password::"
 */
export async function resolveCopilotSecret(
  clients: AwsClients,
  ref: CopilotSecretRef,
  account?: string,
): Promise<string | undefined> {
  return ref.kind === "ssm" ? parameterArn(clients, ref.name) : secretArn(clients, ref.name, account);
}

async function parameterArn(clients: AwsClients, name: string): Promise<string | undefined> {
  const { GetParameterCommand } = await loadSdk(clients, "ssm");
  try {
    const { Parameter } = await clients.ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: false }),
    );
    return Parameter?.ARN;
  } catch (error) {
    if (isAwsError(error, ...PARAMETER_MISSING, ...DENIED)) return undefined;
    throw wrapAwsError(error, `reading SSM parameter ${name} (ssm:GetParameter)`);
  }
}

/** A name ending in "-" and 6 letters or digits may be a name with Secrets Manager's random suffix. */
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * The secret's full ARN, with the reference's JSON-key suffix. Copilot turned a `secretsmanager`
 * name into `arn:…:secret:<name>`, so a name given with its random suffix (which Copilot's docs ask
 * for when the name itself ends in "-" and 6 characters) named the complete ARN: when the name is
 * not found and `account` is known, that ARN is tried too.
 */
async function secretArn(
  clients: AwsClients,
  reference: string,
  account: string | undefined,
): Promise<string | undefined> {
  const { id, suffix } = splitSecretReference(reference);
  const asArn =
    account !== undefined && !id.startsWith("arn:") && RANDOM_SUFFIX.test(id)
      ? `arn:${partitionOf(clients.region)}:secretsmanager:${clients.region}:${account}:secret:${id}`
      : undefined;
  for (const secretId of asArn === undefined ? [id] : [id, asArn]) {
    const arn = await describeSecretArn(clients, secretId);
    if (arn !== undefined) return `${arn}${suffix}`;
  }
  return undefined;
}

async function describeSecretArn(clients: AwsClients, id: string): Promise<string | undefined> {
  const { DescribeSecretCommand } = await loadSdk(clients, "secretsmanager");
  try {
    const { ARN } = await clients.secretsmanager.send(new DescribeSecretCommand({ SecretId: id }));
    return ARN;
  } catch (error) {
    if (isAwsError(error, ...SECRET_MISSING, ...DENIED)) return undefined;
    throw wrapAwsError(error, `describing secret ${id} (secretsmanager:DescribeSecret)`);
  }
}

/**
 * A secret reference split into the secret (name or ARN) and the `:json-key:stage:version` part ECS
 * reads after it. A secret's name cannot contain ":", so the first ":" after the name (or after an
 * ARN's seven fields) starts the suffix.
 */
export function splitSecretReference(reference: string): { id: string; suffix: string } {
  const fields = reference.split(":");
  const idFields = reference.startsWith("arn:") ? 7 : 1;
  const id = fields.slice(0, idFields).join(":");
  return { id, suffix: reference.slice(id.length) };
}

/** The reads of the cut-over, for a remedy that names them when AWS denies one. */
const CUTOVER_READS = "states:DescribeStateMachine, events:ListRuleNamesByTarget and events:DescribeRule";

/** An AWS error of the cut-over's reads, with a remedy about reading (not deploying) when denied. */
function readError(error: unknown, doing: string): FlexjobError {
  const wrapped = wrapAwsError(error, doing);
  if (!/AccessDenied|not authorized/i.test(wrapped.message)) return wrapped;
  return new FlexjobError(wrapped.message, {
    code: "AWS_ERROR",
    fault: "aws",
    cause: error,
    remedy: `the credentials need ${CUTOVER_READS} in the Copilot environment's account and region`,
  });
}

/** What Copilot deployed for one Scheduled Job, as AWS reports it now. */
export interface CopilotJobLive {
  /** `<app>-<env>-<job>`, the name Copilot gives the job's state machine. */
  name: string;
  stateMachine: CopilotStateMachine | undefined;
  /** The EventBridge rules on the default bus that start the state machine, by name. */
  rules: CopilotRule[];
}

export interface CopilotStateMachine {
  arn: string;
  /** The whole execution's limit, from the definition's top-level `TimeoutSeconds`. */
  timeoutSeconds: number | undefined;
  /** The first retrier of the task state, as Copilot renders `retries`; undefined without one. */
  retry: { maxAttempts: number; intervalSeconds: number; backoffRate: number } | undefined;
}

export interface CopilotRule {
  name: string;
  arn: string;
  /** `cron(...)` or `rate(...)`; undefined for a rule with an event pattern only. */
  expression: string | undefined;
  state: string;
}

/**
 * Finds a Copilot Scheduled Job's live state machine (`<app>-<env>-<job>`) and the EventBridge rules
 * that target it, read only: sts:GetCallerIdentity (unless `account` is given),
 * states:DescribeStateMachine, events:ListRuleNamesByTarget and events:DescribeRule. A state
 * machine that does not exist gives `stateMachine: undefined` and no rules; any other AWS error
 * (access denied included) is thrown as FlexjobError naming the call.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRuleNamesByTarget.html
 * @example
 * const live = await findCopilotJob(clients, { app: "shop", env: "prod", job: "report" });
 * live.rules[0]?.expression // "cron(0 9 ? * 2-6 *)"
 */
export async function findCopilotJob(
  clients: AwsClients,
  job: { app: string; env: string; job: string; account?: string },
): Promise<CopilotJobLive> {
  const name = `${job.app}-${job.env}-${job.job}`;
  const account = job.account ?? (await accountIdOf(clients));
  const arn = `arn:${partitionOf(clients.region)}:states:${clients.region}:${account}:stateMachine:${name}`;
  const stateMachine = await describeMachine(clients, arn);
  if (stateMachine === undefined) return { name, stateMachine, rules: [] };
  return { name, stateMachine, rules: await rulesTargeting(clients, arn) };
}

/** The partition a region is in, for ARNs built from it. */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

async function describeMachine(clients: AwsClients, arn: string): Promise<CopilotStateMachine | undefined> {
  const { DescribeStateMachineCommand } = await loadSdk(clients, "sfn");
  try {
    const { definition } = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    return { arn, ...runPolicyOf(definition) };
  } catch (error) {
    if (isAwsError(error, "StateMachineDoesNotExist")) return undefined;
    throw readError(error, `describing state machine ${arn} (states:DescribeStateMachine)`);
  }
}

/**
 * The timeout and retry a Copilot definition carries: `TimeoutSeconds` at the top, and the Retry
 * of its one task state. A definition flexjob cannot read gives neither.
 */
export function runPolicyOf(definition: string | undefined): Omit<CopilotStateMachine, "arn"> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition ?? "null");
  } catch {
    return { timeoutSeconds: undefined, retry: undefined };
  }
  const top = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
    TimeoutSeconds?: unknown;
    States?: Record<string, { Retry?: unknown }>;
  };
  const timeoutSeconds = typeof top.TimeoutSeconds === "number" ? top.TimeoutSeconds : undefined;
  const retrier = Object.values(top.States ?? {})
    .map((state) => (Array.isArray(state?.Retry) ? (state.Retry[0] as Record<string, unknown>) : undefined))
    .find((first) => first !== undefined);
  const retry =
    retrier === undefined
      ? undefined
      : {
          // Step Functions' own defaults for a retrier's fields left out.
          maxAttempts: typeof retrier.MaxAttempts === "number" ? retrier.MaxAttempts : 3,
          intervalSeconds: typeof retrier.IntervalSeconds === "number" ? retrier.IntervalSeconds : 1,
          backoffRate: typeof retrier.BackoffRate === "number" ? retrier.BackoffRate : 2,
        };
  return { timeoutSeconds, retry };
}

async function rulesTargeting(clients: AwsClients, targetArn: string): Promise<CopilotRule[]> {
  const { DescribeRuleCommand, ListRuleNamesByTargetCommand } = await loadSdk(clients, "events");
  const names: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await clients.events.send(
        new ListRuleNamesByTargetCommand({ TargetArn: targetArn, ...(token && { NextToken: token }) }),
      );
      names.push(...(page.RuleNames ?? []));
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw readError(error, `listing the rules that start ${targetArn} (events:ListRuleNamesByTarget)`);
  }
  const rules: CopilotRule[] = [];
  for (const name of names) {
    try {
      const rule = await clients.events.send(new DescribeRuleCommand({ Name: name }));
      rules.push({
        name,
        arn: rule.Arn ?? "",
        expression: rule.ScheduleExpression,
        state: rule.State ?? "ENABLED",
      });
    } catch (error) {
      // Deleted between the listing and now: it starts nothing any more.
      if (isAwsError(error, "ResourceNotFoundException")) continue;
      throw readError(error, `describing rule ${name} (events:DescribeRule)`);
    }
  }
  return rules;
}
