import { describe, expect, it } from '@jest/globals';
import type { RuleDefinition, RuleMatch } from '../../../src/rules/types.ts';
import type { EvaluationPoint, KeyCountRequest, KeyCountResult } from '../../../src/ruletypes/aggregating.ts';
import { SpikeRule, type SpikeKey, type SpikeState } from '../../../src/ruletypes/spike.ts';
import { makeRule, MIN, T0 } from './fixtures.ts';

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
type Value = string | number | boolean;

/** A spike rule: timeframe 1h, spike_height 3, spike_type up, query_key user unless overridden (null: none). */
function spikeRule(options: Record<string, unknown> = {}, queryKey: string[] | null = ['user']): RuleDefinition {
  return makeRule(
    { type: 'spike', queryKey: queryKey ?? undefined },
    { timeframe: { hours: 1 }, spike_height: 3, spike_type: 'up', ...options },
  );
}

/** A key that has been around long enough: its reference window is full. */
function known(values: Value[], lastAlertMs: number | null = null): SpikeKey {
  return { values, firstSeenMs: T0 - DAY, lastAlertMs };
}

function point(endMs: number, stepMs = 10 * MIN): EvaluationPoint {
  return { startMs: endMs - stepMs, endMs };
}

function counts(groups: { values: Value[]; ref: number; cur: number }[]): KeyCountResult {
  return { id: 'spike', groups: groups.map((g) => ({ values: g.values, counts: { ref: g.ref, cur: g.cur } })) };
}

/** Documents for the fake Elasticsearch: `n` documents (each with field_value `value`) at `at`. */
interface Doc {
  at: number;
  values: Value[];
  n: number;
  value?: number;
}

/** `n` documents every `stepMs` in [fromMs, toMs). */
function every(values: Value[], fromMs: number, toMs: number, stepMs: number, n = 1): Doc[] {
  const docs: Doc[] = [];
  for (let at = fromMs; at < toMs; at += stepMs) docs.push({ at, values, n });
  return docs;
}

/** What the run would get from Elasticsearch: per group, documents (or field sums) per range. */
function fakeEs(docs: readonly Doc[], request: KeyCountRequest): KeyCountResult {
  if (request.value) return fakeAverages(docs, request);
  const groups = new Map<string, { values: Value[]; counts: Record<string, number> }>();
  for (const doc of docs) {
    const values = request.fields.length === 0 ? [] : doc.values;
    for (const range of request.ranges) {
      if (doc.at <= range.startMs || doc.at > range.endMs) continue;
      const id = JSON.stringify(values);
      const group = groups.get(id) ?? { values, counts: Object.fromEntries(request.ranges.map((r) => [r.name, 0])) };
      groups.set(id, group);
      group.counts[range.name] = (group.counts[range.name] ?? 0) + doc.n;
    }
  }
  return { id: request.id, groups: [...groups.values()] };
}

/** field_value: the average of the field per group and range, as Elasticsearch's avg aggregation. */
function fakeAverages(docs: readonly Doc[], request: KeyCountRequest): KeyCountResult {
  const sums = new Map<string, { values: Value[]; sum: Record<string, number>; n: Record<string, number> }>();
  for (const doc of docs) {
    const values = request.fields.length === 0 ? [] : doc.values;
    for (const range of request.ranges) {
      if (doc.at <= range.startMs || doc.at > range.endMs) continue;
      const id = JSON.stringify(values);
      const g = sums.get(id) ?? { values, sum: {}, n: {} };
      sums.set(id, g);
      g.sum[range.name] = (g.sum[range.name] ?? 0) + doc.n * (doc.value ?? 0);
      g.n[range.name] = (g.n[range.name] ?? 0) + doc.n;
    }
  }
  const groups = [...sums.values()].map((g) => ({
    values: g.values,
    counts: Object.fromEntries(request.ranges.map((r) => [r.name, g.n[r.name] ? (g.sum[r.name] ?? 0) / (g.n[r.name] ?? 1) : 0])),
  }));
  return { id: request.id, groups };
}

/** Evaluates every `stepMs` from fromMs (exclusive) to toMs, as the run catches up segment by segment. */
function run(rule: SpikeRule, docs: readonly Doc[], fromMs: number, toMs: number, stepMs = 10 * MIN, initial?: SpikeState) {
  let state = initial ?? rule.initialState();
  const matches: RuleMatch[] = [];
  const sizes: { endMs: number; keys: number }[] = [];
  for (let endMs = fromMs + stepMs; endMs <= toMs; endMs += stepMs) {
    const at = point(endMs, stepMs);
    const step = rule.evaluate(
      state,
      rule.plan(state, at).map((r) => fakeEs(docs, r)),
      at,
    );
    state = step.state;
    matches.push(...step.matches);
    sizes.push({ endMs, keys: state.keys.length });
  }
  return { state, matches, sizes };
}

const offset = (m: RuleMatch): number => m.timestampMs - T0;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('spike: when a key with a full reference window matches (timeframe 1h, spike_height 3)', () => {
  const rows: { why: string; options?: Record<string, unknown>; ref: number; cur: number; expected: 'up' | 'down' | null }[] = [
    { why: 'up: cur = ref x spike_height matches', ref: 10, cur: 30, expected: 'up' },
    { why: 'up: one less does not', ref: 10, cur: 29, expected: null },
    { why: 'up: a dip is not an up spike', ref: 30, cur: 10, expected: null },
    { why: 'down: cur = ref / spike_height matches', options: { spike_type: 'down' }, ref: 30, cur: 10, expected: 'down' },
    { why: 'down: one more does not', options: { spike_type: 'down' }, ref: 30, cur: 11, expected: null },
    { why: 'down: a rise is not a down spike', options: { spike_type: 'down' }, ref: 10, cur: 30, expected: null },
    { why: 'both: a rise matches as up', options: { spike_type: 'both' }, ref: 10, cur: 30, expected: 'up' },
    { why: 'both: a dip matches as down', options: { spike_type: 'both' }, ref: 30, cur: 10, expected: 'down' },
    { why: 'both: neither far enough', options: { spike_type: 'both' }, ref: 10, cur: 20, expected: null },
    { why: 'threshold_cur reached exactly: matches', options: { threshold_cur: 30 }, ref: 10, cur: 30, expected: 'up' },
    { why: 'threshold_cur one above cur: no match', options: { threshold_cur: 31 }, ref: 10, cur: 30, expected: null },
    { why: 'threshold_ref reached exactly: matches', options: { threshold_ref: 10 }, ref: 10, cur: 30, expected: 'up' },
    { why: 'threshold_ref one above ref: no match', options: { threshold_ref: 11 }, ref: 10, cur: 30, expected: null },
    {
      why: 'threshold_cur also gates dips (ElastAlert2 checks it for every spike_type)',
      options: { spike_type: 'down', threshold_cur: 5 },
      ref: 30,
      cur: 4,
      expected: null,
    },
    { why: 'growth from nothing is an up spike (as ElastAlert2)', ref: 0, cur: 1, expected: 'up' },
    { why: '...which threshold_ref prevents', options: { threshold_ref: 1 }, ref: 0, cur: 1, expected: null },
    { why: 'a drop to nothing is a down spike', options: { spike_type: 'down' }, ref: 3, cur: 0, expected: 'down' },
    { why: 'up: 0 vs 0 never matches (ElastAlert2 would: 0 >= 0 x 3)', ref: 0, cur: 0, expected: null },
    { why: 'down: 0 vs 0 never matches (ElastAlert2 would: 0 <= 0 / 3)', options: { spike_type: 'down' }, ref: 0, cur: 0, expected: null },
    { why: 'both: 0 vs 0 never matches (ElastAlert2 would)', options: { spike_type: 'both' }, ref: 0, cur: 0, expected: null },
    { why: 'fractional spike_height: exactly 1.5 x matches', options: { spike_height: 1.5 }, ref: 10, cur: 15, expected: 'up' },
    { why: 'fractional spike_height: just under does not', options: { spike_height: 1.5 }, ref: 10, cur: 14, expected: null },
    {
      why: '100 x 1.1 is 110.00000000000001 in doubles: 110 does not match, as in ElastAlert2',
      options: { spike_height: 1.1 },
      ref: 100,
      cur: 110,
      expected: null,
    },
    {
      why: 'field_value: thresholds are ignored (ElastAlert2)',
      options: { field_value: 'bytes', threshold_cur: 1000, threshold_ref: 1000 },
      ref: 10,
      cur: 30,
      expected: 'up',
    },
    {
      why: 'field_value: a zero reference never matches (ElastAlert2)',
      options: { field_value: 'bytes' },
      ref: 0,
      cur: 30,
      expected: null,
    },
    {
      why: 'field_value: a zero current never matches (ElastAlert2)',
      options: { field_value: 'bytes', spike_type: 'down' },
      ref: 30,
      cur: 0,
      expected: null,
    },
    {
      why: 'field_value: negative totals never match',
      options: { field_value: 'delta', spike_type: 'both' },
      ref: -10,
      cur: -30,
      expected: null,
    },
  ];
  it.each(rows)('$why', ({ options, ref, cur, expected }) => {
    const rule = new SpikeRule(spikeRule(options));
    const state: SpikeState = { keys: [known(['alice'])] };
    const { matches } = rule.evaluate(state, [counts([{ values: ['alice'], ref, cur }])], point(T0));
    expect(matches.map((m) => m.body['spike_type'])).toEqual(expected === null ? [] : [expected]);
  });

  it('a remembered key with no documents in either range cannot match', () => {
    const rule = new SpikeRule(spikeRule({ spike_type: 'both' }));
    const { matches } = rule.evaluate({ keys: [known(['alice'])] }, [counts([])], point(T0));
    expect(matches).toEqual([]);
  });

  it('keys are judged separately', () => {
    const rule = new SpikeRule(spikeRule());
    const state: SpikeState = { keys: [known(['alice']), known(['bob'])] };
    const result = counts([
      { values: ['alice'], ref: 10, cur: 30 },
      { values: ['bob'], ref: 10, cur: 29 },
    ]);
    expect(rule.evaluate(state, [result], point(T0)).matches.map((m) => m.key)).toEqual(['alice']);
  });
});

describe('spike: the reference window must be full (timeframe 1h, evaluated every 10m)', () => {
  const rows: { why: string; options?: Record<string, unknown>; state?: SpikeState; ref: number; cur: number; matches: boolean }[] = [
    { why: 'a new key never matches at first sight', ref: 10, cur: 30, matches: false },
    { why: 'alert_on_new_data: a new key may match at once', options: { alert_on_new_data: true }, ref: 10, cur: 30, matches: true },
    {
      why: 'restart pending: no match until 2 x timeframe after the alert',
      state: { keys: [known(['alice'], T0 - 2 * HOUR + 1)] },
      ref: 10,
      cur: 30,
      matches: false,
    },
    {
      why: 'restart over: the reference range starts exactly at the alert',
      state: { keys: [known(['alice'], T0 - 2 * HOUR)] },
      ref: 10,
      cur: 30,
      matches: true,
    },
    {
      why: 'alert_on_new_data does not skip the restart (ElastAlert2 skip_checks)',
      options: { alert_on_new_data: true },
      state: { keys: [known(['alice'], T0 - HOUR)] },
      ref: 10,
      cur: 30,
      matches: false,
    },
    {
      why: 'first seen exactly at the reference start: full',
      state: { keys: [{ values: ['alice'], firstSeenMs: T0 - 2 * HOUR, lastAlertMs: null }] },
      ref: 10,
      cur: 30,
      matches: true,
    },
    {
      why: 'first seen 1 ms after the reference start: not full',
      state: { keys: [{ values: ['alice'], firstSeenMs: T0 - 2 * HOUR + 1, lastAlertMs: null }] },
      ref: 10,
      cur: 30,
      matches: false,
    },
  ];
  it.each(rows)('$why', ({ options, state, ref, cur, matches }) => {
    const rule = new SpikeRule(spikeRule(options));
    const step = rule.evaluate(state ?? rule.initialState(), [counts([{ values: ['alice'], ref, cur }])], point(T0));
    expect(step.matches.length).toBe(matches ? 1 : 0);
  });

  it('alert_on_new_data is ignored without query_key (ElastAlert2)', () => {
    const rule = new SpikeRule(spikeRule({ alert_on_new_data: true }, null));
    expect(rule.evaluate(rule.initialState(), [counts([{ values: [], ref: 10, cur: 30 }])], point(T0)).matches).toEqual([]);
  });

  it('first seen: at the evaluation end, or at the reference end when the reference range had documents', () => {
    const rule = new SpikeRule(spikeRule());
    const result = counts([
      { values: ['only-current'], ref: 0, cur: 4 },
      { values: ['has-reference'], ref: 2, cur: 4 },
    ]);
    expect(rule.evaluate(rule.initialState(), [result], point(T0)).state.keys).toEqual([
      { values: ['only-current'], firstSeenMs: T0, lastAlertMs: null },
      { values: ['has-reference'], firstSeenMs: T0 - HOUR, lastAlertMs: null },
    ]);
  });

  // 'alice': 1 document every 10 minutes from 0:05, bursts of 50 at 1:05 and 3:05.
  const alice = [
    ...every(['alice'], T0 + 5 * MIN, T0 + 4 * HOUR, 10 * MIN),
    { at: T0 + 65 * MIN, values: ['alice'], n: 50 },
    { at: T0 + 185 * MIN, values: ['alice'], n: 50 },
  ];
  const timeline: { why: string; options?: Record<string, unknown>; expected: number[] }[] = [
    {
      why: 'first seen at 0:10, full from 2:10: the 1:05 burst is missed (in the reference by then), the 3:05 one caught at 3:10',
      expected: [190 * MIN],
    },
    {
      why: 'alert_on_new_data: the new key alerts at once (ref 0, cur 1), its restart hides the 1:05 burst, 3:05 is caught',
      options: { alert_on_new_data: true },
      expected: [10 * MIN, 190 * MIN],
    },
    {
      why: 'alert_on_new_data with threshold_ref 1: no alert on 0 reference; 1:10 (ref 1, cur 56) and 3:10 alert',
      options: { alert_on_new_data: true, threshold_ref: 1 },
      expected: [70 * MIN, 190 * MIN],
    },
    {
      why: 'threshold_ref 1 without alert_on_new_data changes nothing here',
      options: { threshold_ref: 1 },
      expected: [190 * MIN],
    },
  ];
  it.each(timeline)('$why', ({ options, expected }) => {
    const { matches } = run(new SpikeRule(spikeRule(options)), alice, T0, T0 + 4 * HOUR);
    expect(matches.map(offset)).toEqual(expected);
  });
});

describe('spike: the reference restarts after an alert', () => {
  // 1 document per 10 minutes since T0 - 5h, 10 from 1:00, 100 from 3:00; evaluated from T0 - 3h.
  const docs = [
    ...every(['alice'], T0 - 295 * MIN, T0 + HOUR, 10 * MIN, 1),
    ...every(['alice'], T0 + 65 * MIN, T0 + 3 * HOUR, 10 * MIN, 10),
    ...every(['alice'], T0 + 185 * MIN, T0 + 5 * HOUR, 10 * MIN, 100),
  ];

  it('alerts at 1:20 (24 vs 6); still spiking at 1:30 (33 vs 6) but waits; alerts again at 3:20 (240 vs 60)', () => {
    const { matches } = run(new SpikeRule(spikeRule()), docs, T0 - 3 * HOUR, T0 + 5 * HOUR);
    expect(matches.map((m) => [offset(m), m.body['spike_count'], m.body['reference_count']])).toEqual([
      [80 * MIN, 24, 6],
      [200 * MIN, 240, 60],
    ]);
  });

  it('the alert is remembered in the state and the input state is left alone', () => {
    const rule = new SpikeRule(spikeRule());
    const state = deepFreeze<SpikeState>({ keys: [known(['alice']), known(['bob'])] });
    const before = structuredClone(state);
    const step = rule.evaluate(
      state,
      [
        counts([
          { values: ['alice'], ref: 10, cur: 30 },
          { values: ['bob'], ref: 10, cur: 10 },
        ]),
      ],
      point(T0),
    );
    expect(state).toEqual(before);
    expect(step.state.keys).toEqual([known(['alice'], T0), known(['bob'])]);
  });
});

describe('spike: keys and match bodies', () => {
  it('single query_key: key is str(value), the field keeps the raw value', () => {
    const rule = new SpikeRule(spikeRule({ alert_on_new_data: true }, ['port']));
    const { matches } = rule.evaluate(rule.initialState(), [counts([{ values: [443], ref: 2, cur: 9 }])], point(T0));
    expect(matches).toEqual([
      {
        timestampMs: T0,
        key: '443',
        body: { '@timestamp': '2024-05-01T12:00:00Z', port: 443, spike_count: 9, reference_count: 2, spike_type: 'up' },
        sample: { startMs: T0 - HOUR, endMs: T0, fields: { port: 443 } },
      },
    ]);
  });

  it('boolean key values read as Python shows them', () => {
    const rule = new SpikeRule(spikeRule({ alert_on_new_data: true }, ['error']));
    const { matches } = rule.evaluate(rule.initialState(), [counts([{ values: [true], ref: 0, cur: 9 }])], point(T0));
    expect(matches[0]?.key).toBe('True');
    expect(matches[0]?.body['error']).toBe(true);
  });

  it('compound query_key: values joined with ", " as key and under "host,user"', () => {
    const rule = new SpikeRule(spikeRule({ alert_on_new_data: true }, ['host', 'user']));
    const { matches } = rule.evaluate(rule.initialState(), [counts([{ values: ['h1', 7], ref: 0, cur: 5 }])], point(T0));
    expect(matches).toEqual([
      {
        timestampMs: T0,
        key: 'h1, 7',
        body: {
          '@timestamp': '2024-05-01T12:00:00Z',
          host: 'h1',
          user: 7,
          'host,user': 'h1, 7',
          spike_count: 5,
          reference_count: 0,
          spike_type: 'up',
        },
        sample: { startMs: T0 - HOUR, endMs: T0, fields: { host: 'h1', user: 7 } },
      },
    ]);
  });

  it('compound keys with the same text but different values are different keys', () => {
    const rule = new SpikeRule(spikeRule({}, ['host', 'user']));
    const state: SpikeState = { keys: [known(['h1', 7])] };
    const result = counts([
      { values: ['h1', '7'], ref: 10, cur: 30 },
      { values: ['h1', 7], ref: 10, cur: 30 },
    ]);
    expect(rule.evaluate(state, [result], point(T0)).matches.map((m) => m.body['user'])).toEqual([7]);
  });

  it('no query_key: one group, no key, no key fields', () => {
    const rule = new SpikeRule(spikeRule({ spike_type: 'down' }, null));
    const { matches } = rule.evaluate({ keys: [known([])] }, [counts([{ values: [], ref: 30, cur: 10 }])], point(T0));
    expect(matches).toEqual([
      {
        timestampMs: T0,
        key: undefined,
        body: { '@timestamp': '2024-05-01T12:00:00Z', spike_count: 10, reference_count: 30, spike_type: 'down' },
        sample: { startMs: T0 - HOUR, endMs: T0, fields: {} },
      },
    ]);
  });

  it('no query_key over a timeline: all documents count together', () => {
    const docs = [...every(['a'], T0 - 3 * HOUR, T0 + 2 * HOUR, 10 * MIN), ...every(['b'], T0 + 5 * MIN, T0 + HOUR, 10 * MIN, 2)];
    const { matches } = run(new SpikeRule(spikeRule({}, null)), docs, T0 - 3 * HOUR, T0 + HOUR);
    // At 1:00 the current hour holds 6 + 12 = 18 against 6: exactly 3 x.
    expect(matches.map((m) => [offset(m), m.key, m.body['spike_count']])).toEqual([[HOUR, undefined, 18]]);
  });

  it('a custom timestamp field', () => {
    const rule = new SpikeRule(
      makeRule(
        { type: 'spike', queryKey: ['user'], timestampField: 'event.time' },
        { timeframe: { hours: 1 }, spike_height: 3, spike_type: 'up' },
      ),
    );
    const { matches } = rule.evaluate({ keys: [known(['a'])] }, [counts([{ values: ['a'], ref: 1, cur: 3 }])], point(T0));
    expect(matches[0]?.body['event.time']).toBe('2024-05-01T12:00:00Z');
  });
});

describe('spike: plan', () => {
  const rows: { why: string; queryKey: string[] | null; options?: Record<string, unknown>; expected: KeyCountRequest }[] = [
    {
      why: 'reference = (end - 2tf, end - tf], current = (end - tf, end]',
      queryKey: ['user'],
      expected: {
        id: 'spike',
        fields: ['user'],
        ranges: [
          { name: 'ref', startMs: T0 - 2 * HOUR, endMs: T0 - HOUR },
          { name: 'cur', startMs: T0 - HOUR, endMs: T0 },
        ],
      },
    },
    {
      why: 'no query_key: no grouping fields',
      queryKey: null,
      options: { timeframe: '90s' },
      expected: {
        id: 'spike',
        fields: [],
        ranges: [
          { name: 'ref', startMs: T0 - 180_000, endMs: T0 - 90_000 },
          { name: 'cur', startMs: T0 - 90_000, endMs: T0 },
        ],
      },
    },
    {
      why: 'compound query_key: every field',
      queryKey: ['host', 'user'],
      expected: {
        id: 'spike',
        fields: ['host', 'user'],
        ranges: [
          { name: 'ref', startMs: T0 - 2 * HOUR, endMs: T0 - HOUR },
          { name: 'cur', startMs: T0 - HOUR, endMs: T0 },
        ],
      },
    },
    {
      why: 'field_value is averaged instead of counting',
      queryKey: ['user'],
      options: { field_value: 'bytes' },
      expected: {
        id: 'spike',
        fields: ['user'],
        ranges: [
          { name: 'ref', startMs: T0 - 2 * HOUR, endMs: T0 - HOUR },
          { name: 'cur', startMs: T0 - HOUR, endMs: T0 },
        ],
        value: { field: 'bytes', agg: 'avg' },
      },
    },
    {
      why: 'use_count_query and use_terms_query change nothing (always counted in Elasticsearch)',
      queryKey: ['user'],
      options: { use_count_query: true, use_terms_query: true },
      expected: {
        id: 'spike',
        fields: ['user'],
        ranges: [
          { name: 'ref', startMs: T0 - 2 * HOUR, endMs: T0 - HOUR },
          { name: 'cur', startMs: T0 - HOUR, endMs: T0 },
        ],
      },
    },
  ];
  it.each(rows)('$why', ({ queryKey, options, expected }) => {
    const rule = new SpikeRule(spikeRule(options, queryKey));
    const plan = rule.plan(rule.initialState(), point(T0));
    expect(plan).toStrictEqual([expected]);
  });

  it('needs aggregations', () => {
    expect(new SpikeRule(spikeRule()).needs).toBe('aggregations');
  });

  it('field_value over a timeline compares averages', () => {
    const docs: Doc[] = [
      ...every(['a'], T0 - 3 * HOUR, T0, 10 * MIN).map((d) => ({ ...d, value: 100 })),
      ...every(['a'], T0, T0 + HOUR, 10 * MIN).map((d) => ({ ...d, value: 300 })),
    ];
    const { matches } = run(new SpikeRule(spikeRule({ field_value: 'bytes' })), docs, T0 - 3 * HOUR, T0 + HOUR);
    // Same number of documents every hour; only the bytes per document triple, reached at 0:50
    // when the current hour (-0:10, 0:50] holds only the new values.
    expect(matches.map((m) => [offset(m), m.body['spike_count'], m.body['reference_count']])).toEqual([[50 * MIN, 300, 100]]);
  });

  it('an unexpected result is refused', () => {
    const rule = new SpikeRule(spikeRule());
    expect(() => rule.evaluate(rule.initialState(), [], point(T0))).toThrow(
      'rule "Test rule" (test.yaml): spike expected the counts of request "spike", got none',
    );
    expect(() => rule.evaluate(rule.initialState(), [{ id: 'other', groups: [] }], point(T0))).toThrow('got "other"');
  });
});

describe('spike: state stays bounded and plain JSON', () => {
  it('keys are dropped once they have no documents in the last 2 x timeframe', () => {
    // 1000 keys with one document each in the first half hour, one steady key.
    const quiet = Array.from({ length: 1000 }, (_, i): Doc => ({ at: T0 + (i % 30) * MIN + 30_000, values: [`k${i}`], n: 1 }));
    const steady = every(['steady'], T0 - 3 * HOUR, T0 + 4 * HOUR, 10 * MIN);
    const { state, sizes } = run(new SpikeRule(spikeRule()), [...quiet, ...steady], T0, T0 + 3 * HOUR);
    for (const { endMs, keys } of sizes) {
      const active = quiet.filter((d) => d.at > endMs - 2 * HOUR && d.at <= endMs).length;
      expect({ endMs: endMs - T0, keys }).toEqual({ endMs: endMs - T0, keys: active + 1 });
    }
    expect(state.keys.map((k) => k.values)).toEqual([['steady']]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('alerted keys stay while their restart is pending, then go', () => {
    // 100 known keys, 1 document per 10 minutes until 0:20, then silence: each dips at 1:00
    // (2 against 6), has no documents in range from 2:20 on, and its restart ends at 3:00.
    const values = Array.from({ length: 100 }, (_, i) => [`k${i}`]);
    const docs = values.flatMap((v) => every(v, T0 - 3 * HOUR, T0 + 30 * MIN, 10 * MIN));
    const rule = new SpikeRule(spikeRule({ spike_type: 'down' }));
    const { matches, sizes } = run(rule, docs, T0, T0 + 4 * HOUR, 10 * MIN, { keys: values.map((v) => known(v)) });
    expect(new Set(matches.map(offset))).toEqual(new Set([HOUR]));
    expect(matches).toHaveLength(100);
    expect(
      sizes
        .filter((s) => s.keys > 0)
        .map((s) => s.endMs - T0)
        .at(-1),
    ).toBe(3 * HOUR - 10 * MIN);
  });

  const rows: { why: string; key: SpikeKey; kept: boolean }[] = [
    { why: 'a quiet key without alert goes', key: known(['a']), kept: false },
    { why: 'a quiet key that alerted less than 2 x timeframe ago stays', key: known(['a'], T0 - 2 * HOUR + 1), kept: true },
    { why: 'a quiet key that alerted 2 x timeframe ago goes', key: known(['a'], T0 - 2 * HOUR), kept: false },
  ];
  it.each(rows)('$why', ({ key, kept }) => {
    const rule = new SpikeRule(spikeRule());
    expect(rule.evaluate({ keys: [key] }, [counts([])], point(T0)).state.keys).toEqual(kept ? [key] : []);
  });
});

describe('spike: options', () => {
  const rows: { why: string; options: Record<string, unknown>; error: string }[] = [
    { why: 'timeframe is required', options: { timeframe: undefined }, error: 'rule "Test rule" (test.yaml): timeframe is required' },
    {
      why: 'timeframe must be positive',
      options: { timeframe: 0 },
      error: 'rule "Test rule" (test.yaml): timeframe must be greater than 0',
    },
    {
      why: 'timeframe must be a duration',
      options: { timeframe: 'soon' },
      error: 'rule "Test rule" (test.yaml): timeframe: expected a duration',
    },
    {
      why: 'spike_height is required',
      options: { spike_height: undefined },
      error: 'rule "Test rule" (test.yaml): spike_height is required',
    },
    { why: 'spike_height 0', options: { spike_height: 0 }, error: 'spike_height: expected a number > 0, got 0' },
    { why: 'spike_height negative', options: { spike_height: -2 }, error: 'spike_height: expected a number > 0, got -2' },
    { why: 'spike_height as text', options: { spike_height: '3' }, error: 'spike_height: expected a number > 0, got "3"' },
    { why: 'spike_height NaN', options: { spike_height: Number.NaN }, error: 'spike_height: expected a number > 0, got NaN' },
    { why: 'spike_type is required', options: { spike_type: undefined }, error: 'rule "Test rule" (test.yaml): spike_type is required' },
    {
      why: 'spike_type is case-sensitive as in ElastAlert2',
      options: { spike_type: 'Up' },
      error: 'spike_type: expected one of up, down, both, got "Up"',
    },
    { why: 'spike_type unknown', options: { spike_type: 'sideways' }, error: 'spike_type: expected one of up, down, both, got "sideways"' },
    { why: 'threshold_cur negative', options: { threshold_cur: -1 }, error: 'threshold_cur: expected a number >= 0, got -1' },
    { why: 'threshold_ref not a number', options: { threshold_ref: 'ten' }, error: 'threshold_ref: expected a number >= 0, got "ten"' },
    { why: 'threshold_ref null', options: { threshold_ref: null }, error: 'threshold_ref: expected a number >= 0, got null' },
    { why: 'field_value empty', options: { field_value: '' }, error: 'field_value: expected a field name, got ""' },
    { why: 'field_value not a name', options: { field_value: ['bytes'] }, error: 'field_value: expected a field name, got ["bytes"]' },
  ];
  it.each(rows)('$why', ({ options, error }) => {
    expect(() => new SpikeRule(spikeRule(options))).toThrow(error);
  });

  it('accepts every documented option', () => {
    const options = {
      spike_type: 'both',
      spike_height: 2.5,
      threshold_ref: 5,
      threshold_cur: 0,
      alert_on_new_data: false,
      field_value: 'bytes',
      use_count_query: true,
      use_terms_query: true,
      terms_size: 50,
    };
    expect(() => new SpikeRule(spikeRule(options, ['host', 'user']))).not.toThrow();
  });
});

describe('spike: describeMatch', () => {
  const body = { '@timestamp': '2024-05-01T12:00:00Z', spike_count: 56, reference_count: 6, spike_type: 'up' };
  const rows: { why: string; options?: Record<string, unknown>; key: string | undefined; expected: string }[] = [
    {
      why: 'counts, with key',
      key: 'alice',
      expected:
        'An abnormal number of events, 56, occurred in the 1h up to 2024-05-01T12:00:00Z for alice.\nIn the 1h before that, there were 6.',
    },
    {
      why: 'counts, without query_key',
      key: undefined,
      options: { timeframe: { minutes: 90 } },
      expected:
        'An abnormal number of events, 56, occurred in the 1h30m up to 2024-05-01T12:00:00Z.\nIn the 1h30m before that, there were 6.',
    },
    {
      why: 'field_value: averages of the field',
      key: 'h1, alice',
      options: { field_value: 'bytes' },
      expected:
        "An abnormal average of field 'bytes', 56, occurred in the 1h up to 2024-05-01T12:00:00Z for h1, alice.\nIn the 1h before that, the average was 6.",
    },
  ];
  it.each(rows)('$why', ({ options, key, expected }) => {
    const rule = new SpikeRule(spikeRule(options));
    expect(rule.describeMatch({ timestampMs: T0, key, body })).toBe(expected);
  });

  it('fractional averages print as Python would', () => {
    const rule = new SpikeRule(spikeRule({ field_value: 'load' }));
    const text = rule.describeMatch({ timestampMs: T0, key: 'a', body: { spike_count: 7.5, reference_count: 2.25 } });
    expect(text).toContain("field 'load', 7.5,");
    expect(text).toContain('the average was 2.25.');
  });
});
