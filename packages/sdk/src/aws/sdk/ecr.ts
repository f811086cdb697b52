// What flexjob sends through @aws-sdk/client-ecr; loaded by loadSdk (aws/clients.ts) on first use.
export {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  PutLifecyclePolicyCommand,
} from "@aws-sdk/client-ecr";
