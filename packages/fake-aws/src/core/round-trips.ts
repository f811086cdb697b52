import type { CallRecord } from "./controls.js";

/**
 * The sequential round trips in a call log: the longest chain of calls each of which arrived after
 * the one before it was answered. Calls in flight together share a round trip, so the count is the
 * depth of a client's critical path, read from the order of arrivals and answers (not from wall
 * time). Under `{ quietMs }` latency a client's calls sent together stay in flight together even
 * on a loaded machine, and the count is the number of rounds it needed.
 */
export function roundTrips(calls: readonly CallRecord[]): number {
  const byArrival = [...calls].sort((a, b) => a.arrived - b.arrived);
  const depths = new Map<CallRecord, number>();
  let deepest = 0;
  for (const call of byArrival) {
    let before = 0;
    for (const [earlier, depth] of depths) {
      if (earlier.answered !== undefined && earlier.answered < call.arrived) before = Math.max(before, depth);
    }
    depths.set(call, before + 1);
    deepest = Math.max(deepest, before + 1);
  }
  return deepest;
}
