// What flexjob sends through @aws-sdk/client-ecs; loaded by loadSdk (aws/clients.ts) on first use.
export {
  CreateClusterCommand,
  DeleteClusterCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  paginateListTaskDefinitionFamilies,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateClusterSettingsCommand,
} from "@aws-sdk/client-ecs";
