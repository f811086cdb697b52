import { FlexjobError } from "../errors.js";

/** The SDK's exception name (`ConflictException`, `ResourceNotFoundException`, …), if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error && "$metadata" in error ? error.name : undefined;
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
}

/**
 * The call's result, or undefined when AWS answers with one of `names`: a delete of what is
 * already gone, a create of what a concurrent run made first. Any other error is thrown.
 */
export async function tolerating<T>(call: Promise<T>, ...names: string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isAwsError(error, ...names)) return undefined;
    throw error;
  }
}

/**
 * Wraps an SDK exception at the adapter boundary with what flexjob was doing, so the user sees
 * "creating schedule billing-nightly: AccessDeniedException: …" and a fix, not a bare SDK message.
 */
export function wrapAwsError(error: unknown, doing: string): FlexjobError {
  if (error instanceof FlexjobError) return error;
  const unreadable = unreadableReply(error);
  if (unreadable !== undefined) {
    return new FlexjobError(`${doing}: AWS answered ${unreadable}, which is not an AWS API reply`, {
      code: "AWS_ERROR",
      fault: "aws",
      cause: error,
      remedy:
        "a proxy, a captive portal or a wrong AWS_ENDPOINT_URL answered instead of AWS: check the endpoint and the network, then rerun (rerunning is safe)",
    });
  }
  const name = awsErrorName(error) ?? (error instanceof Error ? error.name : "Error");
  const message = error instanceof Error ? error.message : String(error);
  const denied = /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${message}`);
  return new FlexjobError(`${doing}: ${name}: ${message}`, {
    code: "AWS_ERROR",
    fault: "aws",
    cause: error,
    remedy: denied
      ? 'the deploy credentials lack a permission; "flexjob iam-policy --deploy" prints the policy they need'
      : "check the AWS error above; rerunning is safe, flexjob converges from wherever it stopped",
  });
}

/** How many characters of an unreadable reply an error shows: enough to recognise an HTML page. */
const REPLY_EXCERPT = 80;

/**
 * For a reply the SDK could not parse (HTML from a proxy, an empty body): "HTTP 502 (text/html)
 * starting `<html>…`": the status, the content type and, where the SDK kept the text (XML
 * protocols), the first characters on one line. The SDK marks these by attaching the raw response
 * to a parser error that is not a modeled AWS exception.
 */
function unreadableReply(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("$response" in error)) return undefined;
  if (!/Deserialization error/.test(error.message)) return undefined;
  const response = (error as { $response?: { statusCode?: unknown; headers?: unknown; body?: unknown } })
    .$response;
  const status = typeof response?.statusCode === "number" ? `HTTP ${response.statusCode}` : "a reply";
  const headers = (response?.headers ?? {}) as Record<string, unknown>;
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type")?.[1];
  const described = typeof type === "string" ? `${status} (${type.slice(0, REPLY_EXCERPT)})` : status;
  const body = typeof response?.body === "string" ? response.body : undefined;
  if (body === undefined) return described;
  if (body.trim() === "") return `${described} with an empty body`;
  const excerpt = body.replace(/\s+/g, " ").trim().slice(0, REPLY_EXCERPT);
  return `${described} starting ${JSON.stringify(excerpt)}`;
}
