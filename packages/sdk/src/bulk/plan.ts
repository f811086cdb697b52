import { decodeKey, parseBulkScheduleName } from "./names.js";

/**
 * One write. A `create` may replace older schedules of the same key: they are deleted right after
 * it, by the same worker, so a changed schedule is never missing and runs twice only for the
 * moment between the two calls.
 */
export type BulkOperation =
  | { kind: "create"; key: string; name: string; replaces: string[] }
  | { kind: "delete"; name: string; key: string | undefined; reason: "replaced" | "pruned" };

export interface BulkPlan {
  operations: BulkOperation[];
  /** Desired schedules already there under their exact name. */
  unchanged: number;
  /** Listed schedules whose key is no longer desired, left in place because prune was off. */
  kept: string[];
}

/**
 * Pure: which writes turn the listed names into the desired ones. A desired name already listed
 * is right by construction (the name hashes the complete content), so nothing is read per schedule.
 * Older names of a desired key (a changed entry, or one left by an interrupted sync) are replaced
 * whatever `prune` says; names of keys no longer desired go only with `prune`.
 * @example planBulkSchedules([{ key: "a", name: "a.0123456789" }], ["a.ffffffffff", "b.0000000000"], { prune: false })
 *   // { operations: [{ kind: "create", key: "a", name: "a.0123456789", replaces: ["a.ffffffffff"] }], unchanged: 0, kept: ["b.0000000000"] }
 */
export function planBulkSchedules(
  desired: readonly { key: string; name: string }[],
  listed: readonly string[],
  options: { prune: boolean },
): BulkPlan {
  const listedSet = new Set(listed);
  const desiredNames = new Set(desired.map((schedule) => schedule.name));
  const desiredByKeyPart = new Map<string, { key: string; name: string }>();
  for (const schedule of desired)
    desiredByKeyPart.set(parseBulkScheduleName(schedule.name).keyPart, schedule);
  const olderNames = new Map<string, string[]>();
  const operations: BulkOperation[] = [];
  const kept: string[] = [];
  for (const name of [...listed].sort()) {
    if (desiredNames.has(name)) continue;
    const { keyPart } = parseBulkScheduleName(name);
    const owner = desiredByKeyPart.get(keyPart);
    if (owner !== undefined) {
      const names = olderNames.get(owner.name) ?? [];
      names.push(name);
      olderNames.set(owner.name, names);
    } else if (options.prune) {
      operations.push({ kind: "delete", name, key: decodeKey(keyPart), reason: "pruned" });
    } else {
      kept.push(name);
    }
  }
  let unchanged = 0;
  for (const schedule of desired) {
    const older = olderNames.get(schedule.name) ?? [];
    if (!listedSet.has(schedule.name)) {
      operations.push({ kind: "create", key: schedule.key, name: schedule.name, replaces: older });
      continue;
    }
    unchanged += 1;
    // Already right, but an interrupted sync left an older copy behind.
    for (const name of older)
      operations.push({ kind: "delete", name, key: schedule.key, reason: "replaced" });
  }
  return { operations, unchanged, kept };
}
