import { canonicalJson } from "./canonical-json.js";
import type { FieldChange, PlanStep } from "./types.js";

/** Marks an object a plan reports whole rather than field by field. */
export class Leaf {
  constructor(readonly value: unknown) {}
}

/**
 * The fields that differ between two views, as dotted paths: plain objects are walked, anything
 * else (arrays, scalars, {@link Leaf}) is compared whole. Without `before`, every set field of
 * `after` is listed, which is how a create step says what it will make. Paths come in `after`'s
 * order; a path only `before` has follows its siblings.
 */
export function diffFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
): FieldChange[] {
  const was = flatten(before ?? {});
  const will = flatten(after);
  const paths = [...will.keys()];
  for (const path of was.keys()) {
    if (will.has(path)) continue;
    const parent = path.slice(0, path.lastIndexOf(".") + 1);
    const lastSibling = parent === "" ? -1 : paths.findLastIndex((other) => other.startsWith(parent));
    paths.splice(lastSibling === -1 ? paths.length : lastSibling + 1, 0, path);
  }
  return paths
    .filter((path) => canonicalJson(was.get(path)) !== canonicalJson(will.get(path)))
    .map((path) => change(path, was.get(path), will.get(path)));
}

function flatten(value: Record<string, unknown>, prefix = "", into = new Map<string, unknown>()) {
  for (const [key, item] of Object.entries(value)) {
    const path = `${prefix}${key}`;
    if (item instanceof Leaf) into.set(path, item.value);
    else if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      flatten(item as Record<string, unknown>, `${path}.`, into);
    } else into.set(path, item);
  }
  return into;
}

/** A change that leaves out the side that is unset, so "added" and "removed" read as such. */
export function change(path: string, before: unknown, after: unknown): FieldChange {
  return {
    path,
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  };
}

/** Changes to flexjob's own tags only: tags a user added to a resource are theirs to keep. */
export function tagChanges(desired: Record<string, string>, live: Record<string, string>): FieldChange[] {
  return Object.keys(desired)
    .sort()
    .flatMap((key): FieldChange[] => {
      const after = desired[key];
      const before = live[key];
      if (after === before) return [];
      const path = `tags.${key}`;
      return [before === undefined ? { path, after } : { path, before, after }];
    });
}

/**
 * The step for one resource from its changes: a create when nothing exists, else an update, or a
 * no-op when nothing changed. A `reason` says why, e.g. that a resource flexjob did not create is
 * used as it is.
 */
export function stepFrom<Kind extends string, Desired, Live>(
  base: { kind: Kind; id: string; job?: string; desired: Desired },
  live: NoInfer<Live> | undefined,
  changes: FieldChange[],
  reason?: string,
): PlanStep<Kind, Desired, Live> {
  const why = reason === undefined ? {} : { reason };
  if (live === undefined) return { ...base, action: "create", changes, ...why };
  return { ...base, live, action: changes.length === 0 ? "noop" : "update", changes, ...why };
}
