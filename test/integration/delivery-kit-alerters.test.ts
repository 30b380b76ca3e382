/**
 * The kit's HTTP alerters through the real outbox and writeback (real Elasticsearch) against their
 * local peers: a 503 with Retry-After is retried after it and delivered exactly once; a
 * permanent refusal is recorded with its reason and not retried. One rule per alerter, one
 * document each: seconds, not minutes.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createAlerters } from '../../alerters/index.ts';
import { processDueDeliveries } from '../../src/deliver/worker.ts';
import { silentLogger } from '../../src/log.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { createRuleType } from '../../src/ruletypes/index.ts';
import { runRule, type RunContext } from '../../src/run/run-rule.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { esStores } from '../../src/store/es/stores.ts';
import type { AlertLog } from '../../src/store/alert-log.ts';
import type { Outbox } from '../../src/store/outbox.ts';
import { startPeer, type Peer } from '../peers/http-peer.ts';
import { indexDocs, rulesFolder, testConfig } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
const peers: Peer[] = [];
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  await es.close();
});

/** Rule options pointing each alerter at `url`, and the peer's normal answer. */
const CASES: { type: string; ok: number; options: (url: string) => string }[] = [
  { type: 'alertmanager', ok: 200, options: (url) => `alertmanager_hosts: ["${url}"]` },
  { type: 'discord', ok: 204, options: (url) => `discord_webhook_url: "${url}/api/webhooks/1/token"` },
  { type: 'mattermost', ok: 200, options: (url) => `mattermost_webhook_url: "${url}/hooks/token"` },
  { type: 'opsgenie', ok: 202, options: (url) => `opsgenie_key: "k-1234567890"\nopsgenie_addr: "${url}/v2/alerts"` },
];

/** A rule `name` alerting through `type`, on its own index, recording in writeback `wb`. */
async function setup(type: string, options: string, wb: string, name: string): Promise<{ run: (at: number) => Promise<unknown>; ctx: RunContext; store: AlertLog; outbox: Outbox; now: number }> {
  const index = uniqueName('logs-kit');
  const config = testConfig(rulesFolder({ 'r.yaml': `name: ${name}\ntype: any\nindex: ${index}\nfilter:\n  - term: {user.name: root}\nalert: [${type}]\n${options}\n` }), wb, { buffer_time: { minutes: 30 } });
  const now = Date.now();
  await indexDocs(es, index, [{ '@timestamp': new Date(now - 60_000).toISOString(), user: { name: 'root' } }]);
  const { rules, problems } = loadRules(config, {});
  const rule = rules[0];
  if (!rule) throw new Error(`rule not loaded: ${JSON.stringify(problems)}`);
  const alerters = createAlerters(rule, { log: silentLogger(), out: () => undefined, now: () => now });
  const stores = esStores(es, wb);
  const store = stores.alerts;
  const outbox = stores.outbox;
  const ctx: RunContext = { es, stores, lookup: () => ({ rule, alerters }), log: silentLogger(), alertTimeLimitMs: 2 * 86_400_000, oldQueryLimitMs: 7 * 86_400_000, random: () => 0.5 };
  return { ctx, store, outbox, now, run: (at) => runRule(rule, createRuleType(rule), at, ctx) };
}

describe.each(CASES)('$type through the outbox', ({ type, ok, options }) => {
  it('a 503 with Retry-After is retried after it and delivered once; a 4xx is recorded and not retried', async () => {
    const peer = await startPeer({ fallback: { status: ok, body: '' } });
    peers.push(peer);
    peer.replies.push({ status: 503, headers: { 'Retry-After': '30' }, body: 'busy' });
    const wb = uniqueName('wb-kit');
    await initWriteback(es, wb);
    const first = await setup(type, options(peer.url), wb, 'Root login');
    await first.run(first.now);
    const [alert] = await first.store.ofRule('Root login');
    const [d] = await first.outbox.forAlert(alert?.id ?? '');
    expect(d?.status).toBe('pending');
    expect(d?.nextAttemptMs).toBe(first.now + 30_000);
    expect((await processDueDeliveries(first.now + 10_000, first.ctx)).due).toBe(0);
    expect(await processDueDeliveries(first.now + 30_000, first.ctx)).toEqual({ due: 1, sent: 1, retrying: 0, failed: 0 });
    await processDueDeliveries(first.now + 120_000, first.ctx);
    expect(peer.requests).toHaveLength(2);
    expect((await first.store.ofRule('Root login'))[0]?.alertSent).toBe(true);

    peer.replies.push({ status: 404, body: '{"message": "Unknown Webhook"}' });
    const second = await setup(type, options(peer.url), wb, 'Refused');
    await second.run(second.now);
    await processDueDeliveries(second.now + 3_600_000, second.ctx);
    expect(peer.requests).toHaveLength(3);
    const [refused] = await second.store.ofRule('Refused');
    expect(refused?.alertSent).toBe(false);
    expect(refused?.alertException).toMatch(new RegExp(`^${type}: ${type}: POST to http://127\\.0\\.0\\.1:\\d+ failed: HTTP 404 Not Found`));
  });
});
