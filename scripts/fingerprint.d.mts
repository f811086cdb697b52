/** The file that holds the digest dist/ was built from. */
export declare const FINGERPRINT_FILE: string;
/** sha256 over each source file's repository path and content, in a fixed order. */
export declare function sourcesDigest(): string;
/** Whether dist/ holds the bundle of the sources as they are now. */
export declare function distIsFresh(): boolean;
/** sha256 over each file's repository path and content under `paths`, in a fixed order. */
export declare function digestOf(paths: readonly string[]): string;
