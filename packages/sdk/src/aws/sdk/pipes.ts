// What flexjob sends through @aws-sdk/client-pipes; loaded by loadSdk (aws/clients.ts) on first use.
export {
  CreatePipeCommand,
  DeletePipeCommand,
  DescribePipeCommand,
  PipesClient,
  TagResourceCommand,
  UpdatePipeCommand,
} from "@aws-sdk/client-pipes";
