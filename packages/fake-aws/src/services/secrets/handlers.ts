import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { deleteParameter, getParameter, putParameter } from "./parameters.js";
import { findSecret, type SecretsEnv, type StoredValue } from "./state.js";

/**
 * The reads of a stored secret: Secrets Manager's GetSecretValue and DescribeSecret (awsJson1_1),
 * answering with the errors the API documents for a value that is not there; and the table of
 * SSM's parameter operations, which `parameters.ts` serves.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */

/** The one version the fake keeps of each value, under the stage Secrets Manager reads by default. */
const CURRENT = "AWSCURRENT";
const VERSION_ID = "00000000-0000-4000-8000-000000000001";

const secretsInvalid = (message: string) => new AwsError("InvalidParameterException", message);

function getSecretValue(env: SecretsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, secretsInvalid);
  const id = r.string("SecretId", { required: true, min: 1, max: 2048 });
  const versionId = r.string("VersionId", { min: 32, max: 64 });
  const stage = r.string("VersionStage", { min: 1, max: 256 }) ?? CURRENT;
  const secret = requireSecret(env, id, ctx);
  if (
    secret.value === undefined ||
    stage !== CURRENT ||
    (versionId !== undefined && versionId !== VERSION_ID)
  ) {
    throw new AwsError(
      "ResourceNotFoundException",
      `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    );
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: VERSION_ID,
    SecretString: secret.value,
    VersionStages: [CURRENT],
    CreatedDate: ctx.now(),
  };
}

/**
 * A secret by its full or partial ARN, or by its name alone in the caller's region. A name given
 * with its random suffix is not its name, so it is not found, as in Secrets Manager.
 */
function requireSecret(env: SecretsEnv, id: string, ctx: CallContext): StoredValue {
  const secret = id.startsWith("arn:")
    ? findSecret(env.state, id)
    : [...env.state.secrets.values()].find((each) => each.name === id && each.region === ctx.region);
  if (secret === undefined) {
    throw new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  }
  return secret;
}

/**
 * A secret's details without its value: only the fields that have one, as Secrets Manager answers
 * (the fake keeps no dates, rotation or tags, so those are absent).
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
 */
function describeSecret(env: SecretsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, secretsInvalid);
  const secret = requireSecret(env, r.string("SecretId", { required: true, min: 1, max: 2048 }), ctx);
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.kmsKeyArn !== undefined && { KmsKeyId: secret.kmsKeyArn }),
    ...(secret.value !== undefined && { VersionIdsToStages: { [VERSION_ID]: [CURRENT] } }),
  };
}

const SECRETS_OPERATIONS: Record<string, OperationHandler<SecretsEnv>> = {
  GetSecretValue: getSecretValue,
  DescribeSecret: describeSecret,
};
const SSM_OPERATIONS: Record<string, OperationHandler<SecretsEnv>> = {
  GetParameter: getParameter,
  PutParameter: putParameter,
  DeleteParameter: deleteParameter,
};
/** The SSM operations that change state, for the call log. */
export const SSM_MUTATING: ReadonlySet<string> = new Set(["PutParameter", "DeleteParameter"]);

export function secretsManagerHandlers(env: SecretsEnv): Record<string, Handler> {
  return bindHandlers(env, SECRETS_OPERATIONS);
}

export function ssmHandlers(env: SecretsEnv): Record<string, Handler> {
  return bindHandlers(env, SSM_OPERATIONS);
}
