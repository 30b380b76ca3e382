import { afterAll, describe, expect, it } from '@jest/globals';
import type { Alerter, AlertPayload } from '../../alerters/index.ts';
import { AlerterError } from '../../alerters/index.ts';
import { silentLogger } from '../../src/log.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { createRuleType } from '../../src/ruletypes/index.ts';
import { runRule } from '../../src/run/run-rule.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { WritebackStore } from '../../src/writeback/store.ts';
import { indexDocs, rulesFolder, testConfig } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

/** An alerter that fails its first `failures` sends, then records what it delivers. */
function flaky(failures: number): Alerter & { delivered: AlertPayload[] } {
  let left = failures;
  const delivered: AlertPayload[] = [];
  return {
    type: 'flaky',
    delivered,
    async send(alert) {
      if (left-- > 0) throw new AlerterError('flaky', 'peer answered 503', true);
      delivered.push(alert);
    },
  };
}

describe('an alert whose alerter fails', () => {
  it('is kept unsent with the reason, and delivered exactly once by a later run', async () => {
    const index = uniqueName('logs-root');
    const wb = uniqueName('wb-retry');
    const config = testConfig(rulesFolder({ 'root.yaml': `name: Root login\ntype: any\nindex: ${index}\nfilter:\n  - term: {user.name: root}\nalert: [debug]\n` }), wb, { buffer_time: { minutes: 30 } });
    await initWriteback(es, wb);
    const now = Date.now();
    await indexDocs(es, index, [{ '@timestamp': new Date(now - 60_000).toISOString(), user: { name: 'root' }, source: { ip: '192.0.2.10' } }]);
    const { rules, problems } = loadRules(config, {});
    expect(problems).toEqual([]);
    const rule = rules[0];
    if (!rule) throw new Error('rule not loaded');
    const store = new WritebackStore(es, wb);
    const alerter = flaky(1);
    const ctx = { store, log: silentLogger(), alerters: [alerter], oldQueryLimitMs: 7 * 86_400_000, alertTimeLimitMs: 2 * 86_400_000 };

    const first = await runRule(rule, createRuleType(rule), now, ctx);
    expect(first.matches).toBe(1);
    expect(first.alertsSent).toBe(0);
    const [unsent] = await store.alertsOf('Root login');
    expect(unsent?.alertSent).toBe(false);
    expect(unsent?.alertException).toContain('flaky: peer answered 503');
    expect(alerter.delivered).toHaveLength(0);

    await runRule(rule, createRuleType(rule), now + 60_000, ctx);
    await runRule(rule, createRuleType(rule), now + 120_000, ctx);
    expect(alerter.delivered).toHaveLength(1);
    expect(alerter.delivered[0]?.match['source']).toEqual({ ip: '192.0.2.10' });
    const alerts = await store.alertsOf('Root login');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.alertSent).toBe(true);
  });
});
