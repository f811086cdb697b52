import { paginate } from "../../core/pagination.js";
import { isRecord } from "../../core/readers.js";
import { AwsError } from "../../core/types.js";
import {
  ACCOUNT_ID,
  availabilityZoneId,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  subnetArn,
  type Vpc,
} from "./state.js";

const ID_FORMS: Record<string, RegExp> = {
  vpc: /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  subnet: /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  sg: /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  rtb: /^rtb-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
};

// ---------------------------------------------------------------------------------------------
// Request reading: the ec2Query decoder hands over every scalar as a string.

export const DESCRIBE_LIMITS = {
  default: { min: 5, max: 1000 },
  routeTables: { min: 5, max: 100 },
} as const;

interface Filter {
  name: string;
  values: string[];
}

interface DescribeRequest {
  ids: string[] | undefined;
  filters: Filter[];
  maxResults: number | undefined;
  nextToken: string | undefined;
}

export function readDescribe(
  input: Record<string, unknown>,
  idMember: string,
  idWireName: string,
  limits: { min: number; max: number },
): DescribeRequest {
  if (input.DryRun === "true") {
    throw new AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
  }
  const ids = readStringList(input, idMember);
  let maxResults: number | undefined;
  if (input.MaxResults !== undefined) {
    const raw = String(input.MaxResults);
    const n = Number(raw);
    if (!/^-?[0-9]+$/.test(raw) || n < limits.min || n > limits.max) {
      throw new AwsError(
        "InvalidParameterValue",
        `Value ( ${raw} ) for parameter maxResults is invalid. Parameter must be between ${limits.min} and ${limits.max}.`,
      );
    }
    maxResults = n;
  }
  if (ids !== undefined && maxResults !== undefined) {
    throw new AwsError(
      "InvalidParameterCombination",
      `The parameter ${idWireName} cannot be used with the parameter maxResults`,
    );
  }
  const nextToken = typeof input.NextToken === "string" ? input.NextToken : undefined;
  return { ids, filters: readFilters(input), maxResults, nextToken };
}

export function readStringList(input: Record<string, unknown>, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === "") return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    if (typeof item !== "string") {
      throw new AwsError("InvalidParameterValue", `Invalid value for parameter ${member}.${i + 1}`);
    }
    return item;
  });
}

function readFilters(input: Record<string, unknown>): Filter[] {
  const raw = input.Filter;
  if (raw === undefined || raw === "") return [];
  if (!Array.isArray(raw)) throw new AwsError("InvalidParameterValue", "The parameter Filter must be a list");
  return raw.map((item, i) => {
    const name = isRecord(item) ? item.Name : undefined;
    if (typeof name !== "string" || name === "") {
      throw new AwsError("InvalidParameterValue", `The filter 'null' is invalid`);
    }
    const values = isRecord(item) ? item.Value : undefined;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === "string")) {
      throw new AwsError(
        "InvalidParameterValue",
        `The filter '${name}' (Filter.${i + 1}) must have at least one value`,
      );
    }
    return { name, values: values as string[] };
  });
}

export function checkId(id: string, prefix: keyof typeof ID_FORMS, code: string): void {
  if (!ID_FORMS[prefix]?.test(id)) {
    throw new AwsError(code, `Invalid id: "${id}" (expecting "${prefix}-...")`);
  }
}

export function pageOf<T>(items: readonly T[], keyOf: (item: T) => string, req: DescribeRequest) {
  return paginate(items, keyOf, {
    token: req.nextToken,
    max: req.maxResults ?? Number.POSITIVE_INFINITY,
    invalidToken: () =>
      new AwsError("InvalidPaginationToken", "The specified pagination token is not valid or is expired."),
  });
}

// ---------------------------------------------------------------------------------------------
// Filters: AND across filters, OR across one filter's values, `*` and `?` wildcards in values.

/** The filter names one resource kind answers (AWS's documented names and aliases). */
type FilterTable<T> = Record<string, (item: T, region: string) => readonly string[]>;

export function applyFilters<T extends { tags: Record<string, string> }>(
  items: readonly T[],
  filters: readonly Filter[],
  table: FilterTable<T>,
  region: string,
): T[] {
  if (filters.length === 0) return [...items];
  const compiled = filters.map((f) => {
    const tagKey = f.name.startsWith("tag:") ? f.name.slice(4) : undefined;
    const extract = table[f.name];
    if (tagKey === undefined && extract === undefined) {
      throw new AwsError("InvalidParameterValue", `The filter '${f.name}' is invalid`);
    }
    const valuesOf = (item: T): readonly string[] => {
      if (tagKey === undefined) return extract?.(item, region) ?? [];
      const value = item.tags[tagKey];
      return value === undefined ? [] : [value];
    };
    return { valuesOf, patterns: f.values.map(globToRegExp) };
  });
  return items.filter((item) =>
    compiled.every((f) => f.valuesOf(item).some((v) => f.patterns.some((p) => p.test(v)))),
  );
}

function globToRegExp(value: string): RegExp {
  let source = "";
  for (const c of value) {
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

const tagKeys = (item: { tags: Record<string, string> }) => Object.keys(item.tags);
const owner = () => [ACCOUNT_ID];

export const VPC_FILTERS: FilterTable<Vpc> = {
  "vpc-id": (v) => [v.vpcId],
  "is-default": (v) => [String(v.isDefault)],
  isDefault: (v) => [String(v.isDefault)],
  cidr: (v) => [v.cidrBlock],
  "cidr-block-association.cidr-block": (v) => [v.cidrBlock],
  "cidr-block-association.association-id": (v) => [v.cidrAssociationId],
  "cidr-block-association.state": () => ["associated"],
  "dhcp-options-id": (v) => [v.dhcpOptionsId],
  "owner-id": owner,
  state: () => ["available"],
  "tag-key": tagKeys,
};

export const SUBNET_FILTERS: FilterTable<Subnet> = {
  "subnet-id": (s) => [s.subnetId],
  subnetId: (s) => [s.subnetId],
  "vpc-id": (s) => [s.vpcId],
  vpcId: (s) => [s.vpcId],
  "availability-zone": (s) => [s.availabilityZone],
  availabilityZone: (s) => [s.availabilityZone],
  "availability-zone-id": (s) => [availabilityZoneId(s.availabilityZone)],
  availabilityZoneId: (s) => [availabilityZoneId(s.availabilityZone)],
  "cidr-block": (s) => [s.cidrBlock],
  cidr: (s) => [s.cidrBlock],
  cidrBlock: (s) => [s.cidrBlock],
  "default-for-az": (s) => [String(s.defaultForAz)],
  defaultForAz: (s) => [String(s.defaultForAz)],
  "map-public-ip-on-launch": (s) => [String(s.mapPublicIpOnLaunch)],
  "owner-id": owner,
  state: () => ["available"],
  "subnet-arn": (s, region) => [subnetArn(s, region)],
  "tag-key": tagKeys,
};

export const SECURITY_GROUP_FILTERS: FilterTable<SecurityGroup> = {
  "group-id": (g) => [g.groupId],
  "group-name": (g) => [g.groupName],
  "vpc-id": (g) => [g.vpcId],
  description: (g) => [g.description],
  "owner-id": owner,
  "tag-key": tagKeys,
};

const associationIds = (t: RouteTable) =>
  t.mainAssociationId === undefined ? [...t.subnets.values()] : [t.mainAssociationId, ...t.subnets.values()];

export const ROUTE_TABLE_FILTERS: FilterTable<RouteTable> = {
  "route-table-id": (t) => [t.routeTableId],
  "vpc-id": (t) => [t.vpcId],
  "owner-id": owner,
  "association.subnet-id": (t) => [...t.subnets.keys()],
  // Tables without any association match neither true nor false, as AWS documents.
  "association.main": (t) => (associationIds(t).length > 0 ? [String(t.main)] : []),
  "association.route-table-association-id": associationIds,
  "association.route-table-id": (t) => (associationIds(t).length > 0 ? [t.routeTableId] : []),
  "route.destination-cidr-block": (t) => t.routes.map((r) => r.destinationCidrBlock),
  "route.gateway-id": (t) => t.routes.flatMap((r) => (r.gatewayId ? [r.gatewayId] : [])),
  "route.nat-gateway-id": (t) => t.routes.flatMap((r) => (r.natGatewayId ? [r.natGatewayId] : [])),
  "route.origin": (t) => t.routes.map((r) => r.origin),
  "route.state": () => ["active"],
  "tag-key": tagKeys,
};
