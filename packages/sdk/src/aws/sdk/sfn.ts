// What flexjob sends through @aws-sdk/client-sfn; loaded by loadSdk (aws/clients.ts) on first use.
export {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListTagsForResourceCommand,
  paginateListStateMachines,
  SFNClient,
  StartExecutionCommand,
  TagResourceCommand,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
