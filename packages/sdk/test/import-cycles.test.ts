import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importCycles } from "../../../scripts/import-cycles.mjs";
import { useTempTree } from "./temp-tree.js";

const src = fileURLToPath(new URL("../src", import.meta.url));

describe("import cycles", () => {
  const write = useTempTree("flexjob-cycles-");

  it("the SDK's sources import in one direction, between files and between folders", () => {
    expect(importCycles(src)).toEqual({ files: [], folders: [] });
  });

  it("a type-only import back into a folder is a file cycle and a folder cycle", () => {
    const root = write({
      "aws/network.ts": 'import type { Rendered } from "../deploy/render.js";\nexport const n = 1;\n',
      "deploy/render.ts": 'import { n } from "../aws/network.js";\nexport type Rendered = typeof n;\n',
      "deploy/deploy.ts": 'export * from "./render.js";\n',
    });
    expect(importCycles(root)).toEqual({
      files: [["aws/network.ts", "deploy/render.ts"]],
      folders: [["aws/", "deploy/"]],
    });
  });

  it("folders that reach each other through different files are a folder cycle only", () => {
    const root = write({
      "aws/role.ts": 'import { diff } from "../deploy/diff.js";\nexport const role = diff;\n',
      "deploy/diff.ts": "export const diff = 1;\n",
      "deploy/render.ts": 'import { role } from "../aws/role.js";\nexport const render = role;\n',
      "naming.ts": 'import { render } from "./deploy/render.js";\nexport const name = render;\n',
    });
    expect(importCycles(root)).toEqual({ files: [], folders: [["aws/", "deploy/"]] });
  });

  it("a root file and a directory index count as the files they resolve to", () => {
    const root = write({
      "errors.ts": 'import { plan } from "./plan";\nexport const error = plan;\n',
      "plan/index.ts": 'import { error } from "../errors.js";\nexport const plan = error;\n',
    });
    expect(importCycles(root)).toEqual({
      files: [["errors.ts", "plan/index.ts"]],
      folders: [["errors.ts", "plan/"]],
    });
  });

  it("a test that drives the layer above the code it covers makes no cycle", () => {
    const root = write({
      "aws/namespace.ts": "export const ns = 1;\n",
      "aws/namespace.test.ts": 'import { ensure } from "../discovery/ensure.js";\nexport const t = ensure;\n',
      "discovery/ensure.ts": 'import { ns } from "../aws/namespace.js";\nexport const ensure = ns;\n',
    });
    expect(importCycles(root)).toEqual({ files: [], folders: [] });
  });
});
