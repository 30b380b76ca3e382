import { describe, expect, it } from '@jest/globals';
import { AnyRule } from '../../../src/ruletypes/any.ts';
import { ev, makeRule, MIN, T0 } from './fixtures.ts';

describe('any', () => {
  const rule = new AnyRule(makeRule({ type: 'any', queryKey: ['user'] }));

  const rows: { why: string; count: number }[] = [
    { why: 'no documents, no matches', count: 0 },
    { why: 'one document, one match', count: 1 },
    { why: 'every document is a match', count: 5 },
  ];
  it.each(rows)('$why', ({ count }) => {
    const events = Array.from({ length: count }, (_, i) => ev(i * MIN, 'bob'));
    const { state, matches } = rule.addEvents(rule.initialState(), events, T0);
    expect(state).toBeNull();
    expect(matches.map((m) => m.timestampMs)).toEqual(events.map((e) => e.timestampMs));
  });

  it('the body is the document source with _id, _index and the timestamp as ElastAlert2 writes it', () => {
    const e = ev(0, 'bob', { user: 'bob', nested: { a: 1 } });
    const [match] = rule.addEvents(null, [e], T0).matches;
    expect(match).toEqual({
      timestampMs: T0,
      key: 'bob',
      body: { '@timestamp': '2024-05-01T12:00:00Z', user: 'bob', nested: { a: 1 }, _id: e.id, _index: 'logs-1' },
    });
    // The body is a copy: changing it leaves the event alone.
    (match?.body['nested'] as Record<string, number>)['a'] = 2;
    expect(e.source['nested']).toEqual({ a: 1 });
  });

  it('needs documents, keeps nothing, describes nothing and refuses counts', () => {
    expect(rule.needs).toBe('documents');
    expect(rule.garbageCollect(null, T0)).toBeNull();
    expect(rule.describeMatch({ timestampMs: T0, key: undefined, body: {} })).toBe('');
    expect(() => rule.addCounts()).toThrow(/cannot use use_count_query/);
  });
});
