import { describe, expect, it } from '@jest/globals';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import type { EvaluationPoint, KeyCountResult } from '../../../src/ruletypes/aggregating.ts';
import { PercentageMatchRule } from '../../../src/ruletypes/percentage-match.ts';
import { makeRule, MIN, T0 } from './fixtures.ts';

function rule(options: Record<string, unknown>, queryKey: string[] | null = ['host.name']): RuleDefinition {
  return makeRule(
    { type: 'percentage_match', queryKey: queryKey ?? undefined, bufferTimeMs: 10 * MIN },
    { match_bucket_filter: [{ term: { 'http.response.status_code': 500 } }], ...options },
  );
}

const point = (endMs: number): EvaluationPoint => ({ startMs: endMs - MIN, endMs });
const result = (groups: { values: string[]; all: number; matching: number }[]): KeyCountResult[] => [
  {
    id: 'percentage',
    groups: groups.map((g) => ({ values: g.values, counts: { w: g.all, 'w:match': g.matching } })),
  },
];

describe('percentage_match', () => {
  it('counts all documents and the match bucket per key over the window', () => {
    const type = new PercentageMatchRule(rule({ max_percentage: 10 }));
    expect(type.plan({}, point(T0))).toEqual([
      {
        id: 'percentage',
        fields: ['host.name'],
        ranges: [
          { name: 'w', startMs: T0 - 10 * MIN, endMs: T0 },
          { name: 'w:match', startMs: T0 - 10 * MIN, endMs: T0, filter: [{ term: { 'http.response.status_code': 500 } }] },
        ],
      },
    ]);
  });

  it('matches outside the percentages (exclusive), never on no documents or under min_denominator', () => {
    const type = new PercentageMatchRule(
      rule({ max_percentage: 10, min_percentage: 1, min_denominator: 20, percentage_format_string: '%.1f' }),
    );
    const { matches } = type.evaluate(
      {},
      result([
        { values: ['a'], all: 40, matching: 5 },
        { values: ['b'], all: 40, matching: 4 },
        { values: ['c'], all: 10, matching: 9 },
        { values: ['d'], all: 200, matching: 0 },
        { values: ['e'], all: 0, matching: 0 },
      ]),
      point(T0),
    );
    expect(matches.map((m) => m.key)).toEqual(['a', 'd']);
    expect(matches[0]?.body).toEqual({
      '@timestamp': '2024-05-01T12:00:00Z',
      percentage: 12.5,
      denominator: 40,
      percentage_formatted: '12.5',
      host: { name: 'a' },
    });
    expect(type.describeMatch(matches[0]!)).toBe('Percentage violation, value: 12.5 (min: 1 max : 10) of 40 items');
  });

  it('accepts a single mapping as match_bucket_filter and refuses anything else by name', () => {
    const type = new PercentageMatchRule(rule({ max_percentage: 10, match_bucket_filter: { term: { a: 1 } } }, null));
    expect(type.plan({}, point(T0))[0]?.ranges[1]?.filter).toEqual([{ term: { a: 1 } }]);
    expect(() => new PercentageMatchRule(rule({ max_percentage: 10, match_bucket_filter: 'status:500' }))).toThrow(
      'match_bucket_filter: expected query DSL',
    );
    expect(() => new PercentageMatchRule(rule({}))).toThrow('max_percentage: percentage_match needs max_percentage or min_percentage');
  });
});
