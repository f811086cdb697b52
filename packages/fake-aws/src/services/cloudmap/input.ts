import { isIPv4, isIPv6 } from "node:net";
import { constraint, type Reader } from "../../core/readers.js";
import { AwsError } from "../../core/types.js";

/**
 * Cloud Map's input rules beyond member constraints: tags, instance attributes (what each record
 * type and health check needs), record type combinations and list filters. Every failure is
 * `InvalidInput`.
 */

export const invalidInput = (message: string) => new AwsError("InvalidInput", message);

const ATTR_KEY = /^[a-zA-Z0-9!-~]+$/;
const ATTR_VALUE = /^([a-zA-Z0-9!-~][ \ta-zA-Z0-9!-~]*)?[a-zA-Z0-9!-~]?$/;
const MAX_CUSTOM_ATTRIBUTES = 30;
const MAX_ATTRIBUTES_CHARS = 5000;

/** What of a service decides which instance attributes are required. */
export interface RecordsConfig {
  dnsConfig: { RoutingPolicy: string; DnsRecords: readonly { Type: string }[] } | undefined;
  healthCheckConfig: unknown;
  customHealth: boolean;
}

export function readTags(r: Reader, member: string, required = false): { Key: string; Value: string }[] {
  if (required && !r.has(member))
    throw invalidInput(constraint(null, r.at(member), "Member must not be null"));
  return r.objects(member, { min: 0, max: 200 }).map((tag) => ({
    Key: tag.string("Key", { required: true, min: 1, max: 128 }),
    Value: tag.string("Value", { required: true, min: 0, max: 256 }),
  }));
}

export function readAttributes(r: Reader, member: string, required: boolean): Record<string, string> {
  const map = r.stringMap(member);
  if (map === undefined) {
    if (required) throw invalidInput(constraint(null, r.at(member), "Member must not be null"));
    return {};
  }
  for (const [key, value] of Object.entries(map)) {
    if (key.length > 255 || !ATTR_KEY.test(key)) {
      throw invalidInput(
        constraint(
          key,
          `${r.at(member)}.key`,
          "Member must satisfy regular expression pattern: ^[a-zA-Z0-9!-~]+$",
        ),
      );
    }
    if (value.length > 1024 || !ATTR_VALUE.test(value)) {
      throw invalidInput(
        constraint(
          value,
          `${r.at(member)}.${key}`,
          "Member must satisfy regular expression pattern: ^([a-zA-Z0-9!-~][ \\ta-zA-Z0-9!-~]*){0,1}[a-zA-Z0-9!-~]{0,1}$",
        ),
      );
    }
  }
  return map;
}

/** What RegisterInstance's Attributes must hold for the service's records and health check. */
export function checkInstanceAttributes(service: RecordsConfig, attributes: Record<string, string>): void {
  const types = new Set(service.dnsConfig?.DnsRecords.map((record) => record.Type));
  const ipv4 = attributes.AWS_INSTANCE_IPV4;
  const ipv6 = attributes.AWS_INSTANCE_IPV6;
  const port = attributes.AWS_INSTANCE_PORT;
  const alias = attributes.AWS_ALIAS_DNS_NAME;
  if (alias !== undefined) {
    if (Object.keys(attributes).some((k) => k.startsWith("AWS_INSTANCE_"))) {
      throw invalidInput("AWS_ALIAS_DNS_NAME can't be combined with AWS_INSTANCE_* attributes");
    }
    if (service.dnsConfig?.RoutingPolicy !== "WEIGHTED") {
      throw invalidInput("AWS_ALIAS_DNS_NAME requires a service with the WEIGHTED routing policy");
    }
  } else {
    if (types.has("A") && ipv4 === undefined)
      throw invalidInput("AWS_INSTANCE_IPV4 is required for A records");
    if (types.has("AAAA") && ipv6 === undefined)
      throw invalidInput("AWS_INSTANCE_IPV6 is required for AAAA records");
    if (types.has("CNAME") && attributes.AWS_INSTANCE_CNAME === undefined) {
      throw invalidInput("AWS_INSTANCE_CNAME is required for CNAME records");
    }
    if (types.has("SRV")) {
      if (port === undefined) throw invalidInput("AWS_INSTANCE_PORT is required for SRV records");
      if (ipv4 === undefined && ipv6 === undefined) {
        throw invalidInput("AWS_INSTANCE_IPV4 or AWS_INSTANCE_IPV6 is required for SRV records");
      }
    }
  }
  if (service.healthCheckConfig && port === undefined) {
    throw invalidInput("AWS_INSTANCE_PORT is required for a service with a health check");
  }
  if (ipv4 !== undefined && !isIPv4(ipv4))
    throw invalidInput(`AWS_INSTANCE_IPV4 '${ipv4}' is not an IPv4 address`);
  if (ipv6 !== undefined && !isIPv6(ipv6))
    throw invalidInput(`AWS_INSTANCE_IPV6 '${ipv6}' is not an IPv6 address`);
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw invalidInput(`AWS_INSTANCE_PORT '${port}' is not a port number (1-65535)`);
  }
  const init = attributes.AWS_INIT_HEALTH_STATUS;
  if (init !== undefined) {
    if (!service.customHealth)
      throw invalidInput("AWS_INIT_HEALTH_STATUS needs a service with HealthCheckCustomConfig");
    if (init !== "HEALTHY" && init !== "UNHEALTHY") {
      throw invalidInput(`AWS_INIT_HEALTH_STATUS must be HEALTHY or UNHEALTHY, not '${init}'`);
    }
  }
  const custom = Object.entries(attributes).filter(([k]) => !k.startsWith("AWS_"));
  if (custom.length > MAX_CUSTOM_ATTRIBUTES) {
    throw invalidInput(`An instance can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`);
  }
  const chars = Object.entries(attributes).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  if (chars > MAX_ATTRIBUTES_CHARS) {
    throw invalidInput(`The attributes total ${chars} characters; the limit is ${MAX_ATTRIBUTES_CHARS}`);
  }
}

/** The record type combinations Cloud Map allows, and CNAME's extra rules. */
export function checkRecords(records: readonly { Type: string }[], routingPolicy: string | undefined): void {
  if (records.length === 0) throw invalidInput("DnsRecords must contain at least one record");
  const types = records.map((record) => record.Type);
  if (new Set(types).size !== types.length) throw invalidInput("DnsRecords can't repeat a record type");
  if (types.includes("CNAME")) {
    if (types.length > 1) throw invalidInput("A CNAME record can't be combined with other record types");
    if (routingPolicy !== "WEIGHTED") throw invalidInput("CNAME records require the WEIGHTED routing policy");
  }
}

// ---------------------------------------------------------------------------------------------
// List filters: `{ Name, Values, Condition }`, every filter must match.

export interface FilterRule {
  conditions: readonly string[];
  /** Allowed values, checked for EQ and IN. */
  values?: readonly string[];
}

export const NAMESPACE_FILTERS: Record<string, FilterRule> = {
  TYPE: { conditions: ["EQ", "IN", "BEGINS_WITH"], values: ["HTTP", "DNS_PUBLIC", "DNS_PRIVATE"] },
  NAME: { conditions: ["EQ", "BEGINS_WITH"] },
  HTTP_NAME: { conditions: ["EQ", "BEGINS_WITH"] },
  RESOURCE_OWNER: { conditions: ["EQ"], values: ["SELF", "OTHER_ACCOUNTS"] },
};

export const SERVICE_FILTERS: Record<string, FilterRule> = {
  NAMESPACE_ID: { conditions: ["EQ", "IN"] },
  RESOURCE_OWNER: { conditions: ["EQ"], values: ["SELF", "OTHER_ACCOUNTS"] },
};

export function readFilters(r: Reader, rules: Record<string, FilterRule>) {
  return r.objects("Filters").map((f) => {
    const name = f.string("Name", { required: true, oneOf: Object.keys(rules) });
    const values = f.strings("Values", { required: true, item: { min: 1, max: 255 } }) ?? [];
    const condition = f.string("Condition", { oneOf: ["EQ", "IN", "BETWEEN", "BEGINS_WITH"] }) ?? "EQ";
    const rule = rules[name];
    if (!rule?.conditions.includes(condition)) {
      throw invalidInput(`Condition ${condition} isn't supported for filter ${name}`);
    }
    if (condition !== "IN" && values.length !== 1) {
      throw invalidInput(`Filter ${name} with condition ${condition} takes exactly one value`);
    }
    if (values.length === 0) throw invalidInput(`Filter ${name} needs at least one value`);
    const allowed = rule.values;
    if (allowed && condition !== "BEGINS_WITH") {
      const bad = values.find((v) => !allowed.includes(v));
      if (bad !== undefined) throw invalidInput(`Value ${bad} isn't valid for filter ${name}`);
    }
    return {
      matches: (actual: Record<string, string>): boolean => {
        const value = actual[name] ?? "";
        return condition === "BEGINS_WITH" ? value.startsWith(values[0] ?? "") : values.includes(value);
      },
    };
  });
}
