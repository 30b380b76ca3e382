import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEsClient } from '../../src/es/client.ts';
import { indexDocs, rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { keywordIndex, metricValue, opsFixture, type OpsFixture } from '../support/ops.ts';

const es = testEs();
afterAll(() => es.close());

const MIN = 60_000;
const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

const login = (atMs: number, user: string, outcome: string): Record<string, unknown> => ({
  '@timestamp': new Date(atMs).toISOString(),
  event: { category: 'authentication', outcome },
  user: { name: user },
  host: { name: 'bastion-1' },
});

const rules = (index: string): Record<string, string> => ({
  // One match per failed login; realert per user: alice x3 and bob x2 -> 2 sent, 3 suppressed.
  'failed.yaml': `name: Failed login\ntype: any\nindex: ${index}\nfilter:\n  - term: {event.outcome: failure}\nquery_key: user.name\nrealert: {hours: 1}\nalert: [stdout]\n`,
  // 3 successes in 10 minutes -> one match.
  'burst.yaml': `name: Login burst\ntype: frequency\nindex: ${index}\nnum_events: 3\ntimeframe: {minutes: 10}\nfilter:\n  - term: {event.outcome: success}\nalert: [stdout]\n`,
  // Elasticsearch rejects the query: the run fails with bad_request.
  'broken.yaml': `name: Broken query\ntype: any\nindex: ${index}\nfilter:\n  - query_string: {query: "user.name:(unclosed"}\nalert: [stdout]\n`,
});

describe('metrics and the JSON API after real rule runs', () => {
  const index = uniqueName('logs-ops');
  const now = Date.now();
  let fx: OpsFixture;

  beforeAll(async () => {
    await keywordIndex(es, index);
    const t = now - 5 * MIN;
    await indexDocs(es, index, [
      login(t, 'alice', 'failure'),
      login(t + 1000, 'alice', 'failure'),
      login(t + 2000, 'alice', 'failure'),
      login(t + 3000, 'bob', 'failure'),
      login(t + 4000, 'bob', 'failure'),
      login(t + 5000, 'carol', 'success'),
      login(t + 6000, 'carol', 'success'),
      login(t + 7000, 'carol', 'success'),
    ]);
    const wb = uniqueName('wb-ops');
    fx = await opsFixture(es, { rules: rules(index), writeback: wb, nowMs: now });
    // A scheduled run 2.5 s late (lag), and two runs started by hand.
    await fx.engine.runOne('Failed login', undefined, now - 2_500);
    await fx.engine.runOne('Login burst');
    await fx.engine.runOne('Broken query');
    await es.client.indices.refresh({ index: `${wb}*` });
  });
  afterAll(() => fx.close());

  it('counts runs, hits, matches, outcomes, deliveries and Elasticsearch errors', async () => {
    const text = await (await fetch(`${fx.server.url}/metrics`)).text();
    const v = (s: string): number | undefined => metricValue(text, s);
    expect(v('logwarden_rules_loaded')).toBe(3);
    expect(v('logwarden_rules_invalid')).toBe(0);
    expect(v('logwarden_rule_runs_total{rule="Failed login",outcome="success"}')).toBe(1);
    expect(v('logwarden_rule_runs_total{rule="Broken query",outcome="error"}')).toBe(1);
    expect(v('logwarden_rule_runs_total{rule="Broken query",outcome="success"}')).toBe(0);
    expect(v('logwarden_rule_run_errors_total{rule="Broken query",kind="bad_request"}')).toBe(1);
    expect(v('logwarden_rule_hits_total{rule="Failed login"}')).toBe(5);
    expect(v('logwarden_rule_matches_total{rule="Failed login"}')).toBe(5);
    expect(v('logwarden_alerts_total{rule="Failed login",outcome="sent"}')).toBe(2);
    expect(v('logwarden_alerts_total{rule="Failed login",outcome="suppressed_realert"}')).toBe(3);
    expect(v('logwarden_alerts_total{rule="Login burst",outcome="sent"}')).toBe(1);
    expect(v('logwarden_deliveries_total{rule="Failed login",alerter="stdout",status="sent"}')).toBe(2);
    expect(v('logwarden_rule_schedule_lag_seconds_count{rule="Failed login"}')).toBe(1);
    expect(v('logwarden_rule_schedule_lag_seconds_sum{rule="Failed login"}')).toBe(2.5);
    expect(v('logwarden_rule_schedule_lag_seconds_count{rule="Login burst"}')).toBeUndefined();
    expect(v('logwarden_rule_run_duration_seconds_count{rule="Broken query"}')).toBe(1);
    expect(v('logwarden_elasticsearch_request_errors_total{kind="bad_request"}')).toBeGreaterThanOrEqual(1);
    expect(v('logwarden_pending_deliveries')).toBe(0);
    expect(fx.printed).toHaveLength(3);
  });

  it('serves the 24 h numbers per rule from the status index', async () => {
    const res = await fetch(`${fx.server.url}/api/rules`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const { rules: list } = (await res.json()) as {
      rules: {
        name: string;
        day: Record<string, number>;
        matchesPerHour: number[];
        lastError?: { message: string };
        lagSeconds?: number;
      }[];
    };
    const byName = new Map(list.map((r) => [r.name, r]));
    expect(byName.get('Failed login')?.day).toEqual({ runs: 1, hits: 5, matches: 5, alertsSent: 2, alertsFailed: 0, errors: 0 });
    expect(byName.get('Failed login')?.matchesPerHour.reduce((a, b) => a + b, 0)).toBe(5);
    expect(byName.get('Failed login')?.matchesPerHour[23]).toBe(5);
    expect(byName.get('Failed login')?.lagSeconds).toBe(2.5);
    expect(byName.get('Login burst')?.day).toMatchObject({ matches: 1, alertsSent: 1 });
    expect(byName.get('Broken query')?.day).toMatchObject({ runs: 1, errors: 1 });
    expect(byName.get('Broken query')?.lastError?.message).toContain('HTTP 400');
  });

  it("serves a rule's runs, alerts and silences", async () => {
    const res = await fetch(`${fx.server.url}/api/rules/${encodeURIComponent('Failed login')}`);
    const detail = (await res.json()) as {
      runs: unknown[];
      alerts: { queryKey: string; sent: boolean }[];
      silences: { key: string; manual: boolean }[];
      pendingDeliveries: unknown[];
    };
    expect(detail.runs).toHaveLength(1);
    expect(detail.alerts.map((a) => [a.queryKey, a.sent]).sort()).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
    expect(detail.silences.map((s) => [s.key, s.manual]).sort()).toEqual([
      ['Failed login.alice', false],
      ['Failed login.bob', false],
    ]);
    expect(detail.pendingDeliveries).toEqual([]);
    expect((await fetch(`${fx.server.url}/api/rules/nope`)).status).toBe(404);
    const silences = (await (await fetch(`${fx.server.url}/api/silences`)).json()) as { silences: { key: string }[] };
    // Login burst has the default realert (1 minute): its rule-wide realert silence is listed too.
    expect(silences.silences.map((s) => s.key).sort()).toEqual(['Failed login.alice', 'Failed login.bob', 'Login burst']);
  });
});

describe('/readyz', () => {
  const rule = { 'r.yaml': 'name: R\ntype: any\nindex: nothing-*\nalert: [stdout]\n' };

  it('is 200 with Elasticsearch up, the writeback indices present and rules loaded', async () => {
    const fx = await opsFixture(es, { rules: rule, writeback: uniqueName('wb-ready'), nowMs: Date.now() });
    try {
      const res = await fetch(`${fx.server.url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ready: true, reasons: [], checks: { elasticsearch: 'ok', writeback: 'ok', rules: 1 } });
      expect((await fetch(`${fx.server.url}/healthz`)).status).toBe(200);
    } finally {
      await fx.close();
    }
  });

  it('is 503 naming the cause when Elasticsearch cannot be reached, while /healthz stays 200', async () => {
    const dead = createEsClient({ url: 'http://127.0.0.1:1', verifyCerts: true, requestTimeoutMs: 2_000 });
    const fx = await opsFixture(dead, { rules: rule, writeback: uniqueName('wb-dead'), nowMs: Date.now(), init: false });
    try {
      const res = await fetch(`${fx.server.url}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ready: boolean; reasons: string[]; checks: Record<string, unknown> };
      expect(body.checks).toEqual({ elasticsearch: 'unreachable', writeback: 'unknown', rules: 1 });
      expect(body.reasons).toEqual([
        expect.stringMatching(/^Elasticsearch: checking the writeback indices: (cannot connect|no Elasticsearch node is reachable)/),
      ]);
      expect((await fetch(`${fx.server.url}/healthz`)).status).toBe(200);
      // The failed request is counted by kind.
      expect(
        metricValue(
          await (await fetch(`${fx.server.url}/metrics`)).text(),
          'logwarden_elasticsearch_request_errors_total{kind="connection"}',
        ),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await fx.close();
      await dead.close();
    }
  });

  it('is 503 when the writeback indices are missing or no rule is loaded', async () => {
    const wb = uniqueName('wb-missing');
    const missing = await opsFixture(es, { rules: rule, writeback: wb, nowMs: Date.now(), init: false });
    const empty = await opsFixture(es, { rules: {}, writeback: uniqueName('wb-empty'), nowMs: Date.now() });
    try {
      const a = await fetch(`${missing.server.url}/readyz`);
      expect(a.status).toBe(503);
      expect(((await a.json()) as { reasons: string[] }).reasons).toEqual([
        `writeback indices missing: ${wb}, ${wb}_status, ${wb}_silence, ${wb}_error, ${wb}_state, ${wb}_delivery, ${wb}_control (run logwarden init)`,
      ]);
      const b = await fetch(`${empty.server.url}/readyz`);
      expect(b.status).toBe(503);
      expect(await b.json()).toEqual({
        ready: false,
        reasons: ['no rules loaded'],
        checks: { elasticsearch: 'ok', writeback: 'ok', rules: 0 },
      });
    } finally {
      await missing.close();
      await empty.close();
    }
  });
});

describe('logwarden run', () => {
  it('starts the ops server, serves metrics while running, and stops it on SIGTERM', async () => {
    const wb = uniqueName('cli-ops');
    const dir = rulesFolder({ 'r.yaml': 'name: Root login\ntype: any\nindex: nothing-here-*\nrun_every: {seconds: 1}\nalert: [stdout]\n' });
    const env = {
      ...process.env,
      LOGWARDEN_RULES_FOLDER: dir,
      LOGWARDEN_WRITEBACK_INDEX: wb,
      LOGWARDEN_OPS_PORT: '0',
      LOGWARDEN_LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, [bin, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          const m = /"ops_url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`exited before the ops server started:\n${stderr}`)));
      });
      // The scheduler runs the rule every second; wait until the metrics show a run.
      let runs: number | undefined;
      for (let i = 0; i < 100 && !runs; i++) {
        runs = metricValue(await (await fetch(`${url}/metrics`)).text(), 'logwarden_rule_runs_total{rule="Root login",outcome="success"}');
        if (!runs) await new Promise((r) => setTimeout(r, 200));
      }
      expect(runs).toBeGreaterThanOrEqual(1);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total');
      expect(metricValue(metrics, 'logwarden_rules_loaded')).toBe(1);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('deploy/elasticsearch-role.json', () => {
  it('names only privileges this Elasticsearch knows (has_privileges rejects unknown names)', async () => {
    const role = JSON.parse(readFileSync(new URL('../../deploy/elasticsearch-role.json', import.meta.url), 'utf8')) as {
      cluster: string[];
      indices: { names: string[]; privileges: string[] }[];
    };
    const res = await es.client.security.hasPrivileges({
      cluster: role.cluster,
      index: role.indices.map((i) => ({ names: i.names, privileges: i.privileges })),
    });
    // The test user is a superuser: it has them all. What matters is that none was refused as unknown.
    expect(res.has_all_requested).toBe(true);
    await expect(es.client.security.hasPrivileges({ index: [{ names: ['logwarden*'], privileges: ['reed'] }] })).rejects.toThrow(/reed/);
  });
});
