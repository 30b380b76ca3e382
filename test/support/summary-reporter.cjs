// Writes the run's totals to $LOGWARDEN_TEST_SUMMARY so .ci/run can add up several runs.
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.LOGWARDEN_TEST_SUMMARY;
    if (!file) return;
    // `npm test` runs jest more than once (fast projects, then integration): totals add up.
    const before = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { passed: 0, failed: 0, skipped: 0 };
    fs.writeFileSync(file, JSON.stringify({
      passed: before.passed + results.numPassedTests,
      failed: before.failed + results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: before.skipped + results.numPendingTests + results.numTodoTests,
    }));
  }
}
module.exports = SummaryReporter;
