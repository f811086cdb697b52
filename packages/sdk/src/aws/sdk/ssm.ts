// What flexjob sends through @aws-sdk/client-ssm; loaded by loadSdk (aws/clients.ts) on first use.
export {
  GetParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
