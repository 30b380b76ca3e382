import { afterAll, describe, expect, it } from '@jest/globals';
import { indexDocs, rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const MIN = 60_000;
const DAY = 86_400_000;

describe('queries a rule run makes', () => {
  it('reads a window larger than one page completely, through a point in time', async () => {
    const index = uniqueName('logs-paging');
    const now = Date.now();
    await indexDocs(
      es,
      index,
      Array.from({ length: 23 }, (_, i) => ({ '@timestamp': new Date(now - 10 * MIN + i * 1000).toISOString(), n: i })),
    );
    const config = testConfig(
      rulesFolder({ 'any.yaml': `name: Every event\ntype: any\nindex: ${index}\nmax_query_size: 5\nalert: [debug]\n` }),
      uniqueName('wb-paging'),
      { buffer_time: { minutes: 30 } },
    );
    const { engine } = await testEngine(es, config, now);
    const outcome = await engine.runOne('Every event');
    expect(outcome.error).toBeUndefined();
    expect(outcome.hits).toBe(23);
    expect(outcome.matches).toBe(23);
  });

  it('queries one index per day for use_strftime_index and reads epoch-second timestamps', async () => {
    const prefix = uniqueName('logstash');
    const now = Date.UTC(2026, 10, 29, 0, 10);
    const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '.');
    // Events on both sides of midnight land in two daily indices; one on a day outside the window.
    await indexDocs(es, `${prefix}-${day(now - 20 * MIN)}`, [{ ts: Math.floor((now - 20 * MIN) / 1000), action: 'login' }]);
    await indexDocs(es, `${prefix}-${day(now)}`, [{ ts: Math.floor((now - 5 * MIN) / 1000), action: 'login' }]);
    await indexDocs(es, `${prefix}-${day(now - 3 * DAY)}`, [{ ts: Math.floor((now - 3 * DAY) / 1000), action: 'login' }]);
    const rule = `name: Daily logins\ntype: any\nindex: ${prefix}-%Y.%m.%d\nuse_strftime_index: true\ntimestamp_field: ts\ntimestamp_type: unix\nalert: [debug]\n`;
    const { engine } = await testEngine(
      es,
      testConfig(rulesFolder({ 'r.yaml': rule }), uniqueName('wb-strf'), { buffer_time: { hours: 1 } }),
      now,
    );
    const outcome = await engine.runOne('Daily logins');
    expect(outcome.error).toBeUndefined();
    expect(outcome.hits).toBe(2);
  });

  it('counts per compound key in Elasticsearch with use_terms_query', async () => {
    const index = uniqueName('logs-terms');
    const now = Date.now();
    await es.client.indices.create({
      index,
      mappings: { dynamic_templates: [{ s: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }] },
    });
    const docs = [
      ...Array.from({ length: 6 }, () => ({ '@timestamp': new Date(now - 2 * MIN).toISOString(), user: 'alice', ip: '198.51.100.1' })),
      ...Array.from({ length: 5 }, () => ({ '@timestamp': new Date(now - 2 * MIN).toISOString(), user: 'alice', ip: '198.51.100.2' })),
    ];
    await indexDocs(es, index, docs);
    const rule = `name: Per user and IP\ntype: frequency\nindex: ${index}\nuse_terms_query: true\nquery_key: [user, ip]\nnum_events: 6\ntimeframe: {minutes: 10}\nalert: [stdout]\n`;
    const { engine, printed } = await testEngine(
      es,
      testConfig(rulesFolder({ 'r.yaml': rule }), uniqueName('wb-terms'), { run_every: { minutes: 5 } }),
      now,
    );
    const outcome = await engine.runOne('Per user and IP');
    expect(outcome.error).toBeUndefined();
    expect(outcome.hits).toBe(11);
    expect(outcome.matches).toBe(1);
    expect(printed.join('\n')).toContain('alice, 198.51.100.1');
  });
});
