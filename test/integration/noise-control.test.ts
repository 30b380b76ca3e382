import { afterAll, describe, expect, it } from '@jest/globals';
import { esStores } from '../../src/store/es/stores.ts';
import { indexDocs, rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('aggregation', () => {
  const cases = [
    { type: 'ascii', table: '| alice | 3     |' },
    { type: 'markdown', table: '| alice | 3 |' },
    { type: 'html', table: '<tr><td>alice</td><td>3</td></tr>' },
  ];
  it.each(cases)('sends matches of one period as one alert with a $type summary table, also across a restart', async ({ type, table }) => {
    const index = uniqueName('logs-agg');
    const wb = uniqueName('wb-agg');
    const T = Date.now() - 30 * MIN;
    const users = ['alice', 'bob', 'alice', 'carol', 'alice'];
    await indexDocs(
      es,
      index,
      users.map((u, i) => ({ '@timestamp': new Date(T - 5 * MIN + i * 10_000).toISOString(), user: u })),
    );
    const rule = `name: Sudo to root\ntype: any\nindex: ${index}\naggregation: {minutes: 10}\nsummary_table_fields: [user]\nsummary_table_type: ${type}\nalert_subject: "sudo by {0}"\nalert_subject_args: [user]\nalert: [stdout]\n`;
    const config = testConfig(rulesFolder({ 'sudo.yaml': rule }), wb, { buffer_time: { minutes: 30 } });

    const first = await testEngine(es, config, T);
    const [run1] = await first.engine.runAllOnce();
    expect(run1?.outcomes).toEqual({ aggregated: 5 });
    expect(first.printed).toEqual([]);
    // Restart before the period ends: nothing is due yet.
    const second = await testEngine(es, config, T + 5 * MIN);
    await second.engine.processDeliveries();
    expect(second.printed).toEqual([]);
    // A third process after the period: one alert, with every match and the table.
    const third = await testEngine(es, config, T + 11 * MIN);
    await third.engine.processDeliveries();
    await third.engine.processDeliveries();
    expect(third.printed).toHaveLength(1);
    const text = third.printed[0] ?? '';
    expect(text).toContain("summary_table_fields ==> ['user', 'count']");
    expect(text).toContain(table);
    expect(text.match(/^user: /gm)).toHaveLength(5);
    const store = esStores(es, wb).alerts;
    const alerts = await store.ofRule('Sudo to root');
    expect(alerts.filter((a) => a.aggregateId)).toHaveLength(5);
    expect(alerts.every((a) => a.alertSent)).toBe(true);
    expect(alerts.filter((a) => !a.aggregateId)).toHaveLength(1);
  });
});

describe('the flood guard', () => {
  it('sends 10 alerts and one digest for 500 matches in an hour, and records all 500', async () => {
    const index = uniqueName('logs-flood');
    const wb = uniqueName('wb-flood');
    const hour = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    const now = hour + 59 * MIN;
    await indexDocs(
      es,
      index,
      Array.from({ length: 500 }, (_, i) => ({ '@timestamp': new Date(hour + 30 * MIN + i * 1000).toISOString(), n: i })),
    );
    const rule = `name: Noisy rule\ntype: any\nindex: ${index}\nrealert: {minutes: 0}\nmax_alerts_per_hour: 10\nalert_subject: "event {0}"\nalert_subject_args: [n]\nalert: [stdout]\n`;
    const config = testConfig(rulesFolder({ 'noisy.yaml': rule }), wb, { buffer_time: { hours: 1 } });
    const live = await testEngine(es, config, now);
    const [outcome] = await live.engine.runAllOnce();
    expect(outcome?.outcomes).toEqual({ sent: 10, suppressed_flood: 490 });
    expect(live.printed).toHaveLength(10);
    // The hour ends: one digest, once.
    live.clock.advance(2 * MIN);
    await live.engine.processDeliveries();
    await live.engine.processDeliveries();
    expect(live.printed).toHaveLength(11);
    expect(live.printed[10]).toContain('490 more matches of rule "Noisy rule" were held back');
    const alerts = await esStores(es, wb).alerts.ofRule('Noisy rule');
    expect(alerts).toHaveLength(501);
    expect(alerts.filter((a) => a.alertException?.startsWith('held back by the flood guard'))).toHaveLength(490);
  });
});
