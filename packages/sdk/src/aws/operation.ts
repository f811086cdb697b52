import { FlexjobError } from "../errors.js";
import { type DiscoveryClients, loadSdk } from "./clients.js";

/**
 * Cloud Map's writes (creating a namespace, updating a service, registering an instance) are
 * asynchronous: the call returns an operation id, and the change exists only once GetOperation
 * says SUCCESS. https://docs.aws.amazon.com/cloud-map/latest/api/API_GetOperation.html
 */

/** How long to follow an operation, in injected time, and how fast to poll. */
export interface FollowOptions {
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** What the operation does, for messages: `creating namespace billing.internal`. */
  doing: string;
  /** Give up after this long; default 5 minutes (namespaces usually take under one). */
  timeoutMs?: number;
  /** First wait between polls, doubled after each poll up to `maxDelayMs`; default 1 s. */
  initialDelayMs?: number;
  /** Default 10 s. */
  maxDelayMs?: number;
}

/** The time a Cloud Map write is followed in: what applying a namespace or service step takes. */
export type FollowContext = Pick<FollowOptions, "sleep" | "now" | "timeoutMs">;

/** Follow options for `doing`, in `context`'s time. */
export function following(context: FollowContext, doing: string): FollowOptions {
  return {
    sleep: context.sleep,
    now: context.now,
    doing,
    ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
  };
}

export interface FinishedOperation {
  id: string;
  /** `NAMESPACE`, `SERVICE`, `INSTANCE` → id, as Cloud Map reports them. */
  targets: Partial<Record<string, string>>;
}

/**
 * Polls an operation until SUCCESS with exponential backoff (1 s, 2 s, 4 s, 8 s, then every 10 s),
 * and fails clearly on FAIL or after the timeout.
 *
 * @example
 * const { OperationId } = await clients.servicediscovery.send(new CreatePrivateDnsNamespaceCommand(input));
 * const done = await followOperation(clients, OperationId ?? "", { sleep, now, doing: "creating namespace billing.internal" });
 * console.log(done.targets.NAMESPACE); // "ns-…"
 */
export async function followOperation(
  clients: DiscoveryClients,
  operationId: string,
  options: FollowOptions,
): Promise<FinishedOperation> {
  const { GetOperationCommand } = await loadSdk(clients, "servicediscovery");
  const { sleep, now, doing } = options;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  let delayMs = options.initialDelayMs ?? 1_000;
  const started = now().getTime();
  let lastStatus = "not yet read";
  for (;;) {
    const { Operation: operation } = await clients.servicediscovery.send(
      new GetOperationCommand({ OperationId: operationId }),
    );
    lastStatus = operation?.Status ?? "unknown";
    if (lastStatus === "SUCCESS") return { id: operationId, targets: { ...operation?.Targets } };
    if (lastStatus === "FAIL") {
      throw new FlexjobError(
        `${doing}: Cloud Map operation ${operationId} failed: ${operation?.ErrorCode ?? "error"}: ${operation?.ErrorMessage ?? "no message"}`,
        {
          code: "AWS_ERROR",
          fault: "aws",
          remedy:
            "fix what Cloud Map's message names (a VPC that no longer exists, a quota, a missing permission), then run again",
        },
      );
    }
    const elapsed = now().getTime() - started;
    if (elapsed >= timeoutMs) {
      throw new FlexjobError(
        `${doing}: Cloud Map operation ${operationId} is still ${lastStatus} after ${Math.round(elapsed / 1000)} s`,
        {
          code: "AWS_ERROR",
          fault: "aws",
          remedy: `run again later: the operation continues in AWS and a rerun picks up its result; check it with "aws servicediscovery get-operation --operation-id ${operationId}"`,
        },
      );
    }
    await sleep(Math.min(delayMs, timeoutMs - elapsed));
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}
