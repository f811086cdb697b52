import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  paginateDescribeSubnets,
  type RouteTable,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";

let aws: FakeAws;
let ec2: EC2Client;

beforeAll(async () => {
  aws = await startFakeAws();
  ec2 = new EC2Client({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  ec2.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

async function rejects(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

/** Public when the subnet's table (explicit, else the VPC's main one) sends 0.0.0.0/0 to an igw. */
function isPublic(subnetId: string, vpcId: string, tables: RouteTable[]): boolean {
  const explicit = tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId));
  const table = explicit ?? tables.find((t) => t.VpcId === vpcId && t.Associations?.some((a) => a.Main));
  return (
    table?.Routes?.some((r) => r.DestinationCidrBlock === "0.0.0.0/0" && r.GatewayId?.startsWith("igw-")) ??
    false
  );
}

describe("default VPC", () => {
  it("DescribeVpcs returns one default VPC with the 172.31.0.0/16 block", async () => {
    const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({}));
    expect(Vpcs).toHaveLength(1);
    expect(Vpcs[0]).toMatchObject({
      IsDefault: true,
      CidrBlock: "172.31.0.0/16",
      State: "available",
      OwnerId: "123456789012",
      InstanceTenancy: "default",
    });
    expect(Vpcs[0]?.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
  });

  it("is the same in every run and differs between regions", async () => {
    const east = await ec2.send(new DescribeVpcsCommand({}));
    aws.reset();
    const again = await ec2.send(new DescribeVpcsCommand({}));
    const west = new EC2Client({ ...aws.clientConfig("eu-west-1"), maxAttempts: 1 });
    const other = await west.send(new DescribeVpcsCommand({}));
    west.destroy();
    expect(again.Vpcs?.[0]?.VpcId).toBe(east.Vpcs?.[0]?.VpcId);
    expect(other.Vpcs?.[0]?.VpcId).not.toBe(east.Vpcs?.[0]?.VpcId);
  });

  it("has two public and two private subnets across two zones, told apart by their route tables", async () => {
    const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({}));
    const vpcId = Vpcs[0]?.VpcId ?? "";
    const { Subnets = [] } = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    const { RouteTables = [] } = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    expect(Subnets).toHaveLength(4);
    const publicOnes = Subnets.filter((s) => isPublic(s.SubnetId ?? "", vpcId, RouteTables));
    const privateOnes = Subnets.filter((s) => !isPublic(s.SubnetId ?? "", vpcId, RouteTables));
    expect(publicOnes.map((s) => s.AvailabilityZone).sort()).toEqual(["us-east-1a", "us-east-1b"]);
    expect(privateOnes.map((s) => s.AvailabilityZone).sort()).toEqual(["us-east-1a", "us-east-1b"]);
    expect(publicOnes.every((s) => s.DefaultForAz && s.MapPublicIpOnLaunch)).toBe(true);
    expect(privateOnes.every((s) => !s.DefaultForAz && !s.MapPublicIpOnLaunch)).toBe(true);
    const privateTable = RouteTables.find((t) => !t.Associations?.some((a) => a.Main));
    expect(privateTable?.Routes).toContainEqual(
      expect.objectContaining({
        DestinationCidrBlock: "0.0.0.0/0",
        NatGatewayId: expect.stringMatching(/^nat-/),
      }),
    );
    expect(Subnets[0]).toMatchObject({
      State: "available",
      VpcId: vpcId,
      SubnetArn: `arn:aws:ec2:us-east-1:123456789012:subnet/${Subnets[0]?.SubnetId}`,
    });
  });

  it("has its default security group", async () => {
    const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({}));
    const { SecurityGroups = [] } = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: "vpc-id", Values: [Vpcs[0]?.VpcId ?? ""] },
          { Name: "group-name", Values: ["default"] },
        ],
      }),
    );
    expect(SecurityGroups).toHaveLength(1);
    expect(SecurityGroups[0]).toMatchObject({
      GroupName: "default",
      Description: "default VPC security group",
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    });
    expect(SecurityGroups[0]?.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
  });

  it("answers world.exists for its VPC, subnets and security group", async () => {
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({}));
    const subnet = Subnets[0];
    expect(aws.world.exists("subnet", subnet?.SubnetId ?? "", "us-east-1")).toBe(true);
    expect(aws.world.exists("vpc", subnet?.VpcId ?? "", "us-east-1")).toBe(true);
    expect(aws.world.exists("security-group", SecurityGroups[0]?.GroupId ?? "", "us-east-1")).toBe(true);
    expect(aws.world.exists("subnet", subnet?.SubnetId ?? "", "eu-west-1")).toBe(false);
    expect(aws.world.exists("subnet", "subnet-0123456789abcdef0", "us-east-1")).toBe(false);
  });
});

describe("filters", () => {
  it("is-default and its isDefault alias select the default VPC", async () => {
    for (const Name of ["is-default", "isDefault"]) {
      const yes = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name, Values: ["true"] }] }));
      const no = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name, Values: ["false"] }] }));
      expect(yes.Vpcs).toHaveLength(1);
      expect(no.Vpcs).toEqual([]);
    }
  });

  it("default-for-az and defaultForAz select the public subnets", async () => {
    for (const Name of ["default-for-az", "defaultForAz"]) {
      const { Subnets = [] } = await ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name, Values: ["true"] }] }),
      );
      expect(Subnets).toHaveLength(2);
      expect(Subnets.every((s) => s.DefaultForAz)).toBe(true);
    }
  });

  it("subnet-id matches any of its values, and filters combine with AND", async () => {
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    const [a, b] = Subnets;
    const both = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [{ Name: "subnet-id", Values: [a?.SubnetId ?? "", b?.SubnetId ?? ""] }],
      }),
    );
    expect(both.Subnets?.map((s) => s.SubnetId).sort()).toEqual([a?.SubnetId, b?.SubnetId].sort());
    const none = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: "subnet-id", Values: [a?.SubnetId ?? ""] },
          { Name: "availability-zone", Values: ["nowhere-1z"] },
        ],
      }),
    );
    expect(none.Subnets).toEqual([]);
  });

  it("values take * and ? wildcards", async () => {
    const { Subnets = [] } = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-?b"] }] }),
    );
    expect(Subnets).toHaveLength(2);
    const star = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "cidr-block", Values: ["172.31.*"] }] }),
    );
    expect(star.Subnets).toHaveLength(4);
  });

  it("association.subnet-id finds a private subnet's table; association.main finds the main one", async () => {
    const { Subnets = [] } = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["false"] }] }),
    );
    const explicit = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: "association.subnet-id", Values: [Subnets[0]?.SubnetId ?? ""] }],
      }),
    );
    expect(explicit.RouteTables).toHaveLength(1);
    const main = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: "association.main", Values: ["true"] }] }),
    );
    expect(main.RouteTables).toHaveLength(1);
    expect(main.RouteTables?.[0]?.Routes).toContainEqual(
      expect.objectContaining({
        DestinationCidrBlock: "0.0.0.0/0",
        GatewayId: expect.stringMatching(/^igw-/),
      }),
    );
  });

  it("an unknown filter name is InvalidParameterValue", async () => {
    const error = await rejects(
      ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "colour", Values: ["blue"] }] })),
    );
    expect(error.name).toBe("InvalidParameterValue");
    expect(error.message).toBe("The filter 'colour' is invalid");
  });

  it("tag:<key> and tag-key filters read the resource's tags", async () => {
    const { vpcId } = aws.ec2.addVpc({ tags: { team: "data" } });
    const byTag = await ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: "tag:team", Values: ["data"] }] }),
    );
    const byKey = await ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: "tag-key", Values: ["team"] }] }),
    );
    expect(byTag.Vpcs).toEqual([
      expect.objectContaining({ VpcId: vpcId, Tags: [{ Key: "team", Value: "data" }] }),
    ]);
    expect(byKey.Vpcs).toHaveLength(1);
  });
});

describe("ids", () => {
  it("an unknown VpcId is InvalidVpcID.NotFound", async () => {
    const error = await rejects(ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0123456789abcdef0"] })));
    expect(error.name).toBe("InvalidVpcID.NotFound");
    expect(error.message).toBe("The vpc ID 'vpc-0123456789abcdef0' does not exist");
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it("a malformed VpcId is InvalidVpcID.Malformed", async () => {
    const error = await rejects(ec2.send(new DescribeVpcsCommand({ VpcIds: ["my-vpc"] })));
    expect(error.name).toBe("InvalidVpcID.Malformed");
  });

  it("an unknown SubnetId is InvalidSubnetID.NotFound; a known one is returned", async () => {
    const error = await rejects(
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0123456789abcdef0"] })),
    );
    expect(error.name).toBe("InvalidSubnetID.NotFound");
    expect((await rejects(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["sub-1"] })))).name).toBe(
      "InvalidSubnetID.Malformed",
    );
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    const one = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [Subnets[2]?.SubnetId ?? ""] }));
    expect(one.Subnets?.map((s) => s.SubnetId)).toEqual([Subnets[2]?.SubnetId]);
  });

  it("an unknown GroupId or GroupName is InvalidGroup.NotFound; GroupName finds the default VPC's group", async () => {
    const byId = await rejects(
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-0123456789abcdef0"] })),
    );
    expect(byId.name).toBe("InvalidGroup.NotFound");
    expect((await rejects(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["default"] })))).name).toBe(
      "InvalidGroupId.Malformed",
    );
    const byName = await rejects(ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ["web"] })));
    expect(byName.name).toBe("InvalidGroup.NotFound");
    expect(byName.message).toMatch(/^The security group 'web' does not exist in default VPC 'vpc-/);
    const found = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }));
    expect(found.SecurityGroups).toHaveLength(1);
  });

  it("an unknown RouteTableId is InvalidRouteTableID.NotFound", async () => {
    const error = await rejects(
      ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ["rtb-0123456789abcdef0"] })),
    );
    expect(error.name).toBe("InvalidRouteTableID.NotFound");
  });
});

describe("paging and flags", () => {
  it("MaxResults outside 5–1000 is InvalidParameterValue", async () => {
    const low = await rejects(ec2.send(new DescribeSubnetsCommand({ MaxResults: 4 })));
    expect(low.name).toBe("InvalidParameterValue");
    expect(low.message).toBe(
      "Value ( 4 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.",
    );
    expect((await rejects(ec2.send(new DescribeVpcsCommand({ MaxResults: 1001 })))).name).toBe(
      "InvalidParameterValue",
    );
  });

  it("DescribeRouteTables caps MaxResults at 100", async () => {
    const error = await rejects(ec2.send(new DescribeRouteTablesCommand({ MaxResults: 101 })));
    expect(error.message).toContain("between 5 and 100");
  });

  it("MaxResults together with ids is InvalidParameterCombination", async () => {
    const error = await rejects(
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0123456789abcdef0"], MaxResults: 5 })),
    );
    expect(error.name).toBe("InvalidParameterCombination");
    expect(error.message).toBe("The parameter subnetIdSet cannot be used with the parameter maxResults");
  });

  it("the SDK paginator walks pages of MaxResults subnets with real tokens", async () => {
    const { vpcId } = aws.ec2.defaultVpc();
    for (let i = 0; i < 7; i++) aws.ec2.addSubnet({ vpcId, availabilityZone: "us-east-1c" });
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: 5 }, {})) {
      pages.push(page.Subnets?.length ?? 0);
      for (const s of page.Subnets ?? []) ids.add(s.SubnetId ?? "");
    }
    expect(pages).toEqual([5, 5, 1]);
    expect(ids.size).toBe(11);
  });

  it("a made-up NextToken is InvalidPaginationToken", async () => {
    const error = await rejects(ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: "bogus" })));
    expect(error.name).toBe("InvalidPaginationToken");
  });

  it("DryRun answers DryRunOperation (HTTP 412)", async () => {
    const error = await rejects(ec2.send(new DescribeVpcsCommand({ DryRun: true })));
    expect(error.name).toBe("DryRunOperation");
    expect(error.$metadata?.httpStatusCode).toBe(412);
  });
});

describe("controls", () => {
  it("addVpc makes a VPC with a main route table and a default security group", async () => {
    const added = aws.ec2.addVpc({ region: "eu-west-1", cidrBlock: "10.1.0.0/16" });
    const west = new EC2Client({ ...aws.clientConfig("eu-west-1"), maxAttempts: 1 });
    const { Vpcs } = await west.send(new DescribeVpcsCommand({ VpcIds: [added.vpcId] }));
    const { SecurityGroups } = await west.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [added.vpcId] }] }),
    );
    const { RouteTables } = await west.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: "association.main", Values: ["true"] }] }),
    );
    west.destroy();
    expect(Vpcs).toEqual([
      expect.objectContaining({ VpcId: added.vpcId, IsDefault: false, CidrBlock: "10.1.0.0/16" }),
    ]);
    expect(SecurityGroups).toEqual([
      expect.objectContaining({ GroupId: added.defaultSecurityGroupId, GroupName: "default" }),
    ]);
    expect(RouteTables?.map((t) => t.RouteTableId)).toContain(added.mainRouteTableId);
    expect(aws.world.exists("vpc", added.vpcId, "eu-west-1")).toBe(true);
    expect(aws.world.exists("vpc", added.vpcId, "us-east-1")).toBe(false);
  });

  it("addSubnet routes a public subnet to an internet gateway and a private one through the main table", async () => {
    const { vpcId } = aws.ec2.addVpc({ tags: { Name: "jobs" } });
    const pub = aws.ec2.addSubnet({ vpcId, public: true, availabilityZone: "us-east-1b" });
    const priv = aws.ec2.addSubnet({ vpcId, tags: { tier: "private" } });
    const { RouteTables = [] } = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    expect(isPublic(pub.subnetId, vpcId, RouteTables)).toBe(true);
    expect(isPublic(priv.subnetId, vpcId, RouteTables)).toBe(false);
    const { Subnets } = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "tag:tier", Values: ["private"] }] }),
    );
    expect(Subnets).toEqual([
      expect.objectContaining({
        SubnetId: priv.subnetId,
        MapPublicIpOnLaunch: false,
        Tags: [{ Key: "tier", Value: "private" }],
      }),
    ]);
    const named = await ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: "tag-key", Values: ["Name"] }] }),
    );
    expect(named.Vpcs?.map((v) => v.VpcId)).toEqual([vpcId]);
    expect(() => aws.ec2.addSubnet({ vpcId: "vpc-00000000" })).toThrow(/no VPC/);
  });

  it("a private subnet added to the default VPC uses its NAT route table", async () => {
    const { vpcId } = aws.ec2.defaultVpc();
    const added = aws.ec2.addSubnet({ vpcId, availabilityZone: "us-east-1c" });
    const { RouteTables = [] } = await ec2.send(new DescribeRouteTablesCommand({}));
    expect(isPublic(added.subnetId, vpcId, RouteTables)).toBe(false);
  });

  it("addSecurityGroup adds a named group that group-name finds", async () => {
    const { vpcId } = aws.ec2.defaultVpc();
    const { groupId } = aws.ec2.addSecurityGroup({ vpcId, groupName: "flexjob-tasks" });
    const found = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: ["flexjob-*"] }] }),
    );
    expect(found.SecurityGroups).toEqual([
      expect.objectContaining({ GroupId: groupId, GroupName: "flexjob-tasks", IpPermissions: [] }),
    ]);
    expect(() => aws.ec2.addSecurityGroup({ vpcId, groupName: "flexjob-tasks" })).toThrow(/exists/);
  });

  it("reset drops added resources but keeps the default VPC's ids", async () => {
    const before = aws.ec2.defaultVpc();
    aws.ec2.addVpc();
    aws.reset();
    expect(aws.ec2.defaultVpc()).toEqual(before);
    expect((await ec2.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(1);
  });

  it("the default VPC info names what DescribeSubnets returns", async () => {
    const info = aws.ec2.defaultVpc();
    const { Subnets = [] } = await ec2.send(
      new DescribeSubnetsCommand({ SubnetIds: [...info.publicSubnetIds, ...info.privateSubnetIds] }),
    );
    expect(
      Subnets.filter((s) => s.DefaultForAz)
        .map((s) => s.SubnetId)
        .sort(),
    ).toEqual([...info.publicSubnetIds].sort());
    expect(info.availabilityZones).toEqual(["us-east-1a", "us-east-1b"]);
  });
});
