/**
 * Waits between attempts while IAM propagates a just-created or changed role to the service that
 * assumes it (EventBridge Scheduler, Step Functions): about 30 s in all.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
 */
export const ROLE_PROPAGATION_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000];

/** The whole wait, in seconds, for messages. */
export const ROLE_PROPAGATION_SECONDS =
  ROLE_PROPAGATION_DELAYS_MS.reduce((sum, delay) => sum + delay, 0) / 1000;

/**
 * Sends, and while the service answers that it cannot assume the role yet (`notYetAssumable`),
 * waits and sends again; the last answer, whatever it is, is the caller's.
 */
export async function withRolePropagation<T>(
  send: () => Promise<T>,
  notYetAssumable: (error: unknown) => boolean,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  for (const delay of ROLE_PROPAGATION_DELAYS_MS) {
    try {
      return await send();
    } catch (error) {
      if (!notYetAssumable(error)) throw error;
      await sleep(delay);
    }
  }
  return send();
}
