import type { Metafile } from "esbuild";
/** Bundles the Action into `outdir` (emptied first): index.js, its chunks and maps, licenses.txt. */
export declare function bundle(outdir: string): Promise<Metafile>;
/** The input files of which some code is in the bundle; tree shaking drops the others whole. */
export declare function shippedInputs(metafile: Metafile): string[];
