import { AwsError, type RestRoute, type ServiceDefinition } from "../types.js";
import { type ProtocolCodec, parseJsonBody, stringifyJson } from "./codec.js";

/** restJson1 (Scheduler): method + path template routes, JSON bodies, `x-amzn-ErrorType` errors. */

interface CompiledRoute {
  route: RestRoute;
  /** Literal segments as strings, labels as `{ label }`. */
  segments: (string | { label: string })[];
}

const compiled = new WeakMap<ServiceDefinition, Map<string, CompiledRoute[]>>();

function routesOf(service: ServiceDefinition): Map<string, CompiledRoute[]> {
  let byMethod = compiled.get(service);
  if (byMethod) return byMethod;
  byMethod = new Map();
  for (const route of service.routes ?? []) {
    const segments = route.path
      .split("/")
      .filter((s) => s !== "")
      .map((s) => (s.startsWith("{") && s.endsWith("}") ? { label: s.slice(1, -1) } : s));
    const list = byMethod.get(route.method) ?? [];
    list.push({ route, segments });
    byMethod.set(route.method, list);
  }
  compiled.set(service, byMethod);
  return byMethod;
}

function match(candidate: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  if (candidate.segments.length !== parts.length) return undefined;
  const labels: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = candidate.segments[i];
    const part = parts[i] as string;
    if (typeof segment === "string") {
      if (segment !== part) return undefined;
    } else if (segment !== undefined) {
      labels[segment.label] = decodeURIComponent(part);
    }
  }
  return labels;
}

export const restJsonCodec: ProtocolCodec = {
  decode(service, call) {
    const parts = call.path.split("/").filter((s) => s !== "");
    for (const candidate of routesOf(service).get(call.method) ?? []) {
      const labels = match(candidate, parts);
      if (labels === undefined) continue;
      const input = parseJsonBody(call.body);
      const multi = candidate.route.multiValueQuery ?? [];
      for (const [param, member] of Object.entries(candidate.route.query ?? {})) {
        if (multi.includes(param)) {
          const values = call.query.getAll(param);
          if (values.length > 0) input[member] = values;
        } else {
          const value = call.query.get(param);
          if (value !== null) input[member] = value;
        }
      }
      Object.assign(input, labels);
      return { operation: candidate.route.operation, input };
    }
    throw new AwsError("UnknownOperationException", `No operation matches ${call.method} ${call.path}`, 404);
  },
  success(service, operation, output, requestId) {
    const route = service.routes?.find((r) => r.operation === operation);
    return {
      status: route?.successStatus ?? 200,
      headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
      body: stringifyJson(output),
    };
  },
  error(_service, error, requestId) {
    return {
      status: error.status,
      headers: {
        "content-type": "application/json",
        "x-amzn-requestid": requestId,
        "x-amzn-errortype": error.code,
      },
      body: JSON.stringify({ Message: error.message }),
    };
  },
};
