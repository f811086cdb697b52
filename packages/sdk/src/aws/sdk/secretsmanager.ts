// What flexjob sends through @aws-sdk/client-secrets-manager; loaded by loadSdk (aws/clients.ts) on first use.
export {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
