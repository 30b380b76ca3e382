import { describe, expect, it } from '@jest/globals';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import type { EvaluationPoint, KeyCountResult } from '../../../src/ruletypes/aggregating.ts';
import { CardinalityRule, type CardinalityState } from '../../../src/ruletypes/cardinality.ts';
import { makeRule, MIN, T0 } from './fixtures.ts';

type Value = string | number | boolean;

function rule(options: Record<string, unknown>, queryKey: string[] | null = ['source.ip']): RuleDefinition {
  return makeRule(
    { type: 'cardinality', queryKey: queryKey ?? undefined },
    { timeframe: { minutes: 15 }, cardinality_field: 'user.name', ...options },
  );
}

const point = (endMs: number): EvaluationPoint => ({ startMs: endMs - MIN, endMs });
/** `fresh`: distinct values in the part new since the previous evaluation (default: some). */
const result = (groups: { values: Value[]; n: number; fresh?: number }[], approximate = false): KeyCountResult[] => [
  {
    id: 'cardinality',
    approximate,
    groups: groups.map((g) => ({ values: g.values, counts: { w: g.n, new: g.fresh ?? Math.min(g.n, 1) } })),
  },
];

describe('cardinality', () => {
  it('asks Elasticsearch for distinct values of the field per key over the last timeframe', () => {
    const type = new CardinalityRule(rule({ max_cardinality: 9 }));
    expect(type.plan(type.initialState(), point(T0))).toEqual([
      {
        id: 'cardinality',
        fields: ['source.ip'],
        ranges: [
          { name: 'w', startMs: T0 - 15 * MIN, endMs: T0 },
          { name: 'new', startMs: T0 - 15 * MIN, endMs: T0 },
        ],
        distinct: 'user.name',
      },
    ]);
    // After the first evaluation, "new" is what came since the previous one.
    expect(type.plan({ keys: [], evaluatedMs: T0 - MIN }, point(T0))[0]?.ranges[1]).toEqual({ name: 'new', startMs: T0 - MIN, endMs: T0 });
    const min = new CardinalityRule(rule({ min_cardinality: 2 }));
    expect(min.plan(min.initialState(), point(T0))[0]?.ranges).toEqual([{ name: 'w', startMs: T0 - 15 * MIN, endMs: T0 }]);
  });

  it('with max_cardinality matches only while the key has new documents, as ElastAlert2 matches at events', () => {
    const type = new CardinalityRule(rule({ max_cardinality: 3 }));
    const keys = (n: number, fresh: number): (string | undefined)[] =>
      type.evaluate(type.initialState(), result([{ values: ['10.0.0.1'], n, fresh }]), point(T0)).matches.map((m) => m.key);
    expect(keys(4, 1)).toEqual(['10.0.0.1']);
    // Still above the limit from values earlier in the window, but nothing new since the last evaluation.
    expect(keys(4, 0)).toEqual([]);
    expect(keys(3, 1)).toEqual([]);
  });

  it('matches a key above max_cardinality (exclusive), at every evaluation with new documents while above, remembering only when it evaluated', () => {
    const type = new CardinalityRule(rule({ max_cardinality: 9 }));
    const first = type.evaluate(
      type.initialState(),
      result([
        { values: ['10.0.0.1'], n: 10 },
        { values: ['10.0.0.2'], n: 9 },
      ]),
      point(T0),
    );
    expect(first.matches).toEqual([
      {
        timestampMs: T0,
        key: '10.0.0.1',
        body: { '@timestamp': '2024-05-01T12:00:00Z', 'source.ip': '10.0.0.1', cardinality: 10 },
        sample: { startMs: T0 - 15 * MIN, endMs: T0, fields: { 'source.ip': '10.0.0.1' } },
      },
    ]);
    expect(first.state).toEqual({ keys: [], evaluatedMs: T0 });
    const again = type.evaluate(first.state, result([{ values: ['10.0.0.1'], n: 11 }]), point(T0 + MIN));
    expect(again.matches.map((m) => m.key)).toEqual(['10.0.0.1']);
    expect(type.describeMatch(first.matches[0]!)).toBe(
      'A maximum of 9 unique user.name(s) occurred since last alert or between 2024-05-01T11:45:00Z and 2024-05-01T12:00:00Z',
    );
  });

  it('marks counts that came from the approximate aggregation', () => {
    const type = new CardinalityRule(rule({ max_cardinality: 1 }, null));
    const { matches } = type.evaluate(type.initialState(), result([{ values: [], n: 5000 }], true), point(T0));
    expect(matches[0]?.body).toEqual({ '@timestamp': '2024-05-01T12:00:00Z', cardinality: 5000, cardinality_approximate: true });
    expect(matches[0]?.key).toBeUndefined();
  });

  it('with min_cardinality waits a timeframe after first seeing a key, then alerts once and starts over', () => {
    const type = new CardinalityRule(rule({ min_cardinality: 3 }));
    let state: CardinalityState = type.initialState();
    const step = (offset: number, n: number): string[] => {
      const out = type.evaluate(state, result(n > 0 ? [{ values: ['h1'], n }] : []), point(T0 + offset));
      state = out.state;
      return out.matches.map((m) => `${m.key}:${String(m.body['cardinality'])}`);
    };
    expect(step(0, 1)).toEqual([]);
    expect(state.keys).toEqual([{ values: ['h1'], sinceMs: T0 }]);
    expect(step(15 * MIN, 1)).toEqual([]); // exactly a timeframe: not yet elapsed
    expect(step(15 * MIN + 1, 2)).toEqual(['h1:2']);
    expect(state.keys).toEqual([]);
    // Seen again: the timeframe starts over.
    expect(step(16 * MIN, 1)).toEqual([]);
    expect(step(31 * MIN, 5)).toEqual([]);
    // The key goes quiet: cardinality 0 alerts once, then the key is forgotten.
    expect(step(40 * MIN, 0)).toEqual(['h1:0']);
    expect(step(60 * MIN, 0)).toEqual([]);
    expect(state.keys).toEqual([]);
  });

  it('refuses bad options by name', () => {
    expect(() => new CardinalityRule(rule({}))).toThrow('max_cardinality: cardinality needs max_cardinality or min_cardinality');
    expect(() => new CardinalityRule(rule({ max_cardinality: 1.5 }))).toThrow('max_cardinality: expected an integer >= 0, got 1.5');
    expect(() => new CardinalityRule(rule({ max_cardinality: 1, timeframe: 0 }))).toThrow('timeframe must be greater than 0');
    expect(() => new CardinalityRule(rule({ max_cardinality: 1, cardinality_field: '' }))).toThrow(
      'cardinality_field: expected a field name',
    );
  });
});
