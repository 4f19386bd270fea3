/*
 * Prints one plain closing line, 'N passed, N failed[, N skipped]', after jest's own summary; before
 * it, when tests were skipped, every skipped test by name (they are the tests that need ../shared).
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    if (skipped) {
      const names = results.testResults.flatMap((file) => file.testResults.filter((t) => t.status === 'pending' || t.status === 'todo').map((t) => t.fullName));
      process.stderr.write(`\nWARNING: ${skipped} tests were SKIPPED (the tests reading ../shared skip when it is missing, DAPR_PLATFORM_REQUIRE_SHARED=1 makes that a failure; or a -t filter):\n`);
      for (const name of names) process.stderr.write(`  skipped: ${name}\n`);
    }
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stderr.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
