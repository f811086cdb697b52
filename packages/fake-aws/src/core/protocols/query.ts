import { decodeForm } from "../form.js";
import { AwsError, type ServiceDefinition } from "../types.js";
import { escapeXml, writeXmlMembers } from "../xml.js";
import type { DecodedCall, IncomingCall, ProtocolCodec } from "./codec.js";

/** awsQuery (IAM, STS) and ec2Query (EC2): form bodies in, XML out. */

function decodeQuery(service: ServiceDefinition, call: IncomingCall): DecodedCall {
  if (call.method !== "POST") throw new AwsError("InvalidAction", "Query requests must be POSTed", 400);
  const { action, version, input } = decodeForm(call.body);
  if (action === undefined || action === "")
    throw new AwsError("MissingAction", "The request must contain the parameter Action");
  if (version !== undefined && service.apiVersion !== undefined && version !== service.apiVersion) {
    throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${version}`);
  }
  return { operation: action, input };
}

function xmlHeaders(requestId: string): Record<string, string> {
  return { "content-type": "text/xml", "x-amzn-requestid": requestId };
}

function namespace(service: ServiceDefinition): string {
  return service.xmlNamespace === undefined ? "" : ` xmlns="${escapeXml(service.xmlNamespace)}"`;
}

export const awsQueryCodec: ProtocolCodec = {
  decode: decodeQuery,
  success(service, operation, output, requestId) {
    const out = [`<${operation}Response${namespace(service)}>`];
    if (typeof output === "object" && output !== null && Object.keys(output).length > 0) {
      out.push(`<${operation}Result>`);
      writeXmlMembers(output as Record<string, unknown>, "member", out);
      out.push(`</${operation}Result>`);
    }
    out.push(
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
    );
    return { status: 200, headers: xmlHeaders(requestId), body: out.join("") };
  },
  error(service, error, requestId) {
    const type = error.fault === "server" ? "Receiver" : "Sender";
    const body =
      `<ErrorResponse${namespace(service)}><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: error.status, headers: xmlHeaders(requestId), body };
  },
};

export const ec2QueryCodec: ProtocolCodec = {
  decode: decodeQuery,
  success(service, operation, output, requestId) {
    const out = [`<${operation}Response${namespace(service)}><requestId>${requestId}</requestId>`];
    if (typeof output === "object" && output !== null) {
      writeXmlMembers(output as Record<string, unknown>, "item", out);
    }
    out.push(`</${operation}Response>`);
    return { status: 200, headers: xmlHeaders(requestId), body: out.join("") };
  },
  error(_service, error, requestId) {
    const body =
      `<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
      `</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
    return { status: error.status, headers: xmlHeaders(requestId), body };
  },
};
