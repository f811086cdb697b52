import type { DiscoveryClients } from "../aws/clients.js";
import type { Logger } from "../deps.js";

/** What the Cloud Map functions touch: `Deps` fits, so a deploy passes its own. */
export interface DiscoveryDeps {
  clients: DiscoveryClients;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  logger?: Logger;
}
