import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { findParameter, findSecret, type SecretsState, type StoredValue } from "./state.js";

/**
 * The reads of a stored value: Secrets Manager's GetSecretValue and DescribeSecret and SSM's
 * GetParameter (all awsJson1_1), answering with the errors each API documents for a value that is not there.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 */

export interface SecretsEnv {
  state: SecretsState;
}

/** The one version the fake keeps of each value, under the stage Secrets Manager reads by default. */
const CURRENT = "AWSCURRENT";
const VERSION_ID = "00000000-0000-4000-8000-000000000001";

const secretsInvalid = (message: string) => new AwsError("InvalidParameterException", message);
const ssmInvalid = (message: string) => new AwsError("ValidationException", message);

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

/** A SecureString read without decryption: its ciphertext, which is not the value. */
function encrypted(parameter: StoredValue): string {
  return Buffer.from(`fake-aws-kms:${parameter.arn}`).toString("base64");
}

function getParameter(env: SecretsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, ssmInvalid);
  const name = r.string("Name", { required: true, min: 1, max: 2048 });
  const decrypt = r.bool("WithDecryption") ?? false;
  const parameter = findParameter(env.state, name, ctx.region);
  if (parameter === undefined || parameter.value === undefined) {
    throw new AwsError("ParameterNotFound", `Parameter ${name} not found.`);
  }
  return {
    Parameter: {
      Name: parameter.name,
      Type: "SecureString",
      Value: decrypt ? parameter.value : encrypted(parameter),
      Version: 1,
      ARN: parameter.arn,
      DataType: "text",
      LastModifiedDate: ctx.now(),
    },
  };
}

const SECRETS_OPERATIONS: Record<string, OperationHandler<SecretsEnv>> = {
  GetSecretValue: getSecretValue,
  DescribeSecret: describeSecret,
};
const SSM_OPERATIONS: Record<string, OperationHandler<SecretsEnv>> = { GetParameter: getParameter };

export function secretsManagerHandlers(env: SecretsEnv): Record<string, Handler> {
  return bindHandlers(env, SECRETS_OPERATIONS);
}

export function ssmHandlers(env: SecretsEnv): Record<string, Handler> {
  return bindHandlers(env, SSM_OPERATIONS);
}
