import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const sources = ["sdk/src", "cli/src", "action/src"].map((dir) => join(root, dir));
const sdkModules = join(root, "sdk/src/aws/sdk");

function* typescriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) yield path;
  }
}

/** The AWS client packages a source file imports values from (type-only imports load nothing). */
function valueImports(text: string): string[] {
  const found: string[] = [];
  const statement = /(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(@aws-sdk\/client-[a-z0-9-]+)"/g;
  for (const [, typeOnly, clause = "", pkg = ""] of text.matchAll(statement)) {
    if (typeOnly !== undefined) continue;
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    const onlyTypes = names
      ?.split(",")
      .every((name) => name.trim() === "" || name.trim().startsWith("type "));
    if (onlyTypes !== true) found.push(pkg);
  }
  return found;
}

describe("AWS clients load on first use", () => {
  it("only the per-service modules under aws/sdk/ import an AWS client package's values", () => {
    const offenders = sources
      .flatMap((dir) => [...typescriptFiles(dir)])
      .filter((file) => !file.startsWith(sdkModules))
      .flatMap((file) =>
        valueImports(readFileSync(file, "utf8")).map((pkg) => `${relative(root, file)}: ${pkg}`),
      );
    expect(offenders).toEqual([]);
  });

  it("recognises what loads a client and what does not", () => {
    expect(valueImports('import { ECSClient } from "@aws-sdk/client-ecs";')).toEqual(["@aws-sdk/client-ecs"]);
    expect(valueImports('import { type Task, RunTaskCommand } from "@aws-sdk/client-ecs";')).toHaveLength(1);
    expect(valueImports('import * as ecs from "@aws-sdk/client-ecs";')).toHaveLength(1);
    expect(valueImports('export { RunTaskCommand } from "@aws-sdk/client-ecs";')).toHaveLength(1);
    expect(valueImports('import type { Task } from "@aws-sdk/client-ecs";')).toEqual([]);
    expect(valueImports('import { type Task, type Cluster } from "@aws-sdk/client-ecs";')).toEqual([]);
  });
});
