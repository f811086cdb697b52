import type { ServiceDefinition, StoredSecret } from "../../core/types.js";
import { SSM_MUTATING, secretsManagerHandlers, ssmHandlers } from "./handlers.js";
import {
  emptySecretsState,
  findStored,
  putParameter,
  putSecret,
  putValue,
  type SecretOptions,
  type SecretsEnv,
} from "./state.js";

/**
 * Secrets Manager secrets and SSM parameters: they exist or not, with their full ARN, key and
 * value, as ECS reads them at task start and as GetSecretValue and GetParameter answer. Tests
 * create them with `aws.secrets`; of the write operations, only SSM's PutParameter and
 * DeleteParameter are modeled.
 */

export type { SecretOptions } from "./state.js";

export interface SecretsControls {
  /** Creates a Secrets Manager secret (as CreateSecret would) and returns its full ARN. */
  put(name: string, options?: SecretOptions): string;
  /** Creates an SSM SecureString parameter (as PutParameter would) and returns its ARN. */
  putParameter(name: string, options?: SecretOptions): string;
  /** A new value for a secret or parameter, by its ARN (as PutSecretValue or PutParameter --overwrite would). */
  putValue(arn: string, value: string): void;
}

export function createSecretsService(options: { seed: number; region: string }): {
  service: ServiceDefinition;
  /** SSM Parameter Store, whose parameters this service keeps too. */
  ssmService: ServiceDefinition;
  controls: SecretsControls;
  find(valueFrom: string, region: string): StoredSecret | undefined;
} {
  const env: SecretsEnv = { state: emptySecretsState(options.seed) };
  const reset = () => {
    env.state = emptySecretsState(options.seed);
  };
  const service: ServiceDefinition = {
    signingName: "secretsmanager",
    protocol: "awsJson1_1",
    targetPrefix: "secretsmanager",
    handlers: secretsManagerHandlers(env),
    mutating: new Set(),
    snapshot: () => ({
      secrets: [...env.state.secrets.values()],
      parameters: [...env.state.parameters.values()],
    }),
    reset,
  };
  const ssmService: ServiceDefinition = {
    signingName: "ssm",
    protocol: "awsJson1_1",
    targetPrefix: "AmazonSSM",
    handlers: ssmHandlers(env),
    mutating: SSM_MUTATING,
    // The parameters are in the Secrets Manager service's snapshot, and reset with it.
    snapshot: () => ({}),
    reset,
  };
  return {
    service,
    ssmService,
    controls: {
      put: (name, opts = {}) => putSecret(env.state, name, opts.region ?? options.region, opts),
      putParameter: (name, opts = {}) => putParameter(env.state, name, opts.region ?? options.region, opts),
      putValue: (arn, value) => {
        if (!putValue(env.state, arn, value)) throw new RangeError(`no secret or parameter ${arn}`);
      },
    },
    find: (valueFrom, region) => findStored(env.state, valueFrom, region),
  };
}
