// Writes the run's totals to $LOGWARDEN_TEST_SUMMARY so .ci/run can add up several runs.
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.LOGWARDEN_TEST_SUMMARY;
    if (!file) return;
    fs.writeFileSync(file, JSON.stringify({
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    }));
  }
}
module.exports = SummaryReporter;
