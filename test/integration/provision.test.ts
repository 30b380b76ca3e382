import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { provisionElasticsearch } from '../../src/es/provision/index.ts';

// These start their own local clusters beside the shared one, so they force the local way.
const localEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, LOGWARDEN_ES_PROVIDER: 'local' };
  for (const key of ['ES_URL', 'ES_USERNAME', 'ES_PASSWORD', 'ES_API_KEY', 'ES_CA_CERT']) delete env[key];
  return env;
};

/** Processes whose command line mentions the instance folder (the ES launcher and server JVMs). */
function processesUsing(folder: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.includes(folder) && !line.includes('ps -eo'));
}

const dataDirOf = (logs: string[]): string => {
  const line = logs.find((l) => l.includes('(data in '));
  const match = /\(data in ([^)]+)\)/.exec(line ?? '');
  if (!match?.[1]) throw new Error(`no data dir in logs: ${logs.join('\n')}`);
  return match[1];
};

describe('local Elasticsearch provisioning', () => {
  it('starts from the cache without downloading, shares the read-only distribution, and stops leaving no process and no data behind', async () => {
    const logs: string[] = [];
    const cluster = await provisionElasticsearch({ env: localEnv(), log: { info: (m) => logs.push(m) }, interactive: false });
    const folder = dataDirOf(logs);
    try {
      expect(cluster.method).toBe('local');
      expect(cluster.connection.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(logs.some((l) => l.startsWith('Downloading'))).toBe(false);
      const health = await fetch(`${cluster.connection.url}/_cluster/health`, {
        headers: {
          authorization: 'Basic ' + Buffer.from(`${cluster.connection.username}:${cluster.connection.password}`).toString('base64'),
        },
      });
      expect(health.status).toBe(200);
      expect(processesUsing(folder).length).toBeGreaterThan(0);
      // The instance holds only its own state; the distribution is neither copied nor linked in.
      expect(readdirSync(folder).sort()).toEqual(['config', 'data', 'logs', 'tmp']);
      const du = spawnSync('du', ['-sk', folder], { encoding: 'utf8' }).stdout;
      expect(Number(du.split('\t')[0])).toBeLessThan(20_000);
      // Elasticsearch 8's launcher names its script, 9's server JVM its home: either gives the distribution.
      const lines = processesUsing(folder);
      const script = /-Dcli\.script=(\S+)/.exec(lines.find((l) => l.includes('-Dcli.script=')) ?? '')?.[1];
      const pathHome = /-Des\.path\.home=(\S+)/.exec(lines.find((l) => l.includes('-Des.path.home=')) ?? '')?.[1];
      const home = pathHome ?? (script ? path.dirname(path.dirname(script)) : '');
      expect(home).not.toBe('');
      expect(home).not.toContain(folder);
      if (process.getuid?.() === 0) {
        // Run as an unprivileged user, which must not be able to change the distribution.
        expect(statSync(path.join(home, 'lib')).uid).toBe(0);
        expect(
          spawnSync('setpriv', [
            '--reuid',
            'logwarden-es',
            '--regid',
            'logwarden-es',
            '--clear-groups',
            'test',
            '-w',
            path.join(home, 'lib'),
          ]).status,
        ).not.toBe(0);
      }
    } finally {
      await cluster.stop();
    }
    expect(processesUsing(folder)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  });

  it('takes Elasticsearch down with it and leaves no folder when the process that started it is killed', async () => {
    const script = fileURLToPath(new URL('../support/provision-child.ts', import.meta.url));
    const child = spawn(process.execPath, [script], { env: localEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        lines.push(...d.toString().split('\n').filter(Boolean));
        if (lines.some((l) => l.startsWith('UP '))) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${lines.join('\n')}`)));
    });
    const folder = dataDirOf(lines.map((l) => l.replace(/^LOG /, '')));
    expect(processesUsing(folder).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    for (let i = 0; i < 60 && (processesUsing(folder).length > 0 || existsSync(folder)); i++) await delay(500);
    expect(processesUsing(folder)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  });
});
