// What flexjob sends through @aws-sdk/client-ssm; loaded by loadSdk (aws/clients.ts) on first use.
export {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
