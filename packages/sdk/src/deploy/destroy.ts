import { accountIdOf } from "../aws/account.js";
import { removeStep } from "../aws/resource.js";
import type { FlexjobConfig } from "../config/index.js";
import { jobNamed } from "../config/job-named.js";
import type { Deps } from "../deps.js";
import { apply } from "./apply.js";
import { clearDeployRecord } from "./deploy-record.js";
import { adaptersByRemove, type Plan, type ResourcePlan, type ResourceStep } from "./registry.js";

export interface DestroyOptions {
  /** One job; without it, the whole app. */
  job?: string;
  /** Plan only. */
  dryRun?: boolean;
}

export interface DestroyResult {
  plan: Plan;
  changed: boolean;
}

/**
 * Removes what flexjob created for one job or the whole app, and nothing else: each kind's adapter
 * lists only what carries flexjob's tags for this app (or lives in flexjob's own schedule group).
 * Running it again finds nothing and changes nothing.
 * @example
 * const result = await destroy(config, { job: "report" }, deps);
 */
export async function destroy(
  config: FlexjobConfig,
  options: DestroyOptions,
  deps: Deps,
): Promise<DestroyResult> {
  const { clients } = deps;
  if (options.job !== undefined) jobNamed(config, options.job);
  const reason = options.job === undefined ? `destroying app ${config.app}` : `destroying job ${options.job}`;
  const context = { clients, config, job: options.job };
  const [accountId, owned] = await Promise.all([
    accountIdOf(clients),
    Promise.all(adaptersByRemove.map((adapter) => adapter.owned(context))),
  ]);
  const steps = adaptersByRemove.flatMap((adapter, index) =>
    (owned[index] ?? []).map((found) => removeStep(adapter, found, reason) as ResourceStep),
  );
  const plan: ResourcePlan = { app: config.app, region: clients.region, accountId, steps, notes: [] };
  if (options.dryRun) return { plan, changed: false };
  // Before anything goes: a record of the last deploy must not outlive the resources it describes.
  if (options.job === undefined) await clearDeployRecord(clients, config.app, deps.logger);
  if (steps.length === 0) return { plan, changed: false };
  const applied = await apply(plan, deps, { operation: "destroy" });
  return { plan, changed: applied.changed > 0 };
}
