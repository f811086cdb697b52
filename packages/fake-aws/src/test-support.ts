import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import type { FakeAws } from "./core/server.js";

/** A subnet of the EC2 service's default VPC, read through the real EC2 client. Tests only. */
export async function defaultSubnet(aws: FakeAws, region = aws.region): Promise<string> {
  const ec2 = new EC2Client({ ...aws.clientConfig(region), maxAttempts: 1 });
  try {
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    const subnet = (Subnets.find((s) => s.DefaultForAz) ?? Subnets[0])?.SubnetId;
    if (subnet === undefined) throw new Error("fake EC2 has no default subnet");
    return subnet;
  } finally {
    ec2.destroy();
  }
}

export const TRUST_ECS_TASKS = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

export const TRUST_SCHEDULER = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});
