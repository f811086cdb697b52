// What flexjob sends through @aws-sdk/client-cloudwatch; loaded by loadSdk (aws/clients.ts) on first use.
export {
  CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
} from "@aws-sdk/client-cloudwatch";
