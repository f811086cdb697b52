import type { ServiceDefinition, World } from "../../core/types.js";
import { ec2Handlers, routeTableOut, securityGroupOut, subnetOut, vpcOut } from "./handlers.js";
import {
  type AddSecurityGroupOptions,
  type AddSubnetOptions,
  type AddVpcOptions,
  addSecurityGroup,
  addSubnet,
  addVpc,
  type DefaultVpcInfo,
  type Ec2Env,
  type Ec2State,
  emptyEc2State,
  regionState,
} from "./state.js";

/**
 * EC2, just the networking reads flexjob needs to place Fargate tasks: VPCs, subnets, security
 * groups and route tables. Every region has a default VPC (made on first use, with ids derived
 * from the region so they are the same in every run) holding two public subnets (routed to an
 * internet gateway through the VPC's main route table, as in a real default VPC) and two private
 * ones (an explicit route table whose default route goes to a NAT gateway), plus its `default`
 * security group. Tests add more through `controls`.
 */

export type { AddSecurityGroupOptions, AddSubnetOptions, AddVpcOptions, DefaultVpcInfo } from "./state.js";

/** Test controls, on the in-process handle as `aws.ec2`. */
export interface Ec2Controls {
  /** The region's default VPC and what it holds (creating it when the region is first used). */
  defaultVpc(region?: string): DefaultVpcInfo;
  /** A new non-default VPC with its main route table and `default` security group. */
  addVpc(options?: AddVpcOptions): {
    vpcId: string;
    mainRouteTableId: string;
    defaultSecurityGroupId: string;
  };
  /**
   * A new subnet. `public: true` routes it to an internet gateway (through an explicit route
   * table); otherwise it uses the VPC's main route table (for the default VPC: the private one).
   */
  addSubnet(options: AddSubnetOptions): { subnetId: string; routeTableId: string };
  addSecurityGroup(options: AddSecurityGroupOptions): { groupId: string };
}

export type Ec2Service = ServiceDefinition & { controls: Ec2Controls };

export function createEc2Service(_world: World): Ec2Service {
  const env: Ec2Env = { state: emptyEc2State() };
  const controls: Ec2Controls = {
    defaultVpc: (region = "us-east-1") => regionState(env.state, region).defaultVpc,
    addVpc: (options = {}) => addVpc(env.state, options),
    addSubnet: (options) => addSubnet(env.state, options),
    addSecurityGroup: (options) => addSecurityGroup(env.state, options),
  };
  return {
    signingName: "ec2",
    protocol: "ec2Query",
    apiVersion: "2016-11-15",
    xmlNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
    handlers: ec2Handlers(env),
    mutating: new Set(),
    owns: {
      vpc: (id, region) => regionState(env.state, region).vpcs.has(id),
      subnet: (id, region) => regionState(env.state, region).subnets.has(id),
      "security-group": (id, region) => regionState(env.state, region).securityGroups.has(id),
    },
    snapshot: () => snapshotOf(env.state),
    reset: () => {
      env.state = emptyEc2State();
    },
    controls,
  };
}

function snapshotOf(ec2: Ec2State) {
  return Object.fromEntries(
    [...ec2.regions.values()].map((s) => [
      s.region,
      {
        vpcs: [...s.vpcs.values()].map((v) => vpcOut(v)),
        subnets: [...s.subnets.values()].map((x) => subnetOut(x, s.region)),
        securityGroups: [...s.securityGroups.values()].map((g) => securityGroupOut(g, s.region)),
        routeTables: [...s.routeTables.values()].map((t) => routeTableOut(t)),
      },
    ]),
  );
}
