import type { CallContext, Handler } from "./types.js";

/**
 * A request handler written as a plain function of the service's environment (its state and
 * what it may ask of the World), so handlers live at module level instead of inside one
 * service-wide closure.
 */
export type OperationHandler<Env> = (
  env: Env,
  input: Record<string, unknown>,
  context: CallContext,
) => unknown;

/** The service's operation table, each handler given `env`; `env.state` may be replaced on reset. */
export function bindHandlers<Env>(
  env: Env,
  table: Record<string, OperationHandler<Env>>,
): Record<string, Handler> {
  const bound: Record<string, Handler> = {};
  for (const [operation, handler] of Object.entries(table)) {
    bound[operation] = (input, context) => handler(env, input, context);
  }
  return bound;
}
