import { type AwsClients, accountIdOf } from "@flexjob/sdk";
import type { CliIo } from "../io.js";

/** AWS as the import reaches it: only with a region, connected on first need, given up at the first failure. */
export interface AwsReach {
  region: string | undefined;
  /** Runs `call` with connected clients; undefined when offline, or when the call fails (which makes it offline). */
  use<T>(call: (clients: AwsClients, account: string) => Promise<T>): Promise<T | undefined>;
  connected(): boolean;
  /** Why AWS was not used, once it was needed and could not be; undefined otherwise. */
  offlineReason(): string | undefined;
}

export function awsReach(io: CliIo): AwsReach {
  const region = io.env.AWS_REGION || io.env.AWS_DEFAULT_REGION || undefined;
  let session: Promise<{ clients: AwsClients; account: string } | undefined> | undefined;
  let reason: string | undefined;
  const offline = (error: unknown) => {
    reason ??= error instanceof Error ? error.message : String(error);
    return undefined;
  };
  const connect = () => {
    if (region === undefined) {
      reason ??= "AWS_REGION is not set";
      return Promise.resolve(undefined);
    }
    // The account check is where missing or refused credentials show, once for the whole import.
    session ??= (async () => {
      const clients = await io.clients(region);
      return { clients, account: await accountIdOf(clients) };
    })().catch(offline);
    return session;
  };
  return {
    region,
    async use(call) {
      const live = await connect();
      if (live === undefined || reason !== undefined) return undefined;
      return call(live.clients, live.account).catch(offline);
    },
    connected: () => session !== undefined && reason === undefined,
    offlineReason: () => reason,
  };
}
