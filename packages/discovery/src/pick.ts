import type { DiscoveredInstance } from "./types.js";

/**
 * How `pick()` chooses among the instances a lookup returned:
 * - `random`: uniformly;
 * - `round-robin`: each in turn, in instance-id order, per lookup (service and filters);
 * - `weighted`: in proportion to a numeric attribute (default `weight`; missing or unreadable = 1,
 *   0 = never, e.g. to drain an instance).
 */
export type PickStrategy = "random" | "round-robin" | "weighted";

/** Per-lookup state: the round-robin cursor and the cumulative weights of the current list. */
export interface PickState {
  cursor: number;
  weights: { list: readonly DiscoveredInstance[]; attribute: string; cumulative: number[] } | undefined;
}

export function weightOf(instance: DiscoveredInstance, attribute: string): number {
  const raw = instance.attributes[attribute];
  if (raw === undefined || raw.trim() === "") return 1;
  const weight = Number(raw);
  return Number.isFinite(weight) && weight >= 0 ? weight : 1;
}

/** One instance of a non-empty list; undefined only when every weight is 0. */
export function choose(
  list: readonly DiscoveredInstance[],
  strategy: PickStrategy,
  state: PickState,
  random: () => number,
  weightAttribute: string,
): DiscoveredInstance | undefined {
  if (strategy === "round-robin") {
    const chosen = list[state.cursor % list.length];
    state.cursor = (state.cursor + 1) % Number.MAX_SAFE_INTEGER;
    return chosen;
  }
  if (strategy === "random") return list[Math.floor(random() * list.length)];
  let weights = state.weights;
  if (weights === undefined || weights.list !== list || weights.attribute !== weightAttribute) {
    let total = 0;
    const cumulative = list.map((instance) => (total += weightOf(instance, weightAttribute)));
    weights = { list, attribute: weightAttribute, cumulative };
    state.weights = weights;
  }
  const { cumulative } = weights;
  const total = cumulative[cumulative.length - 1] ?? 0;
  if (total <= 0) return undefined;
  const target = random() * total;
  // First index whose running total exceeds the target: O(log n) per pick on a warm list.
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] ?? 0) > target) high = mid;
    else low = mid + 1;
  }
  return list[low];
}
