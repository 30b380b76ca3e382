import { describe, expect, it } from '@jest/globals';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import type { EvaluationPoint, KeyCountResult } from '../../../src/ruletypes/aggregating.ts';
import { MetricAggregationRule } from '../../../src/ruletypes/metric-aggregation.ts';
import { makeRule, MIN, T0 } from './fixtures.ts';

type Value = string | number | boolean;

function rule(
  options: Record<string, unknown>,
  queryKey: string[] | null = ['host.name'],
  overrides: Partial<RuleDefinition> = {},
): RuleDefinition {
  return makeRule(
    { type: 'metric_aggregation', queryKey: queryKey ?? undefined, bufferTimeMs: 10 * MIN, runEveryMs: MIN, ...overrides },
    { metric_agg_key: 'source.bytes', metric_agg_type: 'sum', ...options },
  );
}

const point = (endMs: number): EvaluationPoint => ({ startMs: endMs - MIN, endMs });
const result = (
  groups: { values: Value[]; metrics: Record<string, number | null>; counts?: Record<string, number> }[],
): KeyCountResult[] => [
  {
    id: 'metric',
    groups: groups.map((g) => ({
      values: g.values,
      counts: g.counts ?? Object.fromEntries(Object.keys(g.metrics).map((k) => [k, 1])),
      metrics: g.metrics,
    })),
  },
];

describe('metric_aggregation', () => {
  it('computes the metric over buffer_time ending at the evaluated time, per key', () => {
    const type = new MetricAggregationRule(rule({ max_threshold: 500 }));
    expect(type.plan(type.initialState(), point(T0))).toEqual([
      {
        id: 'metric',
        fields: ['host.name'],
        ranges: [{ name: 'w', startMs: T0 - 10 * MIN, endMs: T0, matchTimeMs: T0 }],
        metric: { name: 'metric_source.bytes_sum', type: 'sum', field: 'source.bytes' },
      },
    ]);
  });

  it('matches strictly above max_threshold or below min_threshold, with ElastAlert2 field names', () => {
    const type = new MetricAggregationRule(rule({ max_threshold: 500, min_threshold: 10, metric_format_string: '{:,.0f}' }));
    const { matches } = type.evaluate(
      {},
      result([
        { values: ['ws-1'], metrics: { w: 501 } },
        { values: ['ws-2'], metrics: { w: 500 } },
        { values: ['ws-3'], metrics: { w: 9.5 } },
        { values: ['ws-4'], metrics: { w: null } },
      ]),
      point(T0),
    );
    expect(matches.map((m) => m.key)).toEqual(['ws-1', 'ws-3']);
    expect(matches[0]).toEqual({
      timestampMs: T0,
      key: 'ws-1',
      body: {
        '@timestamp': '2024-05-01T12:00:00Z',
        'metric_source.bytes_sum': 501,
        metric_agg_value: 501,
        'metric_source.bytes_sum_formatted': '501',
        metric_agg_value_formatted: '501',
        host: { name: 'ws-1' },
      },
      sample: { startMs: T0 - 10 * MIN, endMs: T0, fields: { 'host.name': 'ws-1' } },
    });
    expect(type.describeMatch(matches[1]!)).toBe('Threshold violation, sum:source.bytes 10 (min: 10 max : 500)');
  });

  it('skips keys under min_doc_count; a compound key is joined with ","', () => {
    const type = new MetricAggregationRule(rule({ max_threshold: 1, min_doc_count: 3 }, ['host.name', 'user.name']));
    const { matches } = type.evaluate(
      {},
      result([
        { values: ['a', 'x'], metrics: { w: 5 }, counts: { w: 3 } },
        { values: ['b', 'y'], metrics: { w: 5 }, counts: { w: 2 } },
      ]),
      point(T0),
    );
    expect(matches.map((m) => m.key)).toEqual(['a,x']);
    expect(matches[0]?.body).toMatchObject({ 'host.name': 'a', 'user.name': 'x', 'host.name,user.name': 'a,x' });
  });

  it('checks each bucket_interval bucket, matched at the bucket start', () => {
    const type = new MetricAggregationRule(rule({ max_threshold: 100, bucket_interval: { minutes: 5 } }, null));
    const end = T0 + 2 * MIN;
    const [request] = type.plan({}, point(end));
    expect(request?.ranges.map((r) => [r.name, r.startMs - T0, r.endMs - T0])).toEqual([
      ['b0', -8 * MIN, -3 * MIN],
      ['b1', -3 * MIN, 2 * MIN],
    ]);
    const { matches } = type.evaluate({}, result([{ values: [], metrics: { b0: 150, b1: 20 } }]), point(end));
    expect(matches.map((m) => m.timestampMs - T0)).toEqual([-8 * MIN]);
    // Unformatted, a sum shows as the Python float ElastAlert2 has.
    expect(type.describeMatch(matches[0]!)).toBe('Threshold violation, sum:source.bytes 150.0 (min: None max : 100)');
  });

  it('with sync_bucket_interval puts buckets on the interval grid, the last one partial', () => {
    const type = new MetricAggregationRule(rule({ max_threshold: 100, bucket_interval: { minutes: 5 }, sync_bucket_interval: true }, null));
    const [request] = type.plan({}, point(T0 + 2 * MIN));
    expect(request?.ranges.map((r) => [r.startMs - T0, r.endMs - T0])).toEqual([
      [-10 * MIN, -5 * MIN],
      [-5 * MIN, 0],
      [0, 2 * MIN],
    ]);
  });

  it('uses run_every as the window with use_run_every_query_size', () => {
    const type = new MetricAggregationRule(rule({ min_threshold: 1, use_run_every_query_size: true }));
    expect(type.plan({}, point(T0))[0]?.ranges).toEqual([{ name: 'w', startMs: T0 - MIN, endMs: T0, matchTimeMs: T0 }]);
  });

  it('evaluates a catch-up one window apart unless allow_buffer_time_overlap', () => {
    const segments = Array.from({ length: 25 }, (_, i) => ({ startMs: T0 + i * MIN, endMs: T0 + (i + 1) * MIN }));
    const tiles = new MetricAggregationRule(rule({ max_threshold: 1 })).pickSegments(segments);
    expect(tiles.map((s) => [(s.startMs - T0) / MIN, (s.endMs - T0) / MIN])).toEqual([
      [0, 10],
      [10, 20],
      [20, 25],
    ]);
    expect(new MetricAggregationRule(rule({ max_threshold: 1, allow_buffer_time_overlap: true })).pickSegments(segments)).toHaveLength(25);
    expect(new MetricAggregationRule(rule({ max_threshold: 1 })).pickSegments(segments.slice(0, 1))).toHaveLength(1);
  });

  it('asks for one percentile and a script when configured', () => {
    const type = new MetricAggregationRule(
      rule({ metric_agg_type: 'percentiles', percentile_range: 95, metric_agg_script: { script: "doc['a'].value" }, max_threshold: 1 }),
    );
    expect(type.plan({}, point(T0))[0]?.metric).toEqual({
      name: 'metric_source.bytes_percentiles',
      type: 'percentiles',
      field: 'source.bytes',
      percent: 95,
      script: { script: "doc['a'].value" },
    });
  });

  it('refuses bad options by name', () => {
    expect(() => new MetricAggregationRule(rule({}))).toThrow('max_threshold: metric_aggregation needs max_threshold or min_threshold');
    expect(() => new MetricAggregationRule(rule({ max_threshold: 1, metric_agg_type: 'median' }))).toThrow(
      'metric_agg_type: expected one of min, max, avg, sum, cardinality, value_count, percentiles, got "median"',
    );
    expect(() => new MetricAggregationRule(rule({ max_threshold: 1, metric_agg_type: 'percentiles' }))).toThrow(
      'percentile_range: required for metric_agg_type percentiles',
    );
    expect(() => new MetricAggregationRule(rule({ max_threshold: 1, bucket_interval: { minutes: 3 } }))).toThrow(
      'bucket_interval: buffer_time must be a multiple of bucket_interval',
    );
    expect(() => new MetricAggregationRule(rule({ max_threshold: 1, metric_format_string: '%d %d' }))).toThrow(
      'metric_format_string: not enough arguments for format string',
    );
    expect(() => new MetricAggregationRule(rule({ max_threshold: 1, bucket_interval: { seconds: 0.5 } }))).toThrow(
      'bucket_interval: at most 1008 buckets per buffer_time, got 1200',
    );
  });
});
