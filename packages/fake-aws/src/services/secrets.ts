import { createRandom, deriveSeed, type Random } from "../core/random.js";
import type { ServiceDefinition, StoredSecret } from "../core/types.js";

/**
 * Secrets Manager secrets and SSM parameters, as far as ECS reads them at task start: they exist
 * or not, with their full ARN and key. No API operation is modeled yet; tests create them with
 * `aws.secrets`. A secret's ARN is its name, "-" and 6 random characters, as Secrets Manager
 * makes it, so policies that name a partial ARN without `-??????` fail here as they do in AWS.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
 */
export interface SecretsControls {
  /** Creates a Secrets Manager secret (as CreateSecret would) and returns its full ARN. */
  put(name: string, options?: SecretOptions): string;
  /** Creates an SSM parameter (as PutParameter would) and returns its ARN. */
  putParameter(name: string, options?: SecretOptions): string;
}

export interface SecretOptions {
  /** Default: the fake's region, us-east-1. */
  region?: string;
  /** A customer managed KMS key (id or ARN) it is encrypted with; default the AWS managed key. */
  kmsKeyId?: string;
  /** A secret's 6 "random" characters, for a test that names its full ARN up front; default drawn. */
  suffix?: string;
}

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const SECRET_ARN = /^arn:aws:secretsmanager:([a-z0-9-]+):(\d{12}):secret:([^:]+)/;
const PARAMETER_ARN = /^arn:aws:ssm:([a-z0-9-]+):(\d{12}):parameter\/?(.+)$/;

export function createSecretsService(options: { seed: number; region: string }): {
  service: ServiceDefinition;
  controls: SecretsControls;
  find(valueFrom: string, region: string): StoredSecret | undefined;
} {
  let random: Random = createRandom(deriveSeed(options.seed, "secrets"));
  /** Secrets by full ARN, and the name each was created with. */
  let secrets = new Map<string, StoredSecret & { name: string }>();
  /** Parameters by ARN. */
  let parameters = new Map<string, StoredSecret>();
  const keyArn = (region: string, key: string | undefined) =>
    key === undefined || key.startsWith("arn:") ? key : `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${key}`;
  const stored = (service: StoredSecret["service"], arn: string, region: string, key?: string) => {
    const kmsKeyArn = keyArn(region, key);
    return { service, arn, region, ...(kmsKeyArn !== undefined && { kmsKeyArn }) };
  };

  const findSecret = (valueFrom: string): StoredSecret | undefined => {
    const match = SECRET_ARN.exec(valueFrom);
    if (!match || match[2] !== ACCOUNT_ID) return undefined;
    const [id, region] = [match[0], match[1]];
    const exact = secrets.get(id);
    if (exact !== undefined) return exact;
    // A partial ARN: the ARN without the random suffix names the secret.
    return [...secrets.values()].find(
      (secret) =>
        secret.region === region &&
        `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${secret.name}` === id,
    );
  };
  const findParameter = (valueFrom: string, region: string): StoredSecret | undefined => {
    // ECS takes a parameter's name alone when it is in the task's region.
    const match = PARAMETER_ARN.exec(valueFrom);
    const arn = match ? valueFrom : parameterArn(region, valueFrom);
    return match && match[2] !== ACCOUNT_ID ? undefined : parameters.get(arn);
  };

  const service: ServiceDefinition = {
    signingName: "secretsmanager",
    protocol: "awsJson1_1",
    targetPrefix: "secretsmanager",
    handlers: {},
    mutating: new Set(),
    snapshot: () => ({ secrets: [...secrets.values()], parameters: [...parameters.values()] }),
    reset: () => {
      random = createRandom(deriveSeed(options.seed, "secrets"));
      secrets = new Map();
      parameters = new Map();
    },
  };
  return {
    service,
    controls: {
      put(name, { region = options.region, kmsKeyId, suffix = random.chars(6, SUFFIX_ALPHABET) } = {}) {
        if (!/^[A-Za-z0-9]{6}$/.test(suffix))
          throw new RangeError("a secret's suffix is 6 letters or digits");
        const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${name}-${suffix}`;
        secrets.set(arn, { ...stored("secretsmanager", arn, region, kmsKeyId), name });
        return arn;
      },
      putParameter(name, { region = options.region, kmsKeyId } = {}) {
        const arn = parameterArn(region, name);
        parameters.set(arn, stored("ssm", arn, region, kmsKeyId));
        return arn;
      },
    },
    find: (valueFrom, region) =>
      valueFrom.startsWith("arn:aws:secretsmanager:")
        ? findSecret(valueFrom)
        : findParameter(valueFrom, region),
  };
}

/** `/prod/db` and `prod/db` name different parameters, but both ARNs read `parameter/prod/db`. */
function parameterArn(region: string, name: string): string {
  return `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter/${name.replace(/^\//, "")}`;
}

const ACCOUNT_ID = "123456789012";
