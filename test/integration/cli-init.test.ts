import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dropIndices } from '../support/cleanup.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

describe('logwarden init', () => {
  it('connects, creates the writeback indices and reports the cluster version; a second run changes nothing', () => {
    const env = { ...process.env, LOGWARDEN_WRITEBACK_INDEX: uniqueName('cli-wb') };
    const first = spawnSync(process.execPath, [bin, 'init'], { env, encoding: 'utf8' });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Connected to Elasticsearch \d+\.\d+\.\d+ at http/);
    expect(first.stdout.match(/ created$/gm)).toHaveLength(7);
    const second = spawnSync(process.execPath, [bin, 'init'], { env, encoding: 'utf8' });
    expect(second.status).toBe(0);
    expect(second.stdout.match(/ unchanged$/gm)).toHaveLength(7);
  });

  it('exits 1 with a clear message and no secret when the cluster is unreachable', () => {
    const env = { ...process.env, ES_URL: 'http://127.0.0.1:1', ES_PASSWORD: 'Very-Secret-Pass-987' };
    const run = spawnSync(process.execPath, [bin, 'init'], { env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('reading the cluster version: cannot connect');
    expect(run.stderr + run.stdout).not.toContain('Very-Secret-Pass-987');
  });

  it('prints help and version', () => {
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: logwarden');
    expect(help.stdout).toContain('init');
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('logwarden init --recreate and --old-index', () => {
  it('--old-index copies an older writeback into the new one; --recreate empties it', async () => {
    const oldBase = uniqueName('cli-old');
    const base = uniqueName('cli-new');
    const run = (args: string[], wb: string): { status: number | null; stdout: string } =>
      spawnSync(process.execPath, [bin, 'init', ...args], { env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: wb }, encoding: 'utf8' });
    expect(run([], oldBase).status).toBe(0);
    // A silence in the old writeback: silences must survive a rename of writeback_index.
    const silence = spawnSync(process.execPath, [bin, 'silence', '--rule', 'R', '--for', '1h', '--force'], {
      env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: oldBase },
      encoding: 'utf8',
    });
    expect(silence.status).toBe(0);
    const copied = run(['--old-index', oldBase], base);
    expect(copied.status).toBe(0);
    expect(copied.stdout).toContain(`${base}_silence`);
    expect(copied.stdout).toMatch(/1 copied from \S+_silence/);
    const listed = spawnSync(process.execPath, [bin, 'silences'], {
      env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: base },
      encoding: 'utf8',
    });
    expect(listed.stdout).toContain('R');
    const recreated = run(['--recreate'], base);
    expect(recreated.status).toBe(0);
    expect(recreated.stdout).toContain(`${base}_silence`.padEnd(32) + ' deleted');
    expect(recreated.stdout.match(/ created$/gm)).toHaveLength(7);
    const after = spawnSync(process.execPath, [bin, 'silences', '--json'], {
      env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: base },
      encoding: 'utf8',
    });
    expect(after.stdout).not.toContain('"R"');
    const es = testEs();
    await dropIndices(es, [oldBase, base]);
    await es.close();
  });
});
