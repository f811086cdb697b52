// What flexjob sends through @aws-sdk/client-sts; loaded by loadSdk (aws/clients.ts) on first use.
export {
  GetCallerIdentityCommand,
  STSClient,
} from "@aws-sdk/client-sts";
