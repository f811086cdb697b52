import type { FlexjobConfig } from "../config/index.js";

/**
 * Whether a deploy of `config` depends on nothing a caller's key of the config can miss: no job is
 * built from the repository (whose files the config does not hold) and no alert webhook is held
 * in a secret (whose value the deploy reads and writes into the API destination, and which can
 * change while the config does not). A deploy record is kept only for such a config.
 * @example
 * if (recordableConfig(config)) await writeDeployRecord(clients, config.app, deployRecordOf(result, { key, at: new Date() }));
 */
export function recordableConfig(config: FlexjobConfig): boolean {
  // A job's alerts are false for none, undefined for the app's.
  const webhooks = [config.alerts, ...config.jobs.map((job) => job.alerts)].flatMap((alerts) =>
    alerts ? [alerts.webhook] : [],
  );
  return (
    config.jobs.every((job) => job.source === undefined) &&
    webhooks.every((webhook) => webhook?.kind !== "secret")
  );
}
