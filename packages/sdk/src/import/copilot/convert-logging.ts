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

/**
 * `logging` → `logs`: the retention, and a FireLens destination flexjob routes to itself (Datadog)
 * as `logs.to`. Other destinations and the router's own settings are reported.
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
  if (destination !== undefined && !toDatadog) {
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

/** Fluent Bit's `dd_tags` ("team:billing,env:prod") as flexjob's tags map. */
function datadogTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const [key = "", ...value] = pair.trim().split(":");
    if (key !== "") tags[key] = value.join(":");
  }
  return tags;
}
