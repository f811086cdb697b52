import type { IncomingHttpHeaders } from "node:http";
import { isRecord } from "../readers.js";
import { AwsError, type Protocol, type ServiceDefinition } from "../types.js";

/** One HTTP request as the protocol layer sees it. */
export interface IncomingCall {
  method: string;
  /** Raw (still percent-encoded) path, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface DecodedCall {
  operation: string;
  input: Record<string, unknown>;
}

export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Decoding and framing for one wire protocol; decode throws AwsError for malformed requests. */
export interface ProtocolCodec {
  decode(service: ServiceDefinition, call: IncomingCall): DecodedCall;
  success(service: ServiceDefinition, operation: string, output: unknown, requestId: string): EncodedResponse;
  error(service: ServiceDefinition, error: AwsError, requestId: string): EncodedResponse;
}

export type CodecTable = Record<Protocol, ProtocolCodec>;

/** JSON with Dates as epoch seconds, the JSON protocols' default timestamp format. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key, encoded: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : encoded;
  });
}

/** A JSON protocol's request body: empty means no members; anything but a JSON object is refused. */
export function parseJsonBody(body: string): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsError("SerializationException", "The request body is not valid JSON");
  }
  if (!isRecord(parsed))
    throw new AwsError("SerializationException", "The request body must be a JSON object");
  return parsed;
}
