/** The file that holds the digest dist/ was built from. */
export declare const FINGERPRINT_FILE: string;
/** sha256 over each source file's repository path and content, in a fixed order. */
export declare function sourcesDigest(): string;
/** Whether dist/ holds the bundle of the sources as they are now. */
export declare function distIsFresh(): boolean;
/** sha256 over each file's path (relative to `base`, default the repository) and content under `paths`. */
export declare function digestOf(paths: readonly string[], base?: string): string;
