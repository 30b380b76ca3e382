import { describe, expect, it } from '@jest/globals';
import type { CountEntry, RuleEvent, RuleMatch } from '../../../src/rules/types.ts';
import { FrequencyRule, type FrequencyState } from '../../../src/ruletypes/frequency.ts';
import { count, ev, makeRule, MIN, SEC, T0 } from './fixtures.ts';

type Batch = readonly RuleEvent[];

function runEvents(rule: FrequencyRule, batches: readonly Batch[]): { state: FrequencyState; matches: RuleMatch[] } {
  let state = rule.initialState();
  const matches: RuleMatch[] = [];
  for (const batch of batches) {
    const step = rule.addEvents(state, batch, T0);
    state = step.state;
    matches.push(...step.matches);
  }
  return { state, matches };
}

function runCounts(rule: FrequencyRule, batches: readonly (readonly CountEntry[])[]): { state: FrequencyState; matches: RuleMatch[] } {
  let state = rule.initialState();
  const matches: RuleMatch[] = [];
  for (const batch of batches) {
    const step = rule.addCounts(state, batch, T0);
    state = step.state;
    matches.push(...step.matches);
  }
  return { state, matches };
}

const at = (m: RuleMatch): number => m.timestampMs - T0;

describe('frequency: event windows (timeframe 5m unless stated)', () => {
  const rows: { why: string; options?: Record<string, unknown>; batches: number[][]; expected: number[] }[] = [
    { why: 'num_events events inside the timeframe match on the last one', batches: [[0, MIN, 2 * MIN]], expected: [2 * MIN] },
    { why: 'num_events - 1 events never match', batches: [[0, MIN]], expected: [] },
    { why: 'two events exactly timeframe apart never count together', options: { num_events: 2 }, batches: [[0, 5 * MIN]], expected: [] },
    { why: 'timeframe - 1 ms apart they do', options: { num_events: 2 }, batches: [[0, 5 * MIN - 1]], expected: [5 * MIN - 1] },
    { why: 'oldest slides out when the newest is exactly timeframe later', batches: [[0, MIN, 5 * MIN]], expected: [] },
    {
      why: 'the window is cleared after a match: the third event starts over',
      options: { num_events: 2 },
      batches: [[0, SEC, 2 * SEC]],
      expected: [SEC],
    },
    {
      why: 'after a clear, num_events new events match again',
      options: { num_events: 2 },
      batches: [[0, SEC, 2 * SEC, 3 * SEC]],
      expected: [SEC, 3 * SEC],
    },
    { why: 'windows carry over between runs', batches: [[0], [MIN], [2 * MIN]], expected: [2 * MIN] },
    { why: 'out-of-order events are sorted in; the match is the newest by time', batches: [[2 * MIN, MIN, 0]], expected: [2 * MIN] },
    {
      why: 'a late event older than timeframe before the newest is dropped at once',
      options: { num_events: 2 },
      batches: [[6 * MIN, 0]],
      expected: [],
    },
    {
      why: 'a late event inside the timeframe still counts',
      options: { num_events: 2 },
      batches: [[6 * MIN], [2 * MIN]],
      expected: [6 * MIN],
    },
    { why: 'num_events 1: every event matches', options: { num_events: 1 }, batches: [[0, 0, 10 * MIN]], expected: [0, 0, 10 * MIN] },
    {
      why: 'timeframe as an ElastAlert2 mapping',
      options: { timeframe: { seconds: 10 }, num_events: 2 },
      batches: [[0, 10 * SEC, 19 * SEC]],
      expected: [19 * SEC],
    },
    { why: 'timeframe as text', options: { timeframe: '10s', num_events: 2 }, batches: [[0, 10 * SEC]], expected: [] },
  ];
  it.each(rows)('$why', ({ options, batches, expected }) => {
    const rule = new FrequencyRule(makeRule({}, options));
    const { matches } = runEvents(
      rule,
      batches.map((b) => b.map((o) => ev(o))),
    );
    expect(matches.map(at)).toEqual(expected);
  });

  it('equal timestamps: the later arrival is the newest and becomes the match body', () => {
    const rule = new FrequencyRule(makeRule({}, { num_events: 2 }));
    const first = ev(MIN, undefined, { n: 1 });
    const second = ev(MIN, undefined, { n: 2 });
    const { matches } = runEvents(rule, [[first, second]]);
    expect(matches).toHaveLength(1);
    expect(matches[0]?.body['_id']).toBe(second.id);
  });
});

describe('frequency: keys', () => {
  const rows: {
    why: string;
    queryKey: string[] | undefined;
    events: [number, string | undefined][];
    expected: [number, string | undefined][];
  }[] = [
    {
      why: 'each query_key value has its own window',
      queryKey: ['user'],
      events: [
        [0, 'a'],
        [1, 'b'],
        [2, 'a'],
        [3, 'b'],
        [4, 'a'],
      ],
      expected: [[4, 'a']],
    },
    {
      why: 'compound key values ("x, y") are windows of their own',
      queryKey: ['host', 'user'],
      events: [
        [0, 'h1, a'],
        [1, 'h1, b'],
        [2, 'h1, a'],
        [3, 'h1, a'],
      ],
      expected: [[3, 'h1, a']],
    },
    {
      why: 'documents missing the query_key field share one null-key window (ElastAlert2 None key)',
      queryKey: ['user'],
      events: [
        [0, undefined],
        [1, 'a'],
        [2, undefined],
        [3, undefined],
      ],
      expected: [[3, undefined]],
    },
    {
      why: 'without query_key every event is in one window, whatever key it carries',
      queryKey: undefined,
      events: [
        [0, 'a'],
        [1, 'b'],
        [2, 'c'],
      ],
      expected: [[2, undefined]],
    },
  ];
  it.each(rows)('$why', ({ queryKey, events, expected }) => {
    const rule = new FrequencyRule(makeRule({ queryKey }));
    const { matches } = runEvents(rule, [events.map(([o, k]) => ev(o * SEC, k))]);
    expect(matches.map((m) => [at(m) / SEC, m.key])).toEqual(expected);
  });

  it('a compound key match body carries the joined value under "host,user", as ElastAlert2', () => {
    const rule = new FrequencyRule(makeRule({ queryKey: ['host', 'user'] }, { num_events: 1 }));
    const { matches } = runEvents(rule, [[ev(0, 'h1, a', { host: 'h1', user: 'a' })]]);
    expect(matches[0]?.body['host,user']).toBe('h1, a');
  });
});

describe('frequency: count and terms entries (one entry per run at its end time)', () => {
  const rows: {
    why: string;
    options?: Record<string, unknown>;
    entries: [number, number, string?][][];
    expected: [number, string | undefined][];
  }[] = [
    {
      why: 'counts add up across runs',
      options: { num_events: 10 },
      entries: [[[MIN, 4]], [[2 * MIN, 4]], [[3 * MIN, 4]]],
      expected: [[3 * MIN, undefined]],
    },
    { why: 'one count >= num_events matches at once', options: { num_events: 10 }, entries: [[[MIN, 10]]], expected: [[MIN, undefined]] },
    { why: 'counts exactly timeframe apart never add up', options: { num_events: 10 }, entries: [[[0, 6]], [[5 * MIN, 6]]], expected: [] },
    {
      why: 'zero counts do not break the sum',
      options: { num_events: 10 },
      entries: [[[0, 5]], [[MIN, 0]], [[2 * MIN, 0]], [[3 * MIN, 5]]],
      expected: [[3 * MIN, undefined]],
    },
    {
      why: 'terms buckets keep one window per key',
      options: { num_events: 5, use_terms_query: true },
      entries: [
        [
          [MIN, 3, 'a'],
          [MIN, 5, 'b'],
        ],
        [[2 * MIN, 3, 'a']],
      ],
      expected: [
        [MIN, 'b'],
        [2 * MIN, 'a'],
      ],
    },
  ];
  it.each(rows)('$why', ({ options, entries, expected }) => {
    const rule = new FrequencyRule(makeRule({ queryKey: ['user'] }, options));
    const { matches } = runCounts(
      rule,
      entries.map((b) => b.map(([o, n, k]) => count(o, n, k))),
    );
    expect(matches.map((m) => [at(m), m.key])).toEqual(expected);
  });

  it('a count match body is the run end time; a terms match adds the key field', () => {
    const rule = new FrequencyRule(makeRule({ queryKey: ['user'] }, { num_events: 1 }));
    const { matches } = runCounts(rule, [[count(MIN, 1)], [count(2 * MIN, 1, 'bob')]]);
    expect(matches.map((m) => m.body)).toEqual([
      { '@timestamp': '2024-05-01T12:01:00Z' },
      { '@timestamp': '2024-05-01T12:02:00Z', user: 'bob' },
    ]);
  });

  it('quiet runs (zero counts) do not pile up in the state', () => {
    const rule = new FrequencyRule(makeRule({}, { num_events: 10, timeframe: 60 * MIN }));
    const batches = Array.from({ length: 50 }, (_, i) => [count(i * MIN, i === 0 ? 3 : 0)]);
    const { state } = runCounts(rule, batches);
    expect(state.windows[0]?.entries).toEqual([
      { ts: T0, count: 3 },
      { ts: T0 + 49 * MIN, count: 0, body: { '@timestamp': '2024-05-01T12:49:00Z' } },
    ]);
  });
});

describe('frequency: state', () => {
  const rows: { why: string; gcAt: number; kept: boolean }[] = [
    { why: 'a key whose newest entry is exactly timeframe old is kept', gcAt: 5 * MIN, kept: true },
    { why: 'a key whose newest entry is more than timeframe old is dropped', gcAt: 5 * MIN + 1, kept: false },
  ];
  it.each(rows)('garbage collection: $why', ({ gcAt, kept }) => {
    const rule = new FrequencyRule(makeRule());
    const { state } = runEvents(rule, [[ev(0)]]);
    expect(rule.garbageCollect(state, T0 + gcAt).windows.length).toBe(kept ? 1 : 0);
  });

  it('collected events no longer count', () => {
    const rule = new FrequencyRule(makeRule({}, { num_events: 2, timeframe: 10 * MIN }));
    const first = runEvents(rule, [[ev(0)]]);
    const collected = rule.garbageCollect(first.state, T0 + 10 * MIN + 1);
    // Without collection 0 and 9m would count together (9m < 10m).
    expect(rule.addEvents(collected, [ev(9 * MIN)], T0).matches).toEqual([]);
    expect(rule.addEvents(first.state, [ev(9 * MIN)], T0).matches).toHaveLength(1);
  });

  it('never changes the state it is given, and the state survives JSON', () => {
    const rule = new FrequencyRule(makeRule({ queryKey: ['user'] }, { attach_related: true }));
    const before = runEvents(rule, [[ev(0, 'a'), ev(SEC, 'a'), ev(0, 'b')]]).state;
    const snapshot = JSON.stringify(before);
    deepFreeze(before);
    const step = rule.addEvents(before, [ev(2 * SEC, 'a')], T0);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(step.matches).toHaveLength(1);
    const revived = JSON.parse(snapshot) as FrequencyState;
    expect(rule.addEvents(revived, [ev(2 * SEC, 'a')], T0).matches.map((m) => m.key)).toEqual(['a']);
  });

  it('holds at most num_events entries and one document per key without attach_related', () => {
    const rule = new FrequencyRule(makeRule({}, { num_events: 5, timeframe: 60 * MIN }));
    // 400 events 13m apart, in a scrambled order: some windows fill up, many stay partial.
    const events = Array.from({ length: 400 }, (_, i) => ev(((i * 7919) % 400) * 13 * MIN));
    let state = rule.initialState();
    for (const e of events) {
      state = rule.addEvents(state, [e], T0).state;
      for (const w of state.windows) {
        expect(w.entries.length).toBeLessThanOrEqual(5);
        expect(w.entries.filter((x) => x.body !== undefined).length).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('frequency: match content', () => {
  it('the body is the newest document with _id, _index and an ISO timestamp; related holds the others', () => {
    const rule = new FrequencyRule(makeRule({}, { attach_related: true }));
    const events = [ev(0, undefined, { msg: 'one' }), ev(MIN, undefined, { msg: 'two' }), ev(2 * MIN, undefined, { msg: 'three' })];
    const { matches } = runEvents(rule, [events]);
    expect(matches[0]?.body).toEqual({ '@timestamp': '2024-05-01T12:02:00Z', msg: 'three', _id: events[2]?.id, _index: 'logs-1' });
    expect(matches[0]?.related?.map((r) => r['msg'])).toEqual(['one', 'two']);
  });

  it('without attach_related, a window keeps the copy of its newest document only, across calls', () => {
    const rule = new FrequencyRule(makeRule({}, { num_events: 3 }));
    const first = [ev(0, undefined, { msg: 'one', nested: { n: 1 } }), ev(MIN, undefined, { msg: 'two', nested: { n: 2 } })];
    const step = rule.addEvents(rule.initialState(), first, T0);
    expect(step.state.windows[0]?.entries.map((e) => e.body?.['msg'])).toEqual([undefined, 'two']);
    // A copy: the fetched document changing afterwards does not change the kept body.
    (first[1]?.source['nested'] as { n: number }).n = 99;
    expect(step.state.windows[0]?.entries[1]?.body?.['nested']).toEqual({ n: 2 });
    // The match is the document of the later call; the earlier newest gave up its body.
    const next = rule.addEvents(step.state, [ev(2 * MIN, undefined, { msg: 'three' })], T0);
    expect(next.matches.map((m) => m.body['msg'])).toEqual(['three']);
    expect(step.state.windows[0]?.entries[1]?.body?.['msg']).toBe('two');
  });

  it('attach_related with num_events 1 gives an empty related list, as ElastAlert2', () => {
    const rule = new FrequencyRule(makeRule({}, { attach_related: true, num_events: 1 }));
    expect(runEvents(rule, [[ev(0)]]).matches[0]?.related).toEqual([]);
  });

  it('without attach_related there is no related list', () => {
    const rule = new FrequencyRule(makeRule());
    expect(runEvents(rule, [[ev(0), ev(1), ev(2)]]).matches[0]?.related).toBeUndefined();
  });

  it('describes the match with num_events and the timeframe ending at the match', () => {
    const rule = new FrequencyRule(makeRule({}, { num_events: 20 }));
    expect(rule.describeMatch({ timestampMs: T0, key: undefined, body: {} })).toBe(
      'At least 20 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
    );
  });
});

describe('frequency: options', () => {
  const needsRows: { why: string; options: Record<string, unknown>; needs: string }[] = [
    { why: 'documents by default', options: {}, needs: 'documents' },
    { why: 'one count per run with use_count_query', options: { use_count_query: true }, needs: 'count' },
    { why: 'per-key counts with use_terms_query', options: { use_terms_query: true }, needs: 'terms' },
  ];
  it.each(needsRows)('needs: $why', ({ options, needs }) => {
    expect(new FrequencyRule(makeRule({}, options)).needs).toBe(needs);
  });

  const badRows: { why: string; options: Record<string, unknown>; error: RegExp }[] = [
    { why: 'num_events 0', options: { num_events: 0 }, error: /num_events: expected an integer >= 1/ },
    { why: 'timeframe 0 would empty every window', options: { timeframe: 0 }, error: /timeframe must be greater than 0/ },
    { why: 'timeframe missing', options: { timeframe: undefined }, error: /timeframe is required/ },
    { why: 'timeframe in an unknown unit', options: { timeframe: { fortnights: 1 } }, error: /unknown duration unit/ },
  ];
  it.each(badRows)('rejects $why', ({ options, error }) => {
    expect(() => new FrequencyRule(makeRule({}, options))).toThrow(error);
  });
});

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
