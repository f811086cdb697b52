import type { AwsError } from "./types.js";

/**
 * Real-shaped pagination: an opaque token that remembers the last key returned (and its
 * position, should that item be deleted between pages), so pages stay stable while a caller
 * creates or deletes in between, as AWS's do.
 */
export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  options: { token: string | undefined; max: number; invalidToken: () => AwsError },
): Page<T> {
  let start = 0;
  if (options.token !== undefined) {
    const cursor = decodeToken(options.token);
    if (cursor === undefined) throw options.invalidToken();
    const index = items.findIndex((item) => keyOf(item) === cursor.key);
    start = index >= 0 ? index + 1 : Math.min(cursor.offset, items.length);
  }
  const page = items.slice(start, start + options.max);
  const end = start + page.length;
  const last = page[page.length - 1];
  const nextToken = end < items.length && last !== undefined ? encodeToken(keyOf(last), end) : undefined;
  return { items: page, nextToken };
}

function encodeToken(key: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: key, o: offset })).toString("base64url");
}

function decodeToken(token: string): { key: string; offset: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { k, o } = parsed as { k?: unknown; o?: unknown };
    if (typeof k !== "string" || typeof o !== "number") return undefined;
    return { key: k, offset: o };
  } catch {
    return undefined;
  }
}
