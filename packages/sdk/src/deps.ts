import type { AwsClients } from "./aws/clients.js";

/** Where progress goes. The CLI prints it; the Action groups it; tests collect it. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** The world an SDK function touches, injected so tests control every side effect. */
export interface Deps {
  clients: AwsClients;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}

/**
 * A {@link Logger} that drops every line, for scripts that print only their own result.
 * @example
 * const deps = { clients, logger: silentLogger, sleep: realSleep, now: () => new Date() };
 */
export const silentLogger: Logger = { info: () => {}, warn: () => {} };

/**
 * Waits `ms` milliseconds: the `sleep` of {@link Deps} outside tests.
 * @example
 * const deps = { clients, logger: console, sleep: realSleep, now: () => new Date() };
 */
export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` over `items` with at most `limit` in flight: enough to hide per-call latency, few
 * enough to stay under AWS's per-account API rate limits.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
