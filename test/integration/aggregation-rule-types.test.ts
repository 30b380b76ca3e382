import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { countDistinct } from '../../src/query/distinct-counts.ts';
import { countByKeyAndRange } from '../../src/query/key-counts.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { esStores } from '../../src/store/es/stores.ts';
import { indexDocs, rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
/** Every index this file creates, deleted at the end: the development cluster is shared. */
const created: string[] = [];
afterAll(async () => {
  await es.client.indices.delete({ index: created, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  await es.close();
});

/** A writeback index name, remembered with its kinds for the clean-up. */
function writeback(prefix: string): string {
  const base = uniqueName(prefix);
  created.push(...WRITEBACK_KINDS.map((k) => writebackIndexName(base, k)));
  return base;
}

const MIN = 60_000;
const T = Date.now() - 10 * MIN;
const index = uniqueName('logs-aggtypes');
created.push(index);
// One writeback store for the file (the rules have different names): fewer shards on a shared cluster.
const wb = writeback('wb-aggtypes');

/** A minimal rule for the query functions. */
function rule(queryKey?: string[]): RuleDefinition {
  return {
    name: 'q',
    file: 'q.yaml',
    type: 'cardinality',
    index,
    useStrftimeIndex: false,
    filter: [],
    timestampField: '@timestamp',
    timestampType: 'iso',
    queryKey,
    runEveryMs: MIN,
    bufferTimeMs: 10 * MIN,
    queryDelayMs: 0,
    realertMs: 0,
    exponentialRealertMs: undefined,
    maxQuerySize: 1000,
    isEnabled: true,
    alert: [],
    options: {},
  };
}

const doc = (ms: number, ip: string, user: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@timestamp': new Date(ms).toISOString(),
  source: { ip },
  user: { name: user },
  ...extra,
});

beforeAll(async () => {
  // user.name is text with a .keyword sub-field (dynamic mapping): the queries fall back as ElastAlert2's users expect.
  await es.client.indices.create({
    index,
    settings: { number_of_replicas: 0 },
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        source: { properties: { ip: { type: 'ip' }, bytes: { type: 'long' } } },
        status: { type: 'integer' },
      },
    },
  });
  const docs: Record<string, unknown>[] = [];
  // 203.0.113.7 sprays 12 users in the last 10 minutes; 10.0.0.5 fails 30 times for 2 users.
  for (let i = 0; i < 12; i++)
    docs.push(doc(T - 9 * MIN + i * 30_000, '203.0.113.7', `user${i}`, { source: { ip: '203.0.113.7', bytes: 1000 }, status: 401 }));
  for (let i = 0; i < 30; i++)
    docs.push(
      doc(T - 9 * MIN + i * 10_000, '10.0.0.5', i % 2 ? 'alice' : 'bob', {
        source: { ip: '10.0.0.5', bytes: 10 },
        status: i < 3 ? 500 : 200,
      }),
    );
  // Older than the windows below: never counted.
  docs.push(doc(T - 30 * MIN, '10.0.0.5', 'carol'));
  await indexDocs(es, index, docs);
});

describe('distinct counts in Elasticsearch', () => {
  const req = { id: 'c', fields: ['source.ip'], ranges: [{ name: 'w', startMs: T - 10 * MIN, endMs: T }], distinct: 'user.name' };

  it('counts distinct values per key exactly from (key, value) pairs', async () => {
    const result = await countByKeyAndRange(es, rule(['source.ip']), req);
    expect(result.approximate).toBe(false);
    expect(result.groups.map((g) => [g.values[0], g.counts['w']]).sort()).toEqual([
      ['10.0.0.5', 2],
      ['203.0.113.7', 12],
    ]);
  });

  it('falls back to the cardinality aggregation past the pair limit, with the same answer for small counts', async () => {
    const result = await countDistinct(es, rule(['source.ip']), req, 5, 5);
    expect(result.approximate).toBe(true);
    expect(result.groups.map((g) => [g.values[0], g.counts['w']]).sort()).toEqual([
      ['10.0.0.5', 2],
      ['203.0.113.7', 12],
    ]);
    const all = await countDistinct(es, rule(), { ...req, fields: [] }, 5, 5);
    expect(all.groups).toEqual([{ values: [], counts: { w: 14 } }]);
  });
});

describe('metrics and range filters in Elasticsearch', () => {
  it('computes sums, empty averages, one percentile and filtered counts per key and range', async () => {
    const ranges = [
      { name: 'old', startMs: T - 60 * MIN, endMs: T - 20 * MIN },
      { name: 'w', startMs: T - 10 * MIN, endMs: T },
      { name: 'w:5xx', startMs: T - 10 * MIN, endMs: T, filter: [{ range: { status: { gte: 500 } } }] },
    ];
    const sum = await countByKeyAndRange(es, rule(['source.ip']), {
      id: 's',
      fields: ['source.ip'],
      ranges,
      metric: { type: 'sum', field: 'source.bytes' },
    });
    const byKey = Object.fromEntries(sum.groups.map((g) => [String(g.values[0]), g]));
    expect(byKey['203.0.113.7']?.metrics).toEqual({ old: 0, w: 12_000, 'w:5xx': 0 });
    expect(byKey['10.0.0.5']?.counts).toEqual({ old: 1, w: 30, 'w:5xx': 3 });
    const avg = await countByKeyAndRange(es, rule(), {
      id: 'a',
      fields: [],
      ranges: ranges.slice(0, 2),
      metric: { type: 'avg', field: 'source.bytes' },
    });
    expect(avg.groups[0]?.metrics).toEqual({ old: null, w: (12 * 1000 + 30 * 10) / 42 });
    const p = await countByKeyAndRange(es, rule(), {
      id: 'p',
      fields: [],
      ranges: ranges.slice(1, 2),
      metric: { type: 'percentiles', field: 'source.bytes', percent: 50 },
    });
    expect(p.groups[0]?.metrics?.['w']).toBe(10);
  });
});

describe('the aggregation rule types in the engine', () => {
  it('cardinality, metric_aggregation, percentage_match and spike_aggregation alert once each on the right key', async () => {
    const common = `index: ${index}\nquery_key: source.ip\nrealert: {hours: 1}\nrun_every: {minutes: 1}\nbuffer_time: {minutes: 10}\nalert: [stdout]\n`;
    const rules = {
      'spray.yaml': `name: Spray\ntype: cardinality\ncardinality_field: user.name\nmax_cardinality: 9\ntimeframe: {minutes: 10}\nalert_text: "{0} tried {1} users, last {2}"\nalert_text_args: [source.ip, cardinality, user.name]\n${common}`,
      'bytes.yaml': `name: Bytes\ntype: metric_aggregation\nmetric_agg_key: source.bytes\nmetric_agg_type: sum\nmax_threshold: 5000\nmetric_format_string: "{:,}"\n${common}`,
      'errors.yaml': `name: Errors\ntype: percentage_match\nmatch_bucket_filter: [{range: {status: {gte: 500}}}]\nmax_percentage: 5\nmin_denominator: 10\n${common}`,
      'grow.yaml': `name: Grow\ntype: spike_aggregation\nmetric_agg_key: source.bytes\nmetric_agg_type: sum\nspike_height: 2\nspike_type: up\ntimeframe: {minutes: 10}\nalert_on_new_data: true\n${common}`,
    };
    const { engine, printed } = await testEngine(es, testConfig(rulesFolder(rules), wb), T);
    for (const name of ['Spray', 'Bytes', 'Errors', 'Grow']) {
      const outcome = await engine.runOne(name);
      expect(outcome.error).toBeUndefined();
    }
    const store = esStores(es, wb).alerts;
    const spray = await store.ofRule('Spray');
    expect(spray.map((a) => [a.queryKey, a.matchBody['cardinality']])).toEqual([['203.0.113.7', 12]]);
    // The key is nested as ElastAlert2 writes it; the example document's other source fields stay.
    const bytes = await store.ofRule('Bytes');
    expect(bytes.map((a) => a.queryKey)).toEqual(['203.0.113.7']);
    expect(bytes[0]?.matchBody).toMatchObject({
      'metric_source.bytes_sum': 12_000,
      metric_agg_value: 12_000,
      metric_agg_value_formatted: '12,000',
      source: { ip: '203.0.113.7', bytes: 1000 },
    });
    const errors = await store.ofRule('Errors');
    expect(errors.map((a) => [a.queryKey, a.matchBody['percentage'], a.matchBody['denominator']])).toEqual([['10.0.0.5', 10, 30]]);
    const grow = await store.ofRule('Grow');
    expect(grow.map((a) => [a.queryKey, a.matchBody['spike_count'], a.matchBody['reference_count']]).sort()).toEqual([
      ['10.0.0.5', 300, 0],
      ['203.0.113.7', 12_000, 0],
    ]);
    const text = printed.join('\n');
    // The example document fills in the newest user; the rule type's line follows ElastAlert2's.
    expect(text).toContain('203.0.113.7 tried 12 users, last user11');
    expect(text).toContain('Threshold violation, sum:source.bytes 12,000 (min: None max : 5000)');
    expect(text).toContain('Percentage violation, value: 10.0 (min: None max : 5) of 30 items');
  });

  it('catches up in non-overlapping windows unless allow_buffer_time_overlap', async () => {
    const rule = (name: string, overlap: boolean): string =>
      `name: ${name}\ntype: metric_aggregation\nindex: ${index}\nmetric_agg_key: source.bytes\nmetric_agg_type: sum\nmax_threshold: 5000\nallow_buffer_time_overlap: ${overlap}\nrealert: {minutes: 0}\nrun_every: {minutes: 1}\nbuffer_time: {minutes: 10}\nalert: [debug]\n`;
    const { engine, clock } = await testEngine(
      es,
      testConfig(rulesFolder({ 'a.yaml': rule('Overlap', true), 'b.yaml': rule('Tiles', false) }), wb),
      T - 8 * MIN,
    );
    for (const name of ['Overlap', 'Tiles']) await engine.runOne(name);
    // Twelve minutes later: a catch-up of 12 points. The spray's 12,000 bytes (T-9m..T-3.5m) are
    // over the limit in every window ending from T-7m to T+4m.
    clock.advance(12 * MIN);
    const overlap = await engine.runOne('Overlap');
    const tiles = await engine.runOne('Tiles');
    expect(overlap.error).toBeUndefined();
    // Every point from T-7m to T+4m holds enough of the spray (12 windows); the tiles are the
    // window ending T+2m (10 minutes after the previous run) and the newest, T+4m.
    expect(overlap.matches).toBe(12);
    expect(tiles.matches).toBe(2);
  });
});
