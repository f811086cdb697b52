import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";

/**
 * Writes a tree of small files under a fresh temporary folder for each test that asks, and removes
 * it after the test. `write` returns the folder.
 */
export function useTempTree(prefix: string): (files: Record<string, string>) => string {
  let root = "";
  afterEach(() => {
    if (root !== "") rmSync(root, { recursive: true, force: true });
    root = "";
  });
  return (files) => {
    root = mkdtempSync(join(tmpdir(), prefix));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
}
