import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const config = path.join(repo, 'test/fixtures/test-run/jest.config.js');

interface Report {
  leaked: string;
  opsPort: string;
}

/** Runs jest on the leaky fixture in a temp folder of our own; returns the child and where it reports. */
function runFixture(extraEnv: NodeJS.ProcessEnv): { child: ReturnType<typeof spawn>; report: string; base: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'logwarden-nested-'));
  const report = path.join(base, 'report.json');
  const child = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      path.join(repo, 'node_modules/jest/bin/jest.js'),
      '--config',
      config,
      '--runInBand',
    ],
    {
      cwd: repo,
      env: { ...process.env, TMPDIR: base, REPORT: report, ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return { child, report, base };
}

const exitOf = (child: ReturnType<typeof spawn>): Promise<number | null> =>
  new Promise((resolve) => child.on('exit', (code) => resolve(code)));
const readReport = (file: string): Report => JSON.parse(readFileSync(file, 'utf8')) as Report;

describe('the per-run temporary folder every suite gets (test/support/test-run.ts)', () => {
  it('removes what a test left in os.tmpdir() when the run ends, and sets LOGWARDEN_OPS_PORT=0 for every program a test starts', async () => {
    const { child, report, base } = runFixture({ LOGWARDEN_OPS_PORT: '9477' });
    try {
      expect(await exitOf(child)).toBe(0);
      const { leaked, opsPort } = readReport(report);
      // The test's folder was inside the run's private folder, under the TMPDIR jest was given.
      expect(path.dirname(path.dirname(leaked))).toBe(base);
      expect(existsSync(leaked)).toBe(false);
      expect(existsSync(path.dirname(leaked))).toBe(false);
      expect(opsPort).toBe('0');
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('removes it also when the run is killed with SIGKILL', async () => {
    const { child, report, base } = runFixture({ HANG: '1' });
    try {
      for (let i = 0; i < 300 && !existsSync(report); i++) await delay(100);
      const { leaked } = readReport(report);
      expect(existsSync(leaked)).toBe(true);
      child.kill('SIGKILL');
      await exitOf(child);
      for (let i = 0; i < 100 && existsSync(path.dirname(leaked)); i++) await delay(100);
      expect(existsSync(path.dirname(leaked))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(base, { recursive: true, force: true });
    }
  });
});
