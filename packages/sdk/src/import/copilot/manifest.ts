import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { type FieldIssue, FlexjobError, internal } from "../../errors.js";

/** A manifest as data, with the line each field is written on. */
export interface ParsedManifest {
  file: string;
  data: unknown;
  /** 1-based line of the deepest key of `path` that is written (the document's first line for none). */
  locate(path: readonly (string | number)[]): number;
  /** Whether every key of `path` is written. */
  has(path: readonly (string | number)[]): boolean;
}

/**
 * Parses a Copilot YAML file as Copilot's YAML reader does, anchors, aliases and `<<` merge keys
 * included, keeping the position of every node for messages.
 */
export function parseManifestText(text: string, file: string): ParsedManifest {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    merge: true,
    logLevel: "error",
  });
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    const reason = (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, "");
    throw new FlexjobError(`${file}:${position?.line ?? 1}:${position?.col ?? 1}: ${reason}`, {
      code: "CONFIG_PARSE",
      remedy: `fix the YAML syntax at line ${position?.line ?? 1}`,
      cause: error,
    });
  }
  const walk = (path: readonly (string | number)[]) => walkPath(document.contents, path);
  return {
    file,
    data: document.toJS({ maxAliasCount: 100 }),
    locate: (path) => lineCounter.linePos(walk(path).offset).line,
    has: (path) => walk(path).found,
  };
}

/** Follows `path` through the node tree as far as it is written: the offset of the last key found. */
function walkPath(root: unknown, path: readonly (string | number)[]): { offset: number; found: boolean } {
  let node = root;
  let offset = (root as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return { offset, found: false };
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && node.items[Number(segment)]) {
      node = node.items[Number(segment)];
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      return { offset, found: false };
    }
  }
  return { offset, found: true };
}

/** One problem with a manifest field: where, what, and what to do. */
export interface ManifestProblem {
  file: string;
  line: number;
  field: string;
  message: string;
  remedy: string;
}

/**
 * The error for a manifest's problems: the first one in the message with its file and line, all
 * of them as issues, so that one run shows everything to fix.
 */
export function manifestError(problems: readonly ManifestProblem[]): FlexjobError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const [first] = sorted;
  if (!first) throw internal("manifestError was called without a problem");
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more problems)` : "";
  const issues: FieldIssue[] = sorted.map((problem) => ({
    path: problem.field,
    message: problem.message,
    remedy: problem.remedy,
    location: { file: problem.file, line: problem.line },
  }));
  return new FlexjobError(`${first.file}:${first.line}: ${first.message}${more}`, {
    code: "CONFIG_INVALID",
    remedy: first.remedy,
    issues,
  });
}
