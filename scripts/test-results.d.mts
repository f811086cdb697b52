/** The part of vitest's JSON report the closing line reads. */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  testResults?: { status: string; assertionResults?: { status: string }[] }[];
}

/** The closing line's counts; a failed run (non-zero `status`) never counts "0 failed". */
export declare function countResults(
  report: VitestReport,
  status: number,
): { passed: number; failed: number; skipped: number };
