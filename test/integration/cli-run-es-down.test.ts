import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

/** A port nothing listens on (yet): bound by the kernel's choice, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A plain TCP forwarder to the test cluster: "Elasticsearch comes up" when it starts listening. */
async function startProxy(port: number, target: URL): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    await delay(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('logwarden run with Elasticsearch down at start (issue #16, item 3)', () => {
  it('stays up with /healthz 200 and /readyz 503 saying why, then starts when the cluster answers', async () => {
    const target = new URL(process.env.ES_URL ?? '');
    const port = await freePort();
    const wb = uniqueName('wb-down');
    const rules = rulesFolder({
      'root.yaml': 'name: Root login\ntype: any\nindex: nothing-here-*\nrun_every: {seconds: 1}\nalert: [stdout]\n',
    });
    const env = {
      ...process.env,
      ES_URL: `${target.protocol}//127.0.0.1:${port}`,
      LOGWARDEN_RULES_FOLDER: rules,
      LOGWARDEN_WRITEBACK_INDEX: wb,
      LOGWARDEN_OPS_PORT: '0',
      LOGWARDEN_LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, [bin, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let proxy: net.Server | undefined;
    const es = testEs();
    try {
      const ops = await until('the ops server', async () => /ops server listening on (http:\/\/[\d.]+:\d+)/.exec(stderr)?.[1]);
      expect((await fetch(`${ops}/healthz`)).status).toBe(200);
      const waiting = await fetch(`${ops}/readyz`);
      expect(waiting.status).toBe(503);
      expect(((await waiting.json()) as { reasons: string[] }).reasons.join(' ')).toMatch(/Elasticsearch/);
      // It retries instead of exiting (the old behaviour: exit 1 after about 3 s).
      await until('a second attempt', async () => (/attempt 2/.test(stderr) ? true : undefined));
      await delay(3_500);
      expect(child.exitCode).toBeNull();
      const later = await fetch(`${ops}/readyz`);
      expect(later.status).toBe(503);
      expect(((await later.json()) as { reasons: string[] }).reasons.join(' ')).toMatch(/waiting for Elasticsearch at start \(attempt \d+/);

      // Then a cluster that accepts connections and never answers (the old behaviour: exit 1 after 22 s).
      const sockets = new Set<net.Socket>();
      const blackHole = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => blackHole.listen(port, '127.0.0.1', resolve));
      const attempts = (stderr.match(/attempt \d+/g) ?? []).length;
      await until('an attempt that times out', async () =>
        /request timed out/.test(stderr.split('\n').slice(-5).join('\n')) && (stderr.match(/attempt \d+/g) ?? []).length > attempts
          ? true
          : undefined,
      );
      expect(child.exitCode).toBeNull();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));

      proxy = await startProxy(port, target);
      await until('readiness', async () => ((await fetch(`${ops}/readyz`)).status === 200 ? true : undefined));
      await until('a rule run', async () => {
        const count = await es.client.count({ index: `${wb}_status`, ignore_unavailable: true });
        return count.count >= 1 ? true : undefined;
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      proxy?.close();
      await es.client.indices.deleteIndexTemplate({ name: `logwarden-${wb}*` }, { ignore: [404] }).catch(() => undefined);
      await es.client.indices.delete({ index: `${wb}*` }, { ignore: [404] }).catch(() => undefined);
      await es.close();
      rmSync(rules, { recursive: true, force: true });
    }
  });

  it('still fails fast with --once', async () => {
    const port = await freePort();
    const rules = rulesFolder({ 'root.yaml': 'name: Root login\ntype: any\nindex: nothing-here-*\nalert: [stdout]\n' });
    const started = Date.now();
    const run = spawnSync(process.execPath, [bin, 'run', '--once'], {
      env: {
        ...process.env,
        ES_URL: `http://127.0.0.1:${port}`,
        LOGWARDEN_RULES_FOLDER: rules,
        LOGWARDEN_WRITEBACK_INDEX: uniqueName('wb-once'),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stderr).toMatch(/connect/i);
    rmSync(rules, { recursive: true, force: true });
  });
});
