import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

describe('logwarden init', () => {
  it('connects, creates the writeback indices and reports the cluster version; a second run changes nothing', () => {
    const env = { ...process.env, LOGWARDEN_WRITEBACK_INDEX: uniqueName('cli-wb') };
    const first = spawnSync(process.execPath, [bin, 'init'], { env, encoding: 'utf8' });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Connected to Elasticsearch \d+\.\d+\.\d+ at http/);
    expect(first.stdout.match(/ created$/gm)).toHaveLength(6);
    const second = spawnSync(process.execPath, [bin, 'init'], { env, encoding: 'utf8' });
    expect(second.status).toBe(0);
    expect(second.stdout.match(/ unchanged$/gm)).toHaveLength(6);
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
