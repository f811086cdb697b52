/** Retries for the discovery helper: its own, so tests drive them with an injected sleep. */

export interface RetryOptions {
  /** Tries per lookup, the first included; default 4. */
  attempts?: number;
  /** Backoff before the second try, doubled for each next one; default 100 ms. */
  baseDelayMs?: number;
  /** Default 2 s. */
  maxDelayMs?: number;
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottledException",
]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

interface SdkErrorShape {
  name: string;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Throttling, a 5xx, or no answer at all (a dropped connection, a timeout): worth trying again. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & SdkErrorShape;
  if (THROTTLING.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status > 0) return status >= 500 || status === 429;
  if (e.$fault === "server") return true;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  return e.name === "TimeoutError" || /socket hang up|ECONNRESET|network|fetch failed/i.test(e.message);
}

/**
 * Runs `call` until it succeeds, a non-transient error, or the attempts run out; waits
 * `d/2 + random·d/2` between tries, `d` doubling from the base delay up to the maximum, so many
 * jobs retrying at once spread out.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  options: RetryOptions,
  sleep: (ms: number) => Promise<void>,
  random: () => number,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(delay / 2 + (random() * delay) / 2);
    }
  }
}
