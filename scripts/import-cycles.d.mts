/** Import cycles under a source tree, each listed as its members' paths relative to the tree. */
export interface ImportCycles {
  /** Cycles between files, e.g. `["a/x.ts", "b/y.ts"]`. */
  files: string[][];
  /** Cycles between top-level folders (`"a/"`) and files directly in the tree (`"z.ts"`). */
  folders: string[][];
}
/** The file and folder import cycles under `root`, type-only imports included, tests left out. */
export declare function importCycles(root: string): ImportCycles;
/** The source files under `dir`, tests and declaration files left out. */
export declare function sourceFiles(dir: string): string[];
