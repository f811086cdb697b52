// The counts of the closing line `npm test` prints ("tests: N passed, N failed, N skipped"), from
// vitest's JSON report. Plain Node >= 18, no dependencies: the toolchain script imports it.

/**
 * The closing line's counts from vitest's JSON report. A failing hook or a file that could not load
 * fails no single test, yet the run failed: each such file counts as one failure, and a failed run
 * never reports "0 failed".
 */
export function countResults(report, status) {
  const failedFiles = (report.testResults ?? []).filter(
    (file) =>
      file.status === "failed" && !(file.assertionResults ?? []).some((test) => test.status === "failed"),
  ).length;
  const failed = report.numFailedTests + failedFiles;
  return {
    passed: report.numPassedTests,
    failed: status !== 0 && failed === 0 ? 1 : failed,
    skipped: report.numPendingTests + (report.numTodoTests ?? 0),
  };
}
