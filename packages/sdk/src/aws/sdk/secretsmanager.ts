// What flexjob sends through @aws-sdk/client-secrets-manager; loaded by loadSdk (aws/clients.ts) on first use.
export {
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
