/** A function longer than the limit. */
export interface LongFunction {
  /** Relative to the tree, with `/` separators. */
  file: string;
  name: string;
  /** 1-based line of its signature. */
  line: number;
  lines: number;
}
/** The house limit: lines from a function's signature to its closing brace. */
export declare const MAX_FUNCTION_LINES: number;
/** Every function under `root` (tests left out) longer than `max` lines, longest first. */
export declare function longFunctions(root: string, max?: number): LongFunction[];
