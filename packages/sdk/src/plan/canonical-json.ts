/** JSON with object keys sorted, so the same content always serialises to the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
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
