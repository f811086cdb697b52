import { createRandom, deriveSeed, type Random } from "../../core/random.js";
import type { StoredSecret } from "../../core/types.js";

/**
 * Secrets Manager secrets and SSM parameters as plain data, and the functions that store them
 * and find them as ECS does at task start. A secret's ARN is its name, "-" and 6 random
 * characters, as Secrets Manager makes it, so policies that name a partial ARN without `-??????`
 * fail here as they do in AWS.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 */

/** A stored secret or parameter: the name it was created with and, when it has one, its value. */
export type StoredValue = StoredSecret & { name: string; value?: string };

export type ParameterType = "String" | "StringList" | "SecureString";
export type ParameterTier = "Standard" | "Advanced";

/** A parameter as Parameter Store keeps it: its type and tier, and the version each write makes. */
export type StoredParameter = StoredValue & {
  type: ParameterType;
  tier: ParameterTier;
  /** 1 when created; each overwrite adds one. */
  version: number;
  dataType: string;
  description?: string;
  tags: Record<string, string>;
  /** When PutParameter last wrote it; undefined for one a test stored directly. */
  lastModified?: Date;
};

export interface SecretsState {
  random: Random;
  /** Secrets by full ARN. */
  secrets: Map<string, StoredValue>;
  /** Parameters by ARN. */
  parameters: Map<string, StoredParameter>;
}

/** What the handlers of both APIs share: the state, replaced on reset. */
export interface SecretsEnv {
  state: SecretsState;
}

export interface SecretOptions {
  /** Default: the fake's region, us-east-1. */
  region?: string;
  /** A customer managed KMS key (id or ARN) it is encrypted with; default the AWS managed key. */
  kmsKeyId?: string;
  /** A secret's 6 "random" characters, for a test that names its full ARN up front; default drawn. */
  suffix?: string;
  /** Its value (SecretString, or a parameter's Value); default none, which GetSecretValue cannot read. */
  value?: string;
}

const ACCOUNT_ID = "123456789012";
const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const SECRET_ARN = /^arn:aws:secretsmanager:([a-z0-9-]+):(\d{12}):secret:([^:]+)/;
const PARAMETER_ARN = /^arn:aws:ssm:([a-z0-9-]+):(\d{12}):parameter\/?(.+)$/;

export const emptySecretsState = (seed: number): SecretsState => ({
  random: createRandom(deriveSeed(seed, "secrets")),
  secrets: new Map(),
  parameters: new Map(),
});

/** The part of a secret or parameter ECS's start checks read: its ARN, region and KMS key. */
export function stored(
  service: StoredSecret["service"],
  arn: string,
  region: string,
  key?: string,
): StoredSecret {
  const kmsKeyArn =
    key === undefined || key.startsWith("arn:") ? key : `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${key}`;
  return { service, arn, region, ...(kmsKeyArn !== undefined && { kmsKeyArn }) };
}

/** Stores a secret (as CreateSecret would) and returns its full ARN. */
export function putSecret(state: SecretsState, name: string, region: string, options: SecretOptions): string {
  const suffix = options.suffix ?? state.random.chars(6, SUFFIX_ALPHABET);
  if (!/^[A-Za-z0-9]{6}$/.test(suffix)) throw new RangeError("a secret's suffix is 6 letters or digits");
  const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${name}-${suffix}`;
  state.secrets.set(
    arn,
    withValue({ ...stored("secretsmanager", arn, region, options.kmsKeyId), name }, options),
  );
  return arn;
}

/** Stores a parameter (as PutParameter would, a SecureString) and returns its ARN. */
export function putParameter(
  state: SecretsState,
  name: string,
  region: string,
  options: SecretOptions,
): string {
  const arn = parameterArn(region, name);
  const base = { ...stored("ssm", arn, region, options.kmsKeyId), name };
  state.parameters.set(arn, {
    ...withValue(base, options),
    type: "SecureString",
    tier: "Standard",
    version: 1,
    dataType: "text",
    tags: {},
  });
  return arn;
}

function withValue(item: StoredValue, options: SecretOptions): StoredValue {
  return options.value === undefined ? item : { ...item, value: options.value };
}

/**
 * Gives a stored secret or parameter (by its ARN) a new value, as PutSecretValue or PutParameter
 * with Overwrite would (a parameter's version goes up by one); false when there is none.
 */
export function putValue(state: SecretsState, arn: string, value: string): boolean {
  const parameter = state.parameters.get(arn);
  if (parameter !== undefined) parameter.version += 1;
  const item = state.secrets.get(arn) ?? parameter;
  if (item === undefined) return false;
  item.value = value;
  return true;
}

/** What a container's `valueFrom` names: a secret's (full or partial) ARN, or a parameter. */
export function findStored(state: SecretsState, valueFrom: string, region: string): StoredValue | undefined {
  return valueFrom.startsWith("arn:aws:secretsmanager:")
    ? findSecret(state, valueFrom)
    : findParameter(state, valueFrom, region);
}

export function findSecret(state: SecretsState, valueFrom: string): StoredValue | undefined {
  const match = SECRET_ARN.exec(valueFrom);
  if (!match || match[2] !== ACCOUNT_ID) return undefined;
  const [id, region] = [match[0], match[1]];
  const exact = state.secrets.get(id);
  if (exact !== undefined) return exact;
  // A partial ARN: the ARN without the random suffix names the secret.
  return [...state.secrets.values()].find(
    (secret) =>
      secret.region === region &&
      `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${secret.name}` === id,
  );
}

export function findParameter(
  state: SecretsState,
  valueFrom: string,
  region: string,
): StoredParameter | undefined {
  // ECS takes a parameter's name alone when it is in the task's region.
  const match = PARAMETER_ARN.exec(valueFrom);
  const arn = match ? valueFrom : parameterArn(region, valueFrom);
  return match && match[2] !== ACCOUNT_ID ? undefined : state.parameters.get(arn);
}

/**
 * A parameter's ARN, which keys it: `/db` and `db` are one parameter to Parameter Store, and
 * `/prod/db` and `prod/db` (not fully qualified, which PutParameter refuses) both read `parameter/prod/db`.
 */
export function parameterArn(region: string, name: string): string {
  return `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter/${name.replace(/^\//, "")}`;
}
