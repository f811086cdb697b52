import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/** A position in a loaded file, as V8 writes it in a stack frame: `file:///…/main-AB12.js:1:2345`. */
const POSITION = /file:\/\/[^\s()]+?\.m?js:\d+:\d+/g;

/**
 * An error's stack frames, each position in a bundled file replaced by the source position its
 * `.js.map` gives: `packages/sdk/src/deploy/deploy.ts:88:5` rather than `main-AB12.js:1:2345`.
 *
 * Node maps stacks itself only for modules loaded after `process.setSourceMapsEnabled(true)`, and
 * loading them that way cost the Action 0.3 s and 20 MiB on every run; a bug is rare, so its stack
 * is mapped here, when it is shown. Only the `at …` lines are kept: the message may hold a secret.
 */
export function sourceMappedFrames(error: Error): string[] {
  const maps = new Map<string, SourceMap | undefined>();
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return frames.map((frame) =>
    frame.trim().replace(POSITION, (position) => sourcePosition(position, maps) ?? position),
  );
}

function sourcePosition(position: string, maps: Map<string, SourceMap | undefined>): string | undefined {
  const [, url = "", line = "", column = ""] = /^(.+):(\d+):(\d+)$/.exec(position) ?? [];
  if (!maps.has(url)) maps.set(url, sourceMapOf(url));
  const entry = maps.get(url)?.findEntry(Number(line) - 1, Number(column) - 1);
  if (entry === undefined || !("originalSource" in entry)) return undefined;
  // esbuild writes sources relative to the map, and dist/ is at the repository's root: stripping the
  // climb out of dist/ leaves the path in the repository, `packages/sdk/src/…`, the same on any runner.
  const source = entry.originalSource.replace(/^(\.\.\/)+/, "");
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

function sourceMapOf(url: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, "utf8")));
  } catch {
    // Not a bundled file (Node's own, or the sources run by the tests): its positions are the real ones.
    return undefined;
  }
}
