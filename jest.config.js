// Tests run as native ES modules (node-cron, nodemailer and smtp-server ship ESM only);
// @swc/jest strips types without type-checking, which `npm run typecheck` does instead.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'es6' } }];
export const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  // A private TMPDIR per run, removed at the end (test/support/test-run.ts).
  globalSetup: '<rootDir>/test/support/run-setup.ts',
  globalTeardown: '<rootDir>/test/support/run-teardown.ts',
  // Not jest's default under /tmp: a test run leaves nothing in the temporary folder.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Against real protocol peers started in the test (SMTP, Slack, HTTP), no Elasticsearch.
    { ...common, displayName: 'peers', testMatch: ['<rootDir>/test/peers/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
