import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_OPS_PORT } from '../../src/ops/settings.ts';
import { rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

describe('logwarden run', () => {
  it('runs every rule once with --once and reports it', () => {
    const rules = rulesFolder({ 'root.yaml': 'name: Root login\ntype: any\nindex: nothing-here-*\nalert: [stdout]\n' });
    const env = {
      ...process.env,
      LOGWARDEN_RULES_FOLDER: rules,
      LOGWARDEN_WRITEBACK_INDEX: uniqueName('cli-run'),
      LOGWARDEN_LOG_LEVEL: 'warn',
    };
    const run = spawnSync(process.execPath, [bin, 'run', '--once'], { env, encoding: 'utf8' });
    expect(run.stderr).toContain('1 rules run, 0 alerts sent, 0 failed');
    expect(run.status).toBe(0);
  });

  it('stops cleanly on SIGTERM after its rules have run, beside a LogWarden that holds the default ops port', async () => {
    // Whatever holds 9477 on this machine (a running LogWarden, or this listener) must not matter:
    // the test environment gives every `run` port 0 (test/support/test-run.ts).
    const holder = net.createServer();
    await new Promise<void>((resolve) => {
      holder.once('error', () => resolve());
      holder.listen(DEFAULT_OPS_PORT, '127.0.0.1', () => resolve());
    });
    const wb = uniqueName('cli-term');
    const rules = rulesFolder({
      'root.yaml': 'name: Root login\ntype: any\nindex: nothing-here-*\nrun_every: {seconds: 1}\nalert: [stdout]\n',
    });
    const env = { ...process.env, LOGWARDEN_RULES_FOLDER: rules, LOGWARDEN_WRITEBACK_INDEX: wb };
    const child = spawn(process.execPath, [bin, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const es = testEs();
    try {
      // Wait for two runs recorded in the status index: the scheduler is running.
      for (let i = 0; i < 100; i++) {
        const count = await es.client.count({ index: `${wb}_status`, ignore_unavailable: true }).catch(() => ({ count: 0 }));
        if (count.count >= 2) break;
        await delay(200);
      }
      const runs = await es.client.count({ index: `${wb}_status` });
      expect(runs.count).toBeGreaterThanOrEqual(2);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('stopping: waiting for runs in flight');
      const opsUrl = /ops server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      expect(Number(opsUrl?.[1])).toBeGreaterThan(0);
      expect(Number(opsUrl?.[1])).not.toBe(DEFAULT_OPS_PORT);
    } finally {
      child.kill('SIGKILL');
      holder.close();
      await es.close();
    }
  });
});
