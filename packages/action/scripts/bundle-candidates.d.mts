/** ncc as the Action was bundled before, run with the `node` binary given. */
export declare function nccBundle(outdir: string, node: string): void;
export declare function rolldownBundle(outdir: string): Promise<void>;
/** A one-call RegisterTaskDefinition script, standing in for the official ECS deploy action. */
export declare function baselineBundle(outdir: string): Promise<void>;
