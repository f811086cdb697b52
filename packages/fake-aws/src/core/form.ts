/**
 * Decodes a query-protocol form body (`Action=CreateRole&Tags.member.1.Key=team&…`) into the
 * nested input object handlers see (see the input notes in types.ts).
 */

type Tree = { [key: string]: Tree | string };
const DIGITS = /^[0-9]+$/;

export interface DecodedForm {
  action: string | undefined;
  version: string | undefined;
  input: Record<string, unknown>;
}

export function decodeForm(body: string): DecodedForm {
  const root: Tree = Object.create(null);
  let action: string | undefined;
  let version: string | undefined;
  for (const [key, value] of new URLSearchParams(body)) {
    if (key === "Action") action = value;
    else if (key === "Version") version = value;
    else insert(root, key.split("."), value);
  }
  return { action, version, input: finish(root) as Record<string, unknown> };
}

function insert(tree: Tree, path: string[], value: string): void {
  let node = tree;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as string;
    const child = node[segment];
    if (typeof child === "object") node = child;
    else {
      const created: Tree = Object.create(null);
      node[segment] = created;
      node = created;
    }
  }
  const last = path[path.length - 1] as string;
  // A scalar never overwrites a subtree: `Tags=` (empty list) followed by `Tags.member.1…`.
  if (typeof node[last] !== "object") node[last] = value;
}

function finish(node: Tree | string): unknown {
  if (typeof node === "string") return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => DIGITS.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => finish(node[String(k)] as Tree | string));
  }
  if (keys.length === 1 && (keys[0] === "member" || keys[0] === "entry")) {
    const inner = finish(node[keys[0]] as Tree | string);
    if (keys[0] === "entry" && Array.isArray(inner)) return entriesToMap(inner);
    return inner;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = finish(node[key] as Tree | string);
  return out;
}

function entriesToMap(entries: unknown[]): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const entry of entries) {
    if (typeof entry === "object" && entry !== null && "key" in entry) {
      const { key, value } = entry as { key: unknown; value?: unknown };
      if (typeof key === "string") map[key] = value;
    }
  }
  return map;
}
