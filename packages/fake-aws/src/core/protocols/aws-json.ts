import { AwsError } from "../types.js";
import { type ProtocolCodec, parseJsonBody, stringifyJson } from "./codec.js";

/**
 * awsJson1_0 / awsJson1_1: `X-Amz-Target: Prefix.Operation`, JSON both ways, errors as `__type`;
 * the two differ only in the content type's version.
 */
export const awsJsonCodec = (version: "1.0" | "1.1"): ProtocolCodec => ({
  decode(service, call) {
    const target = call.headers["x-amz-target"];
    const dot = typeof target === "string" ? target.lastIndexOf(".") : -1;
    if (typeof target !== "string" || dot < 0 || target.slice(0, dot) !== service.targetPrefix) {
      throw new AwsError("UnknownOperationException", `Unrecognized X-Amz-Target: ${String(target)}`);
    }
    const operation = target.slice(dot + 1);
    return { operation, input: parseJsonBody(call.body) };
  },
  success(_service, _operation, output, requestId) {
    return {
      status: 200,
      headers: { "content-type": `application/x-amz-json-${version}`, "x-amzn-requestid": requestId },
      body: stringifyJson(output),
    };
  },
  error(service, error, requestId) {
    const queryCode = service.queryErrorCodes?.[error.code];
    const fault = error.fault === "server" ? "Receiver" : "Sender";
    return {
      status: error.status,
      headers: {
        "content-type": `application/x-amz-json-${version}`,
        "x-amzn-requestid": requestId,
        ...(queryCode !== undefined && { "x-amzn-query-error": `${queryCode};${fault}` }),
      },
      body: JSON.stringify({ ...error.members, __type: error.code, message: error.message }),
    };
  },
});
