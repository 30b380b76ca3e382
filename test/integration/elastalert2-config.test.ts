import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strftime } from '../../src/query/build.ts';
import { dropIndices } from '../support/cleanup.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));
const config = fileURLToPath(new URL('../fixtures/elastalert2-config/config.yaml', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'logwarden-parity-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('an ElastAlert2 config.yaml, unchanged', () => {
  const prefix = uniqueName('parity');
  const logFile = path.join(tmp, 'elastalert.log');
  const env = {
    ...process.env,
    PARITY_INDEX: prefix,
    PARITY_WRITEBACK: uniqueName('parity-wb'),
    PARITY_LOG_FILE: logFile,
    LOGWARDEN_LOG_LEVEL: '',
  };

  it('lints clean', () => {
    const lint = spawnSync(process.execPath, [bin, 'lint', '--config', config], { env, encoding: 'utf8' });
    expect(lint.stderr + lint.stdout).not.toContain('problem');
    expect(lint.status).toBe(0);
  });

  it('runs once against Elasticsearch: hourly strftime index, include, alerter defaults, logging to a file', async () => {
    const es = testEs();
    const now = new Date();
    const index = strftime(`${prefix}-%Y.%m.%d.%H`, now);
    try {
      await es.client.index({
        index,
        refresh: true,
        document: {
          '@timestamp': new Date(now.getTime() - 1000).toISOString(),
          user: { name: 'root' },
          event: { action: 'ssh-login' },
          secret_field: 'not-read',
        },
      });
      const run = spawnSync(process.execPath, [bin, 'run', '--once', '--config', config], { env, encoding: 'utf8' });
      expect(run.stderr).toContain('1 rules run, 1 alerts sent, 0 failed');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('root login: ssh-login');
      // add_metadata_alert puts the rule's owner into the alert's fields; include kept secret_field out.
      expect(run.stdout).toContain('secops');
      expect(run.stdout).not.toContain('not-read');
      // The FileHandler of `logging` gets the log lines (the formatter is noted at start, at warn level).
      expect(readFileSync(logFile, 'utf8')).toContain('Python format strings are not used');
    } finally {
      await dropIndices(es, [env.PARITY_WRITEBACK ?? ''], [index]);
      await es.close();
    }
  });
});
