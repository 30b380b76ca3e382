import { afterEach, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../../src/config/load-config.ts';
import { Engine } from '../../../src/engine.ts';
import { createEsClient } from '../../../src/es/client.ts';
import { silentLogger } from '../../../src/log.ts';
import { Metrics } from '../../../src/ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../../../src/ops/server.ts';
import type { OpsSettings } from '../../../src/ops/settings.ts';

// These routes answer before any Elasticsearch request, so the client points nowhere.
const TOKEN = 'unit-test-token-0123456789abcdef';
let servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(settings: Partial<OpsSettings> = {}): Promise<OpsServer> {
  const config = resolveConfig({ rules_folder: '/nonexistent-rules' }, { file: undefined, env: {}, cwd: process.cwd() });
  const es = createEsClient({ url: 'http://127.0.0.1:9', verifyCerts: true, requestTimeoutMs: 1000 });
  const engine = new Engine({ config, es, log: silentLogger() });
  const metrics = new Metrics({ defaultMetrics: false });
  const server = await startOpsServer({
    settings: { enabled: true, port: 0, bind: '127.0.0.1', statusPage: true, actions: false, token: undefined, ...settings },
    engine,
    metrics,
    log: silentLogger(),
  });
  servers.push(server);
  return server;
}

describe('the ops server without Elasticsearch', () => {
  it('answers /healthz and /metrics with security headers', async () => {
    const s = await start();
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(health.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(health.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const metrics = await fetch(`${s.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('logwarden_rules_loaded');
  });

  it('serves the script and stylesheet as files with their types', async () => {
    const s = await start();
    const js = await fetch(`${s.url}/static/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain("'Bearer '");
    expect((await fetch(`${s.url}/static/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('refuses writes with 403 while actions are off, whatever the token', async () => {
    const s = await start({ actions: false, token: TOKEN });
    const post = await fetch(`${s.url}/api/silences`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{"rule":"x","duration":"1h"}',
    });
    expect(post.status).toBe(403);
    const del = await fetch(`${s.url}/api/silences/x._silence`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(del.status).toBe(403);
  });

  it('asks for the bearer token (401) when actions are on', async () => {
    const s = await start({ actions: true, token: TOKEN });
    const none = await fetch(`${s.url}/api/silences`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="logwarden"');
    const wrong = await fetch(`${s.url}/api/silences/k`, {
      method: 'DELETE',
      headers: { Authorization: 'Bearer not-the-token-not-the-token' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'the bearer token is wrong' });
  });

  it('with the token, refuses a foreign Origin, a form body, and an unknown rule', async () => {
    const s = await start({ actions: true, token: TOKEN });
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const foreign = await fetch(`${s.url}/api/silences`, {
      method: 'POST',
      headers: { ...auth, Origin: 'https://evil.example', 'Content-Type': 'application/json' },
      body: '{"rule":"x"}',
    });
    expect(foreign.status).toBe(403);
    const form = await fetch(`${s.url}/api/silences`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'rule=x',
    });
    expect(form.status).toBe(415);
    const unknown = await fetch(`${s.url}/api/silences`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{"rule":"no such rule","duration":"1h"}',
    });
    expect(unknown.status).toBe(404);
    const big = await fetch(`${s.url}/api/silences`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ rule: 'x', reason: 'y'.repeat(10_000) }),
    });
    expect(big.status).toBe(413);
  });

  it('answers only to loopback names when bound to loopback', async () => {
    const s = await start();
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${s.url}/healthz`, { headers: { Host: 'rebind.evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('405 for other methods, 404 for other paths, and no page or API with status_page off', async () => {
    const s = await start();
    const put = await fetch(`${s.url}/metrics`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/rules/%E0%A4%A`)).status).toBe(400);
    const off = await start({ statusPage: false });
    expect((await fetch(`${off.url}/`)).status).toBe(404);
    expect((await fetch(`${off.url}/api/rules`)).status).toBe(404);
    expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
  });
});
