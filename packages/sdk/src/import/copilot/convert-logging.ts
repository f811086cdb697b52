import { LOG_RETENTION_DAYS, type LogRetentionDays } from "../../config/logs.js";
import { type Data, fail, isRecord, type JobContext, report, valueAt } from "./context.js";
import { secretArn } from "./convert-env.js";
import type { ImportOptions } from "./types.js";

/** Copilot's `logging` keys that configure its FireLens log router. */
const FIRELENS_KEYS = ["image", "enableMetadata", "configFilePath", "variables", "secrets", "env_file"];

const FIRELENS_NOTE =
  "a setting of Copilot's FireLens log router: flexjob runs its own router for logs.to (datadog, axiom or http); set that instead";

/** Fluent Bit datadog options flexjob's own router sets (TLS on, provider ecs, gzip, service = job). */
const DATADOG_OWN = new Set([
  "name",
  "host",
  "apikey",
  "dd_tags",
  "tls",
  "provider",
  "compress",
  "dd_message_key",
]);

/** Fluent Bit http options flexjob's own router sets (JSON lines, ISO dates) or that make its URL. */
const HTTP_OWN = new Set([
  "name",
  "host",
  "port",
  "uri",
  "tls",
  "format",
  "json_date_key",
  "json_date_format",
]);

/**
 * `logging` → `logs`: the retention, and a FireLens destination flexjob routes to itself (Datadog,
 * an http endpoint) as `logs.to`. Other destinations and the router's own settings are reported.
 */
export async function convertLogging(
  ctx: JobContext,
  resolve: ImportOptions["resolveSecret"],
): Promise<void> {
  const logs: Data = {};
  const retention = valueAt(ctx, ["logging", "retention"]);
  if (typeof retention === "number") {
    if (LOG_RETENTION_DAYS.includes(retention as LogRetentionDays)) {
      logs.retentionDays = retention;
      report(
        ctx,
        ["logging", "retention"],
        "mapped",
        `jobs.${ctx.job}.logs.retentionDays`,
        `CloudWatch keeps the logs ${retention} days`,
      );
    } else {
      fail(
        ctx,
        ["logging", "retention"],
        `is ${retention}, not a retention CloudWatch Logs accepts`,
        `use one of ${LOG_RETENTION_DAYS.join(", ")}`,
      );
    }
  }
  const destination = valueAt(ctx, ["logging", "destination"]);
  const toDatadog = isRecord(destination) && (await convertDatadog(ctx, destination, logs, resolve));
  const routed = toDatadog || (isRecord(destination) && convertHttp(ctx, destination, logs));
  if (destination !== undefined && !routed) {
    report(
      ctx,
      ["logging", "destination"],
      "unmapped",
      undefined,
      `a FireLens destination flexjob does not route to itself: set logs.to (datadog, axiom or http) with its fields, or keep CloudWatch, the default`,
    );
  }
  for (const key of FIRELENS_KEYS) {
    if (valueAt(ctx, ["logging", key]) !== undefined)
      report(ctx, ["logging", key], "unmapped", undefined, FIRELENS_NOTE);
  }
  const options = valueAt(ctx, ["logging", "secretOptions"]);
  for (const name of Object.keys(isRecord(options) ? options : {})) {
    if (toDatadog && name.toLowerCase() === "apikey") continue;
    report(ctx, ["logging", "secretOptions", name], "unmapped", undefined, FIRELENS_NOTE);
  }
  if (Object.keys(logs).length > 0) ctx.out.logs = logs;
}

/** Key of `map` equal to `name` but for case, as Fluent Bit reads its option names. */
function keyLike(map: Data, name: string): string | undefined {
  return Object.keys(map).find((key) => key.toLowerCase() === name);
}

/** A Fluent Bit `datadog` output with its API key in a secret option, as flexjob's logs.to datadog. */
async function convertDatadog(
  ctx: JobContext,
  destination: Data,
  logs: Data,
  resolve: ImportOptions["resolveSecret"],
): Promise<boolean> {
  const name = keyLike(destination, "name");
  if (name === undefined || String(destination[name]).toLowerCase() !== "datadog") return false;
  const hostKey = keyLike(destination, "host");
  const host = hostKey === undefined ? "http-intake.logs.datadoghq.com" : String(destination[hostKey]);
  const options = valueAt(ctx, ["logging", "secretOptions"]);
  const apiKeyName = isRecord(options) ? keyLike(options, "apikey") : undefined;
  if (!host.startsWith("http-intake.logs.") || apiKeyName === undefined || !isRecord(options)) return false;
  const to = `jobs.${ctx.job}.logs`;
  logs.to = "datadog";
  logs.site = host.slice("http-intake.logs.".length);
  const target = {
    path: ["logging", "secretOptions", apiKeyName],
    to: `${to}.apiKey`,
    variable: "logs.apiKey",
  };
  logs.apiKey = await secretArn(ctx, target, options[apiKeyName], resolve);
  const tagsKey = keyLike(destination, "dd_tags");
  if (tagsKey !== undefined) logs.tags = datadogTags(String(destination[tagsKey]));
  // Copilot's FireLens sent the logs to Datadog only; flexjob would keep a CloudWatch copy too.
  logs.keepCloudWatch = false;
  const dropped = Object.keys(destination).filter((key) => !DATADOG_OWN.has(key.toLowerCase()));
  const note = [
    `FireLens to Datadog site ${logs.site}, through flexjob's own log router, CloudWatch copy off as in Copilot`,
    "flexjob sets dd_service to the job's name and dd_source to flexjob",
    ...(dropped.length > 0 ? [`not carried over: ${dropped.join(", ")}`] : []),
  ].join("; ");
  report(ctx, ["logging", "destination"], "mapped", `${to}.to`, note);
  return true;
}

/**
 * A Fluent Bit `http` output as flexjob's logs.to http, at the URL its Host, Port, URI and TLS make
 * (Fluent Bit's port is 80 unless set, TLS or not). Without a Host it posts to a local collector,
 * which flexjob does not run: reported instead. A header's value is plain text there; flexjob
 * takes header values from secrets only, so each header is reported with how to move it.
 */
function convertHttp(ctx: JobContext, destination: Data, logs: Data): boolean {
  const option = (name: string) => {
    const key = keyLike(destination, name);
    return key === undefined ? undefined : String(destination[key]);
  };
  const host = option("host");
  if (option("name")?.toLowerCase() !== "http" || host === undefined) return false;
  const tls = ["on", "true", "yes"].includes((option("tls") ?? "off").toLowerCase());
  const port = option("port") ?? "80";
  const uri = option("uri") ?? "/";
  const shownPort = port === (tls ? "443" : "80") ? "" : `:${port}`;
  logs.to = "http";
  logs.url = `${tls ? "https" : "http"}://${host}${shownPort}${uri.startsWith("/") ? uri : `/${uri}`}`;
  // Copilot's FireLens sent the logs there only; flexjob would keep a CloudWatch copy too.
  logs.keepCloudWatch = false;
  report(
    ctx,
    ["logging", "destination"],
    "mapped",
    `jobs.${ctx.job}.logs.to`,
    `FireLens http output to ${logs.url}, through flexjob's own log router (JSON lines), CloudWatch copy off as in Copilot`,
  );
  for (const key of Object.keys(destination).filter((each) => !HTTP_OWN.has(each.toLowerCase()))) {
    const advice = /^header$/i.test(key)
      ? "flexjob sends a header's value from a secret only: store the value in Secrets Manager and add its ARN under logs.headers"
      : "a Fluent Bit http option flexjob's router does not set: drop it, or keep Copilot's router until flexjob has it";
    report(ctx, ["logging", "destination", key], "unmapped", undefined, advice);
  }
  return true;
}

/** Fluent Bit's `dd_tags` ("team:billing,env:prod") as flexjob's tags map. */
function datadogTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const [key = "", ...value] = pair.trim().split(":");
    if (key !== "") tags[key] = value.join(":");
  }
  return tags;
}
