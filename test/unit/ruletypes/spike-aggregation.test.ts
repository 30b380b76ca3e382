import { describe, expect, it } from '@jest/globals';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import type { EvaluationPoint, KeyCountResult } from '../../../src/ruletypes/aggregating.ts';
import { createSpikeAggregationRule } from '../../../src/ruletypes/spike-aggregation.ts';
import type { SpikeState } from '../../../src/ruletypes/spike.ts';
import { makeRule, MIN, T0 } from './fixtures.ts';

const HOUR = 60 * MIN;

function rule(options: Record<string, unknown> = {}): RuleDefinition {
  return makeRule(
    { type: 'spike_aggregation', queryKey: ['host.name'] },
    {
      timeframe: { hours: 1 },
      spike_height: 3,
      spike_type: 'up',
      metric_agg_key: 'source.bytes',
      metric_agg_type: 'sum',
      ...options,
    },
  );
}

const point = (endMs: number): EvaluationPoint => ({ startMs: endMs - 10 * MIN, endMs });
/** A key whose reference window is full. */
const ready: SpikeState = { keys: [{ values: ['ws-1'], firstSeenMs: T0 - 24 * HOUR, lastAlertMs: null }] };
const result = (ref: number | null, cur: number | null, docs = { ref: 5, cur: 5 }): KeyCountResult[] => [
  {
    id: 'spike',
    groups: [{ values: ['ws-1'], counts: docs, metrics: { ref, cur } }],
  },
];

describe('spike_aggregation', () => {
  it('asks for the metric over the current and reference windows', () => {
    const type = createSpikeAggregationRule(rule());
    expect(type.plan(type.initialState(), point(T0))[0]).toMatchObject({
      fields: ['host.name'],
      ranges: [
        { name: 'ref', startMs: T0 - 2 * HOUR, endMs: T0 - HOUR },
        { name: 'cur', startMs: T0 - HOUR, endMs: T0 },
      ],
      metric: { name: 'metric_source.bytes_sum', type: 'sum', field: 'source.bytes' },
    });
  });

  it('compares metric values, not document counts, with the thresholds', () => {
    const type = createSpikeAggregationRule(rule({ threshold_cur: 1000 }));
    const up = type.evaluate(ready, result(300, 900, { ref: 50, cur: 1 }), point(T0));
    expect(up.matches).toEqual([]); // 900 is under threshold_cur
    const big = type.evaluate(ready, result(400, 1200, { ref: 50, cur: 1 }), point(T0));
    expect(big.matches.map((m) => [m.key, m.body['spike_count'], m.body['reference_count']])).toEqual([['ws-1', 1200, 400]]);
    expect(type.describeMatch(big.matches[0]!)).toBe(
      'An abnormal sum of source.bytes (1200.0) occurred in the 1h up to 2024-05-01T12:00:00Z for ws-1.\nIn the 1h before that, the sum of source.bytes was (400.0).',
    );
  });

  it('never matches on an empty metric, and honours min_doc_count in the current window', () => {
    const avg = createSpikeAggregationRule(rule({ metric_agg_type: 'avg' }));
    expect(avg.evaluate(ready, result(null, 50), point(T0)).matches).toEqual([]);
    const counted = createSpikeAggregationRule(rule({ min_doc_count: 10 }));
    expect(counted.evaluate(ready, result(10, 100, { ref: 20, cur: 9 }), point(T0)).matches).toEqual([]);
    expect(counted.evaluate(ready, result(10, 100, { ref: 20, cur: 10 }), point(T0)).matches).toHaveLength(1);
  });

  it('refuses the per-run window options by name', () => {
    expect(() => createSpikeAggregationRule(rule({ bucket_interval: { minutes: 5 } }))).toThrow(
      'bucket_interval: not supported: spike_aggregation compares two whole timeframe windows',
    );
    expect(() => createSpikeAggregationRule(rule({ use_run_every_query_size: true }))).toThrow('use_run_every_query_size: not supported');
    expect(() => createSpikeAggregationRule(rule({ field_value: 'x' }))).toThrow('field_value: not supported');
  });
});
