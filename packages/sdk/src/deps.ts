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
