// What flexjob sends through @aws-sdk/client-ec2; loaded by loadSdk (aws/clients.ts) on first use.
export {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
