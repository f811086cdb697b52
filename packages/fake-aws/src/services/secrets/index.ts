import type { ServiceDefinition, StoredSecret } from "../../core/types.js";
import { emptySecretsState, findStored, putParameter, putSecret, type SecretOptions } from "./state.js";

/**
 * Secrets Manager secrets and SSM parameters, as far as ECS reads them at task start: they exist
 * or not, with their full ARN and key. No API operation is modeled yet (so no handlers.ts);
 * tests create them with `aws.secrets`.
 */

export type { SecretOptions } from "./state.js";

export interface SecretsControls {
  /** Creates a Secrets Manager secret (as CreateSecret would) and returns its full ARN. */
  put(name: string, options?: SecretOptions): string;
  /** Creates an SSM parameter (as PutParameter would) and returns its ARN. */
  putParameter(name: string, options?: SecretOptions): string;
}

export function createSecretsService(options: { seed: number; region: string }): {
  service: ServiceDefinition;
  controls: SecretsControls;
  find(valueFrom: string, region: string): StoredSecret | undefined;
} {
  const env = { state: emptySecretsState(options.seed) };
  const service: ServiceDefinition = {
    signingName: "secretsmanager",
    protocol: "awsJson1_1",
    targetPrefix: "secretsmanager",
    handlers: {},
    mutating: new Set(),
    snapshot: () => ({
      secrets: [...env.state.secrets.values()],
      parameters: [...env.state.parameters.values()],
    }),
    reset: () => {
      env.state = emptySecretsState(options.seed);
    },
  };
  return {
    service,
    controls: {
      put: (name, opts = {}) => putSecret(env.state, name, opts.region ?? options.region, opts),
      putParameter: (name, opts = {}) =>
        putParameter(env.state, name, opts.region ?? options.region, opts.kmsKeyId),
    },
    find: (valueFrom, region) => findStored(env.state, valueFrom, region),
  };
}
