import type { Metafile, Plugin } from "esbuild";
/** Leaves zod's message locales other than English out of a bundle. */
export declare const englishOnlyZod: Plugin;
/** Lets an AWS client's schemas tree-shake where they key traits by a constant. */
export declare const literalSchemaKeys: Plugin;
/** Loads node:http with require(), which does not load Node's undici as its ES facade does. */
export declare const httpByRequire: Plugin;
/** Writes `file` with the licenses of the npm packages a build ships. */
export declare function writeLicenses(file: string): Plugin;
/** The input files of which some code is in the bundle. */
export declare function shippedInputs(metafile: Metafile): string[];
