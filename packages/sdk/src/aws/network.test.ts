import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  type RouteTable,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import type { NetworkSpec } from "../config/index.js";
import { FlexjobError } from "../errors.js";
import { createClients } from "./clients.js";
import { resolveNetwork } from "./network.js";

const ec2 = mockClient(EC2Client);
// Fresh per test, with no SDK module loaded: each function must load what it calls, not lean on an earlier test.
let clients = createClients({ region: "eu-west-1" });
const VPC = "vpc-0default";
const defaults: NetworkSpec = { subnets: undefined, securityGroups: undefined, assignPublicIp: false };

/** The default VPC's main table routes to the internet gateway, as AWS creates it. */
const mainPublic: RouteTable = {
  RouteTableId: "rtb-main",
  VpcId: VPC,
  Associations: [{ Main: true, RouteTableId: "rtb-main", AssociationState: { State: "associated" } }],
  Routes: [
    { DestinationCidrBlock: "172.31.0.0/16", GatewayId: "local", State: "active" },
    { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0abc", State: "active" },
  ],
};

function privateTable(id: string, subnetIds: string[], egress: "nat" | "none"): RouteTable {
  return {
    RouteTableId: id,
    VpcId: VPC,
    Associations: subnetIds.map((SubnetId) => ({ SubnetId, RouteTableId: id, Main: false })),
    Routes: [
      { DestinationCidrBlock: "172.31.0.0/16", GatewayId: "local", State: "active" },
      ...(egress === "nat"
        ? [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0abc", State: "active" as const }]
        : []),
    ],
  };
}

function defaultVpc(subnetIds: string[], tables: RouteTable[]) {
  ec2
    .on(DescribeVpcsCommand, { Filters: [{ Name: "is-default", Values: ["true"] }] })
    .resolves({ Vpcs: [{ VpcId: VPC, IsDefault: true }] })
    .on(DescribeSubnetsCommand, { Filters: [{ Name: "vpc-id", Values: [VPC] }] })
    .resolves({ Subnets: subnetIds.map((SubnetId) => ({ SubnetId, VpcId: VPC })) })
    .on(DescribeRouteTablesCommand, { Filters: [{ Name: "vpc-id", Values: [VPC] }] })
    .resolves({ RouteTables: tables })
    .on(DescribeSecurityGroupsCommand, {
      Filters: [
        { Name: "vpc-id", Values: [VPC] },
        { Name: "group-name", Values: ["default"] },
      ],
    })
    .resolves({ SecurityGroups: [{ GroupId: "sg-0default", GroupName: "default", VpcId: VPC }] });
}

const ec2Error = (name: string, message: string) =>
  new EC2ServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });

beforeEach(() => {
  ec2.reset();
  clients = createClients({ region: "eu-west-1" });
});

describe("resolveNetwork with the default VPC", () => {
  it("picks the private subnets, sorted, and the default security group", async () => {
    defaultVpc(
      ["subnet-public-a", "subnet-private-b", "subnet-private-a"],
      [mainPublic, privateTable("rtb-private", ["subnet-private-b", "subnet-private-a"], "nat")],
    );
    expect(await resolveNetwork(clients, defaults)).toEqual({
      network: {
        vpcId: VPC,
        subnets: ["subnet-private-a", "subnet-private-b"],
        securityGroups: ["sg-0default"],
        assignPublicIp: false,
      },
      notes: [
        "network.subnets is not set: tasks run in the default VPC vpc-0default's private subnets " +
          "subnet-private-a, subnet-private-b with its default security group sg-0default",
      ],
    });
  });

  it("uses public subnets when there are no others, and notes they need a public IP", async () => {
    defaultVpc(["subnet-b", "subnet-a"], [mainPublic]);
    const { network, notes } = await resolveNetwork(clients, defaults);
    expect(network).toEqual({
      vpcId: VPC,
      subnets: ["subnet-a", "subnet-b"],
      securityGroups: ["sg-0default"],
      assignPublicIp: false,
    });
    expect(notes).toEqual([
      "network.subnets is not set: tasks run in the default VPC vpc-0default's public subnets subnet-a, subnet-b " +
        "with its default security group sg-0default",
      "subnets subnet-a, subnet-b are public (their traffic leaves through an internet gateway): tasks there need " +
        "network.assignPublicIp: true to pull images and send logs, unless the VPC has endpoints for ECR " +
        "(ecr.api, ecr.dkr), S3 and CloudWatch Logs",
    ]);
  });

  it("does not ask for a public IP that is already assigned", async () => {
    defaultVpc(["subnet-a"], [mainPublic]);
    const { network, notes } = await resolveNetwork(clients, { ...defaults, assignPublicIp: true });
    expect(network.assignPublicIp).toBe(true);
    expect(notes).toHaveLength(1);
  });

  it("warns that private subnets without a NAT route cannot pull public images", async () => {
    defaultVpc(
      ["subnet-public-a", "subnet-private-a"],
      [mainPublic, privateTable("rtb-isolated", ["subnet-private-a"], "none")],
    );
    const { network, notes } = await resolveNetwork(clients, defaults);
    expect(network.subnets).toEqual(["subnet-private-a"]);
    expect(notes[1]).toBe(
      "subnet subnet-private-a has no route to a NAT gateway: tasks there can pull images only from this " +
        "account's ECR through VPC endpoints (ecr.api, ecr.dkr, S3, CloudWatch Logs), and public images " +
        "(Docker Hub, public.ecr.aws) only through a NAT gateway or an ECR pull-through cache",
    );
  });

  it("keeps given security groups instead of looking up the default one", async () => {
    defaultVpc(["subnet-a"], [privateTable("rtb-private", ["subnet-a"], "nat")]);
    const { network } = await resolveNetwork(clients, { ...defaults, securityGroups: ["sg-2", "sg-1"] });
    expect(network.securityGroups).toEqual(["sg-1", "sg-2"]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(0);
  });

  it("reads every page of subnets", async () => {
    defaultVpc([], [mainPublic]);
    ec2
      .on(DescribeSubnetsCommand, { NextToken: undefined })
      .resolves({ Subnets: [{ SubnetId: "subnet-a", VpcId: VPC }], NextToken: "more" })
      .on(DescribeSubnetsCommand, { NextToken: "more" })
      .resolves({ Subnets: [{ SubnetId: "subnet-b", VpcId: VPC }] });
    const { network } = await resolveNetwork(clients, { ...defaults, assignPublicIp: true });
    expect(network.subnets).toEqual(["subnet-a", "subnet-b"]);
    expect(ec2.commandCalls(DescribeSubnetsCommand)).toHaveLength(2);
  });

  it("fails with a remedy when the region has no default VPC", async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    const failure = resolveNetwork(clients, defaults);
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      message: "no default VPC in eu-west-1",
      fault: "user",
      remedy: "set network.subnets and network.securityGroups in flexjob.yml",
    });
  });
});

describe("resolveNetwork with subnets from flexjob.yml", () => {
  it("uses the given subnets as given, sorted, with the VPC's default security group", async () => {
    ec2
      .on(DescribeSubnetsCommand, { SubnetIds: ["subnet-b", "subnet-a"] })
      .resolves({
        Subnets: [
          { SubnetId: "subnet-a", VpcId: VPC },
          { SubnetId: "subnet-b", VpcId: VPC },
        ],
      })
      .on(DescribeRouteTablesCommand)
      .resolves({ RouteTables: [privateTable("rtb-private", ["subnet-a", "subnet-b"], "nat")] })
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: "sg-0default" }] });
    expect(await resolveNetwork(clients, { ...defaults, subnets: ["subnet-b", "subnet-a"] })).toEqual({
      network: {
        vpcId: VPC,
        subnets: ["subnet-a", "subnet-b"],
        securityGroups: ["sg-0default"],
        assignPublicIp: false,
      },
      notes: [],
    });
    expect(ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
  });

  it("names a subnet that does not exist and the field it came from", async () => {
    ec2
      .on(DescribeSubnetsCommand)
      .rejects(ec2Error("InvalidSubnetID.NotFound", "The subnet ID 'subnet-missing' does not exist"));
    const failure = resolveNetwork(clients, { ...defaults, subnets: ["subnet-a", "subnet-missing"] });
    await expect(failure).rejects.toBeInstanceOf(FlexjobError);
    await expect(failure).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      fault: "user",
      message: "network.subnets: subnet subnet-missing does not exist in eu-west-1",
      // Printed as "network.subnets: <message>": the message does not say the path again.
      issues: [
        expect.objectContaining({
          path: "network.subnets",
          message: "subnet subnet-missing does not exist in eu-west-1",
        }),
      ],
    });
  });

  it("names a subnet EC2 leaves out of its answer", async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: "subnet-a", VpcId: VPC }] });
    await expect(
      resolveNetwork(clients, { ...defaults, subnets: ["subnet-a", "subnet-gone"] }),
    ).rejects.toMatchObject({
      message: "network.subnets: subnet subnet-gone does not exist in eu-west-1",
    });
  });

  it("refuses subnets of different VPCs", async () => {
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: "subnet-a", VpcId: "vpc-1" },
        { SubnetId: "subnet-b", VpcId: "vpc-2" },
      ],
    });
    await expect(
      resolveNetwork(clients, { ...defaults, subnets: ["subnet-a", "subnet-b"] }),
    ).rejects.toMatchObject({
      fault: "user",
      message: "network.subnets are in different VPCs: subnet-a (vpc-1), subnet-b (vpc-2)",
      issues: [
        expect.objectContaining({
          path: "network.subnets",
          message: "are in different VPCs: subnet-a (vpc-1), subnet-b (vpc-2)",
        }),
      ],
    });
  });

  it("wraps an SDK failure naming what it was reading", async () => {
    ec2.on(DescribeSubnetsCommand).rejects(ec2Error("UnauthorizedOperation", "You are not authorized"));
    await expect(resolveNetwork(clients, { ...defaults, subnets: ["subnet-a"] })).rejects.toMatchObject({
      code: "AWS_ERROR",
      message:
        "reading the network (VPC, subnets, route tables) in eu-west-1: UnauthorizedOperation: You are not authorized",
    });
  });
});
