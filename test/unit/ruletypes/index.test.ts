import { describe, expect, it } from '@jest/globals';
import { createRuleType } from '../../../src/ruletypes/index.ts';
import { makeRule } from './fixtures.ts';

describe('createRuleType', () => {
  const rows: { why: string; type: string; options?: Record<string, unknown>; needs?: string; error?: RegExp }[] = [
    { why: 'any reads documents', type: 'any', needs: 'documents' },
    { why: 'frequency reads documents by default', type: 'frequency', needs: 'documents' },
    { why: 'frequency with use_count_query reads one count', type: 'frequency', options: { use_count_query: true }, needs: 'count' },
    { why: 'frequency with use_terms_query reads per-key counts', type: 'frequency', options: { use_terms_query: true }, needs: 'terms' },
    {
      why: 'spike counts in Elasticsearch',
      type: 'spike',
      options: { timeframe: 60_000, spike_height: 2, spike_type: 'up' },
      needs: 'aggregations',
    },
    { why: 'flatline counts in Elasticsearch', type: 'flatline', options: { timeframe: 60_000, threshold: 1 }, needs: 'aggregations' },
    {
      why: 'cardinality counts in Elasticsearch',
      type: 'cardinality',
      options: { timeframe: 60_000, cardinality_field: 'user', max_cardinality: 3 },
      needs: 'aggregations',
    },
    {
      why: 'metric_aggregation counts in Elasticsearch',
      type: 'metric_aggregation',
      options: { metric_agg_key: 'bytes', metric_agg_type: 'sum', max_threshold: 10 },
      needs: 'aggregations',
    },
    {
      why: 'spike_aggregation counts in Elasticsearch',
      type: 'spike_aggregation',
      options: { timeframe: 60_000, spike_height: 2, spike_type: 'up', metric_agg_key: 'bytes', metric_agg_type: 'avg' },
      needs: 'aggregations',
    },
    {
      why: 'percentage_match counts in Elasticsearch',
      type: 'percentage_match',
      options: { match_bucket_filter: [{ term: { a: 1 } }], max_percentage: 10 },
      needs: 'aggregations',
    },
    { why: 'blacklist reads documents', type: 'blacklist', options: { compare_key: 'user', blacklist: ['root'] }, needs: 'documents' },
    { why: 'a Python class path is a custom type', type: 'mymodule.MyRule', error: /custom Python rule type/ },
    {
      why: 'anything else is unknown',
      type: 'frquency',
      error: new RegExp(
        'not a known rule type; implemented: any, frequency, spike, flatline, new_term, blacklist, whitelist, ' +
          'change, cardinality, metric_aggregation, spike_aggregation, percentage_match',
      ),
    },
    { why: 'an inherited object key is not a type', type: 'constructor', error: /not a known rule type/ },
  ];
  it.each(rows)('$why', ({ type, options, needs, error }) => {
    const rule = makeRule({ type }, options);
    if (error) expect(() => createRuleType(rule)).toThrow(error);
    else expect(createRuleType(rule).needs).toBe(needs);
  });

  it('names the rule and file in errors', () => {
    expect(() => createRuleType(makeRule({ type: 'cardinality' }))).toThrow(
      'rule "Test rule" (test.yaml): cardinality_field: expected a field name',
    );
    expect(() => createRuleType(makeRule({ type: 'flatline' }))).toThrow('rule "Test rule" (test.yaml)');
  });
});
