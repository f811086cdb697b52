import type { ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";
import type { Logger } from "../deps.js";

/**
 * The one client the Cloud Map adapters use. `AwsClients` satisfies it once it carries a
 * `servicediscovery` client; until then, or in a script, pass `{ servicediscovery: new ServiceDiscoveryClient(…) }`.
 */
export interface DiscoveryClients {
  servicediscovery: ServiceDiscoveryClient;
}

/** What the Cloud Map functions touch: `Deps` fits, so a deploy passes its own. */
export interface DiscoveryDeps {
  clients: DiscoveryClients;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  logger?: Logger;
}
