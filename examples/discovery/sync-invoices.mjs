// Runs inside the job's Fargate task. `@flexjob/discovery` is flexjob's small runtime package: the
// Cloud Map client only, no ECS/ECR/Scheduler clients, nothing done at import time.
import { DiscoveryError, discoverDetailed, resolveUrl, serviceUrl } from "@flexjob/discovery";

const port = Number(process.env.INVOICES_PORT ?? "8080");

// 1. By DNS, with no API call: the VPC's resolver answers with a healthy instance
//    (http://invoices.shop.internal:8080). Simple, but DNS caching decides how fast it follows changes.
const viaDns = serviceUrl("invoices", port);

// 2. By the Cloud Map API: the instances' own attributes, a choice of strategy, and a cache that
//    survives throttling (it keeps the last good list for a few seconds rather than fail).
let viaApi;
try {
  viaApi = await resolveUrl("invoices", { strategy: "weighted", query: { stage: "live" } });
} catch (error) {
  if (!(error instanceof DiscoveryError) || error.failure !== "no-instances") throw error;
  console.error(`${error.message}\n  fix: ${error.remedy}`);
  process.exit(1);
}

const { instances, stale } = await discoverDetailed("invoices", { query: { stage: "live" } });
console.log(
  `invoices: ${instances.length} instance(s)${stale ? " (Cloud Map unreachable: last known list)" : ""}; ` +
    `calling ${viaApi} (DNS form: ${viaDns})`,
);

const since = process.env.FLEXJOB_SCHEDULED_TIME ?? new Date(Date.now() - 15 * 60_000).toISOString();
const response = await fetch(`${viaApi}/invoices/sync?since=${encodeURIComponent(since)}`, {
  method: "POST",
});
if (!response.ok) {
  console.error(`invoices answered ${response.status} ${response.statusText}`);
  process.exit(1);
}
console.log(`synced: ${await response.text()}`);
