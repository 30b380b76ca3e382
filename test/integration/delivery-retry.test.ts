import { afterAll, describe, expect, it } from '@jest/globals';
import { AlerterError, type Alerter, type AlertPayload } from '../../alerters/types.ts';
import { processDueDeliveries } from '../../src/deliver/worker.ts';
import { silentLogger } from '../../src/log.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { createRuleType } from '../../src/ruletypes/index.ts';
import { runRule, type RunContext } from '../../src/run/run-rule.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { esStores } from '../../src/store/es/stores.ts';
import type { AlertLog } from '../../src/store/alert-log.ts';
import type { Outbox } from '../../src/store/outbox.ts';
import { indexDocs, rulesFolder, testConfig } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

/** An alerter that fails its first `failures` sends (retryable or not), then records what it delivers. */
function fake(type: string, failures: number, retryable = true): Alerter & { delivered: AlertPayload[]; calls: number } {
  let left = failures;
  const a = {
    type,
    delivered: [] as AlertPayload[],
    calls: 0,
    async send(alert: AlertPayload): Promise<void> {
      a.calls++;
      if (left-- > 0)
        throw new AlerterError(type, retryable ? 'peer answered 503' : 'channel_not_found', retryable, retryable ? 2_000 : undefined);
      a.delivered.push(alert);
    },
  };
  return a;
}

async function setup(
  alerters: Alerter[],
): Promise<{ ctx: RunContext; run: (now: number) => Promise<unknown>; store: AlertLog; outbox: Outbox; now: number }> {
  const index = uniqueName('logs-root');
  const wb = uniqueName('wb-deliver');
  const types = alerters.map((a) => a.type).join(', ');
  const config = testConfig(
    rulesFolder({ 'root.yaml': `name: Root login\ntype: any\nindex: ${index}\nfilter:\n  - term: {user.name: root}\nalert: [${types}]\n` }),
    wb,
    { buffer_time: { minutes: 30 } },
  );
  await initWriteback(es, wb);
  const now = Date.now();
  await indexDocs(es, index, [
    { '@timestamp': new Date(now - 60_000).toISOString(), user: { name: 'root' }, source: { ip: '192.0.2.10' } },
  ]);
  const { rules } = loadRules(config, {});
  const rule = rules[0];
  if (!rule) throw new Error('rule not loaded');
  const stores = esStores(es, wb);
  const store = stores.alerts;
  const outbox = stores.outbox;
  const ctx: RunContext = {
    es,
    stores,
    lookup: () => ({ rule, alerters }),
    log: silentLogger(),
    alertTimeLimitMs: 2 * 86_400_000,
    oldQueryLimitMs: 7 * 86_400_000,
    random: () => 0.5,
  };
  return { ctx, store, outbox, now, run: (at) => runRule(rule, createRuleType(rule), at, ctx) };
}

describe('delivery of an alert', () => {
  it('retries only the alerter that failed, after its Retry-After, and delivers each exactly once', async () => {
    // Stand-ins named like the built-in alerters so the rule file validates; they behave as told.
    const slack = fake('stdout', 0);
    const email = fake('debug', 1);
    const { ctx, store, outbox, now, run } = await setup([slack, email]);
    await run(now);
    const [alert] = await store.ofRule('Root login');
    expect(alert?.alertSent).toBe(false);
    const [s, e] = await outbox.forAlert(alert?.id ?? '');
    expect([s?.status, e?.status]).toEqual(['sent', 'pending']);
    expect(e?.lastError).toBe('debug: peer answered 503');
    // Backoff: 5 s × 0.8..1.2, and never before the peer's Retry-After of 2 s.
    expect(e?.nextAttemptMs).toBe(now + 5_000);

    expect((await processDueDeliveries(now + 1_000, ctx)).due).toBe(0);
    const pass = await processDueDeliveries(now + 5_000, ctx);
    expect(pass).toEqual({ due: 1, sent: 1, retrying: 0, failed: 0 });
    await processDueDeliveries(now + 60_000, ctx);
    await run(now + 60_000);

    expect(slack.delivered).toHaveLength(1);
    expect(email.delivered).toHaveLength(1);
    expect(email.calls).toBe(2);
    expect((await store.ofRule('Root login'))[0]?.alertSent).toBe(true);
  });

  it('records a permanent failure with its reason and does not retry it', async () => {
    const slack = fake('stdout', 1, false);
    const { ctx, store, outbox, now, run } = await setup([slack]);
    await run(now);
    await processDueDeliveries(now + 3_600_000, ctx);
    expect(slack.calls).toBe(1);
    const [alert] = await store.ofRule('Root login');
    expect(alert?.alertSent).toBe(false);
    expect(alert?.alertException).toBe('stdout: stdout: channel_not_found');
    const [d] = await outbox.forAlert(alert?.id ?? '');
    expect(d?.status).toBe('failed');
  });

  it('gives up on an alert older than alert_time_limit', async () => {
    const slack = fake('stdout', 100);
    const { ctx, store, outbox, now, run } = await setup([slack]);
    await run(now);
    const later = now + 3 * 86_400_000;
    await processDueDeliveries(later, ctx);
    const [alert] = await store.ofRule('Root login');
    const [d] = await outbox.forAlert(alert?.id ?? '');
    expect(d?.status).toBe('failed');
    expect(d?.lastError).toContain('not delivered within alert_time_limit; last error: stdout: peer answered 503');
  });
});
