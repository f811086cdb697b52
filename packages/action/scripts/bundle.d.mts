import type { Metafile } from "esbuild";
/** Bundles the Action into `outdir` (emptied first): index.js, its chunks and maps, licenses.txt. */
export declare function bundle(outdir: string): Promise<Metafile>;
