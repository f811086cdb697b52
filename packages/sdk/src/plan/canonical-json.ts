import { byCodeUnits } from "../text-order.js";

/** JSON with object keys sorted, so the same content always serialises to the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item) && !keysSorted(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => byCodeUnits(a, b)))
      : item,
  );
}

/**
 * Whether an object's keys already come in sorted order, so it serialises as it is: most objects
 * flexjob hashes (a bulk schedule's environment entries, one per variable) need no sorted copy.
 */
function keysSorted(item: object): boolean {
  const keys = Object.keys(item);
  for (let index = 1; index < keys.length; index++) {
    if ((keys[index - 1] as string) > (keys[index] as string)) return false;
  }
  return true;
}

/**
 * JSON text as {@link canonicalJson} writes it, so a document written by other means (the console,
 * another tool) compares by content, not by its spacing or key order; text that is not JSON is
 * returned as it is, and compares unequal.
 */
export function canonicalJsonText(text: string): string {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}
