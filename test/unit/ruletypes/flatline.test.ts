import { describe, expect, it } from '@jest/globals';
import type { RuleMatch } from '../../../src/rules/types.ts';
import type { EvaluationPoint, KeyCountRequest, KeyCountResult } from '../../../src/ruletypes/aggregating.ts';
import { FlatlineRule, SEED_SLICES, type FlatlineKeyValue, type FlatlineState } from '../../../src/ruletypes/flatline.ts';
import { makeRule, MIN, SEC, T0 } from './fixtures.ts';

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** A document `t` ms after T0 with its query_key values ([] without query_key). */
interface Doc {
  t: number;
  key: FlatlineKeyValue[];
}
const d = (t: number, ...key: FlatlineKeyValue[]): Doc => ({ t, key });
/** `n` documents of `key` spread over the minute before `t`. */
const burst = (t: number, n: number, ...key: FlatlineKeyValue[]): Doc[] => Array.from({ length: n }, (_, i) => d(t - i * SEC, ...key));

/** Elasticsearch as the run uses it: groups of the request's fields, counted per range (start exclusive, end inclusive). */
function esCount(docs: readonly Doc[], req: KeyCountRequest): KeyCountResult {
  const groups = new Map<string, { values: FlatlineKeyValue[]; counts: Record<string, number> }>();
  for (const doc of docs) {
    const ts = T0 + doc.t;
    for (const r of req.ranges) {
      if (ts <= r.startMs || ts > r.endMs) continue;
      const id = JSON.stringify(doc.key);
      const group = groups.get(id) ?? { values: doc.key, counts: Object.fromEntries(req.ranges.map((x) => [x.name, 0])) };
      group.counts[r.name] = (group.counts[r.name] ?? 0) + 1;
      groups.set(id, group);
    }
  }
  return { id: req.id, groups: [...groups.values()] };
}

interface Seen {
  at: number;
  key: string | undefined;
  count: unknown;
  recovered?: true;
}

/** Evaluates at each point (offsets from T0), each segment starting at the previous point (the first one run_every earlier). */
function run(rule: FlatlineRule, docs: readonly Doc[], points: readonly number[], state: FlatlineState = rule.initialState()) {
  const matches: RuleMatch[] = [];
  const plans: KeyCountRequest[][] = [];
  let prev: number | undefined;
  for (const p of points) {
    const at: EvaluationPoint = { startMs: T0 + (prev ?? p - MIN), endMs: T0 + p };
    const requests = rule.plan(state, at);
    plans.push(requests);
    const step = rule.evaluate(
      state,
      requests.map((r) => esCount(docs, r)),
      at,
    );
    state = step.state;
    matches.push(...step.matches);
    prev = p;
  }
  const seen = matches.map((m): Seen => ({
    at: m.timestampMs - T0,
    key: m.key,
    count: m.body['count'],
    ...(m.body['recovered'] === true ? { recovered: true as const } : {}),
  }));
  return { state, matches, seen, plans };
}

/** Evaluation points every minute from `from` to `to` minutes (inclusive). */
const minutes = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => (from + i) * MIN);

/** timeframe 5m, threshold 3, run_every 1m, query_key host unless stated. */
function flatline(options: Record<string, unknown> = {}, queryKey: string[] | null = ['host'], maxKeys?: number): FlatlineRule {
  return new FlatlineRule(
    makeRule({ type: 'flatline', queryKey: queryKey ?? undefined }, { threshold: 3, timeframe: 5 * MIN, ...options }),
    maxKeys,
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('flatline: counts against threshold (key "a" has existed for an hour; threshold 3, timeframe 5m)', () => {
  const old = d(-HOUR, 'a');
  const rows: { why: string; docs: Doc[]; options?: Record<string, unknown>; expected: Seen[] }[] = [
    { why: 'exactly threshold documents in the timeframe: no match', docs: [old, ...burst(0, 3, 'a')], expected: [] },
    { why: 'threshold - 1 documents: a match with the count', docs: [old, ...burst(0, 2, 'a')], expected: [{ at: 0, key: 'a', count: 2 }] },
    {
      why: 'a key absent from the counted groups (completely silent) matches with count 0',
      docs: [old],
      expected: [{ at: 0, key: 'a', count: 0 }],
    },
    {
      why: 'a document exactly timeframe before E is outside the window (start exclusive)',
      docs: [old, d(-5 * MIN, 'a')],
      options: { threshold: 1 },
      expected: [{ at: 0, key: 'a', count: 0 }],
    },
    { why: 'one millisecond later it is inside', docs: [old, d(-5 * MIN + 1, 'a')], options: { threshold: 1 }, expected: [] },
    { why: 'a document exactly at E is inside (end inclusive)', docs: [old, d(0, 'a')], options: { threshold: 1 }, expected: [] },
    { why: 'keys are judged separately', docs: [old, d(-HOUR, 'b'), ...burst(0, 3, 'b')], expected: [{ at: 0, key: 'a', count: 0 }] },
    {
      why: 'timeframe as an ElastAlert2 mapping',
      docs: [old, d(-9 * MIN, 'a')],
      options: { timeframe: { minutes: 10 }, threshold: 1 },
      expected: [],
    },
  ];
  it.each(rows)('$why', ({ docs, options, expected }) => {
    expect(run(flatline(options), docs, [0]).seen).toEqual(expected);
  });
});

describe('flatline: nothing is checked until timeframe has passed since a key was first seen', () => {
  const rows: { why: string; docs: Doc[]; points: number[]; expected: number[] }[] = [
    {
      why: 'a key seeded only from the last timeframe is first seen at E: checked from E + timeframe',
      docs: [d(-2 * MIN, 'a')],
      points: minutes(0, 6),
      expected: [5 * MIN, 6 * MIN],
    },
    {
      why: 'a key seen in the segment (0, 1m] is first seen at 1m: checked from 6m',
      docs: [d(30 * SEC, 'a')],
      points: minutes(0, 7),
      expected: [6 * MIN, 7 * MIN],
    },
    {
      why: 'a seeded key with a document at or before E - timeframe has existed a whole timeframe: checked at once',
      docs: [d(-5 * MIN, 'a')],
      points: [0],
      expected: [0],
    },
    {
      why: 'one millisecond later it is treated as new',
      docs: [d(-5 * MIN + 1, 'a')],
      points: [0],
      expected: [],
    },
  ];
  it.each(rows)('$why', ({ docs, points, expected }) => {
    expect(run(flatline(), docs, points).seen.map((m) => m.at)).toEqual(expected);
  });
});

describe('flatline: seeding known keys (deliberate fix: ElastAlert2 forgets every key on restart)', () => {
  it('the first plan adds a seed request tiling (E - lookback, E]; later plans do not', () => {
    const rule = flatline({ known_keys_lookback: '65m' });
    const { plans } = run(rule, [], [0, MIN]);
    const [first, second] = plans;
    expect(first?.map((r) => r.id)).toEqual(['counts', 'seed']);
    expect(first?.[0]).toEqual({
      id: 'counts',
      fields: ['host'],
      ranges: [
        { name: 'window', startMs: T0 - 5 * MIN, endMs: T0 },
        { name: 'segment', startMs: T0 - MIN, endMs: T0 },
      ],
    });
    const seed = first?.[1];
    expect(seed?.fields).toEqual(['host']);
    expect(seed?.ranges).toHaveLength(SEED_SLICES + 1);
    // Slices of (E - 65m, E - 5m] (5m each), then exactly the timeframe.
    expect(seed?.ranges[0]).toEqual({ name: 'seed-0', startMs: T0 - 65 * MIN, endMs: T0 - 60 * MIN });
    expect(seed?.ranges[SEED_SLICES]).toEqual({ name: 'seed-recent', startMs: T0 - 5 * MIN, endMs: T0 });
    seed?.ranges.slice(1).forEach((r, i) => expect(r.startMs).toBe(seed.ranges[i]?.endMs));
    expect(second?.map((r) => r.id)).toEqual(['counts']);
  });

  it('the default lookback is one day, raised to timeframe + run_every for longer timeframes', () => {
    const seedStart = (rule: FlatlineRule) => rule.plan(rule.initialState(), { startMs: T0 - MIN, endMs: T0 })[1]?.ranges[0]?.startMs;
    expect(seedStart(flatline())).toBe(T0 - DAY);
    expect(seedStart(flatline({ timeframe: { days: 2 } }))).toBe(T0 - 2 * DAY - MIN);
  });

  it('evaluate learns every key in the lookback, with first/last seen at the ends of its earliest/newest slice', () => {
    const rule = flatline({ known_keys_lookback: '65m' });
    const { state } = run(
      rule,
      [d(-62 * MIN, 'old'), d(-30 * MIN, 'both'), d(-MIN, 'both'), d(-MIN, 'recent'), d(-70 * MIN, 'too-old')],
      [0],
    );
    expect(state.seeded).toBe(true);
    expect(state.keys.map((k) => [k.values, (k.firstSeenMs - T0) / MIN, (k.lastSeenMs - T0) / MIN])).toEqual([
      [['old'], -60, -60],
      [['both'], -30, 0],
      [['recent'], 0, 0],
    ]);
  });

  it('a host that went silent before a restart is reported on the first evaluation after it', () => {
    const rule = flatline();
    const docs = [...burst(-20 * MIN, 10, 'web-1'), ...burst(-20 * MIN, 10, 'web-2'), ...burst(0, 10, 'web-2')];
    // Before the restart the state knew web-1; the restart loses it (fresh state), as ElastAlert2 would.
    const { seen } = run(rule, docs, [0], rule.initialState());
    expect(seen).toEqual([{ at: 0, key: 'web-1', count: 0 }]);
  });

  it('a persisted state (through JSON) is not seeded again and keeps its keys', () => {
    const rule = flatline();
    const first = run(rule, [d(-HOUR, 'a'), ...burst(0, 3, 'a')], [0]);
    const revived = JSON.parse(JSON.stringify(first.state)) as FlatlineState;
    const later = run(rule, [d(-HOUR, 'a')], [10 * MIN], revived);
    expect(later.plans[0]?.map((r) => r.id)).toEqual(['counts']);
    expect(later.seen).toEqual([{ at: 10 * MIN, key: 'a', count: 0 }]);
  });

  it('a state that is not a flatline state is started afresh', () => {
    const rule = flatline();
    expect(rule.plan(null as unknown as FlatlineState, { startMs: T0 - MIN, endMs: T0 }).map((r) => r.id)).toEqual(['counts', 'seed']);
  });

  it('a state made for other query_key fields (the rule was edited) is started afresh and seeded again', () => {
    const before = run(flatline({}, ['host']), [d(-HOUR, 'a')], [0]).state;
    const rule = flatline({}, ['user']);
    const after = run(rule, [d(-HOUR, 'alice'), ...burst(0, 3, 'alice')], [MIN], before);
    expect(after.plans[0]?.map((r) => r.id)).toEqual(['counts', 'seed']);
    expect(after.seen).toEqual([]);
    expect(after.state.queryKey).toEqual(['user']);
    expect(after.state.keys.map((k) => k.values)).toEqual([['alice']]);
  });
});

describe('flatline: without query_key (one group, always known, as ElastAlert2\'s "all" window)', () => {
  const rows: { why: string; docs: Doc[]; points: number[]; expected: number[] }[] = [
    {
      why: 'a data source silent since before a restart is reported on the first evaluation',
      docs: [d(-HOUR)],
      points: [0],
      expected: [0],
    },
    { why: 'an active data source is not', docs: [d(-HOUR), ...burst(0, 3)], points: [0], expected: [] },
    {
      why: 'a source with no document at all is reported timeframe after the first evaluation',
      docs: [],
      points: minutes(0, 5),
      expected: [5 * MIN],
    },
    {
      why: 'the group never expires, however long it has been silent',
      docs: [d(-3 * DAY)],
      points: [0, DAY, 2 * DAY],
      expected: [DAY, 2 * DAY],
    },
  ];
  it.each(rows)('$why', ({ docs, points, expected }) => {
    const { seen } = run(flatline({}, null), docs, points);
    expect(seen.map((m) => m.at)).toEqual(expected);
    expect(seen.every((m) => m.key === undefined)).toBe(true);
  });

  it('the match body has key "all", count and threshold', () => {
    const { matches } = run(flatline({}, null), [d(-HOUR), d(-MIN)], [0]);
    expect(matches).toEqual([
      { timestampMs: T0, key: undefined, body: { '@timestamp': '2024-05-01T12:00:00Z', key: 'all', count: 1, threshold: 3 } },
    ]);
  });
});

describe('flatline: match body', () => {
  it('a key: the timestamp, the query_key field with its value, key, count and threshold', () => {
    const { matches } = run(flatline({}, ['host.name']), [d(-HOUR, 'web-1')], [0]);
    expect(matches).toEqual([
      {
        timestampMs: T0,
        key: 'web-1',
        body: { '@timestamp': '2024-05-01T12:00:00Z', 'host.name': 'web-1', key: 'web-1', count: 0, threshold: 3 },
      },
    ]);
  });

  it('a compound key: each field, the joined "host,user" field, and key "h1, alice"', () => {
    const { matches } = run(
      flatline({}, ['host', 'user']),
      [d(-HOUR, 'h1', 'alice'), d(-HOUR, 'h1', 'bob'), ...burst(0, 3, 'h1', 'bob')],
      [0],
    );
    expect(matches).toEqual([
      {
        timestampMs: T0,
        key: 'h1, alice',
        body: {
          '@timestamp': '2024-05-01T12:00:00Z',
          host: 'h1',
          user: 'alice',
          'host,user': 'h1, alice',
          key: 'h1, alice',
          count: 0,
          threshold: 3,
        },
      },
    ]);
  });

  it('non-string values keep their type in the field and are rendered as Python would in the key', () => {
    const { matches } = run(flatline({}, ['port', 'tls']), [d(-HOUR, 443, true)], [0]);
    expect(matches[0]?.key).toBe('443, True');
    expect(matches[0]?.body).toMatchObject({ port: 443, tls: true, 'port,tls': '443, True' });
  });
});

describe('flatline: forget_keys', () => {
  const docs = [d(-HOUR, 'a'), d(8 * MIN + 30 * SEC, 'a')];
  const rows: { why: string; options: Record<string, unknown>; expected: number[] }[] = [
    {
      why: 'without it a key keeps matching at every evaluation while below threshold',
      options: {},
      expected: minutes(0, 15),
    },
    {
      why: 'with it the key is dropped after matching, relearned when seen (segment ending 9m), checked again from 14m',
      options: { forget_keys: true },
      expected: [0, 14 * MIN],
    },
  ];
  it.each(rows)('$why', ({ options, expected }) => {
    expect(run(flatline(options), docs, minutes(0, 15)).seen.map((m) => m.at)).toEqual(expected);
  });

  it('a forgotten key is gone from the state until seen again', () => {
    const rule = flatline({ forget_keys: true });
    expect(run(rule, [d(-HOUR, 'a')], [0]).state.keys).toEqual([]);
    expect(run(rule, [d(-HOUR, 'a'), d(30 * SEC, 'a')], [0, MIN]).state.keys.map((k) => [k.values, k.firstSeenMs - T0])).toEqual([
      [['a'], MIN],
    ]);
  });

  it('without query_key the group is re-armed instead: checked again timeframe after the match', () => {
    const { seen } = run(flatline({ forget_keys: true }, null), [d(-HOUR)], minutes(0, 11));
    expect(seen.map((m) => m.at)).toEqual([0, 5 * MIN, 10 * MIN]);
  });
});

describe('flatline: keys expire when not seen for known_keys_lookback', () => {
  const rows: { why: string; lookback: string | undefined; points: number[]; expected: number[]; keysAfter: number }[] = [
    {
      why: 'seen at 1m, lookback 10m: still known (and reported) at 11m, gone at 12m',
      lookback: '10m',
      points: minutes(0, 13),
      expected: minutes(6, 11),
      keysAfter: 0,
    },
    {
      why: 'with the default (one day) it is still reported an hour later',
      lookback: undefined,
      points: [0, MIN, HOUR],
      expected: [HOUR],
      keysAfter: 1,
    },
  ];
  it.each(rows)('$why', ({ lookback, points, expected, keysAfter }) => {
    const options = lookback === undefined ? {} : { known_keys_lookback: lookback };
    const { seen, state } = run(flatline(options), [d(30 * SEC, 'a')], points);
    expect(seen.map((m) => m.at)).toEqual(expected);
    expect(state.keys).toHaveLength(keysAfter);
  });

  it('a key seen again before expiring stays known', () => {
    const docs = [d(30 * SEC, 'a'), d(9 * MIN + 30 * SEC, 'a')];
    const { state } = run(flatline({ known_keys_lookback: '10m' }), docs, minutes(0, 15));
    expect(state.keys.map((k) => k.lastSeenMs - T0)).toEqual([10 * MIN]);
  });
});

describe('flatline: the number of keys is capped', () => {
  it('beyond the cap the keys seen longest ago are dropped and counted; the others keep their order', () => {
    // Lookback 65m: seed slices are 5m wide, so each key has its own last-seen slice.
    const rule = flatline({ known_keys_lookback: '65m' }, ['host'], 3);
    const docs = [d(-10 * MIN, 'c'), d(-50 * MIN, 'e'), d(-20 * MIN, 'b'), d(-40 * MIN, 'a'), d(-30 * MIN, 'd')];
    const { state } = run(rule, docs, [0]);
    expect(state.keys.map((k) => k.values[0])).toEqual(['c', 'b', 'd']);
    expect(state.droppedKeys).toBe(2);
    const later = run(rule, [d(30 * SEC, 'x')], [MIN], state).state;
    expect(later.keys.map((k) => k.values[0])).toEqual(['c', 'b', 'x']);
    expect(later.droppedKeys).toBe(3);
  });
});

describe('flatline: notify_on_recovery', () => {
  // "a" is silent from the start and comes back with 3 documents in the minute before 4m.
  const docs = [d(-HOUR, 'a'), ...burst(4 * MIN, 3, 'a')];
  const rows: { why: string; options: Record<string, unknown>; expected: Seen[] }[] = [
    {
      why: 'one recovery match when the count is back at threshold, not repeated',
      options: { notify_on_recovery: true },
      expected: [
        { at: 0, key: 'a', count: 0 },
        { at: MIN, key: 'a', count: 0 },
        { at: 2 * MIN, key: 'a', count: 0 },
        { at: 3 * MIN, key: 'a', count: 0 },
        { at: 4 * MIN, key: 'a', count: 3, recovered: true },
      ],
    },
    {
      why: 'without it there is no recovery match',
      options: {},
      expected: [
        { at: 0, key: 'a', count: 0 },
        { at: MIN, key: 'a', count: 0 },
        { at: 2 * MIN, key: 'a', count: 0 },
        { at: 3 * MIN, key: 'a', count: 0 },
      ],
    },
    {
      why: 'with forget_keys the key is matched once, and its recovery still reported',
      options: { notify_on_recovery: true, forget_keys: true },
      expected: [
        { at: 0, key: 'a', count: 0 },
        { at: 4 * MIN, key: 'a', count: 3, recovered: true },
      ],
    },
  ];
  it.each(rows)('$why', ({ options, expected }) => {
    expect(run(flatline(options), docs, minutes(0, 6)).seen).toEqual(expected);
  });

  it('no recovery is reported once the option has been turned off', () => {
    const on = run(flatline({ notify_on_recovery: true }), [d(-HOUR, 'a')], [0]);
    const off = run(flatline(), [d(-HOUR, 'a'), ...burst(MIN, 3, 'a')], [MIN], on.state);
    expect(off.seen).toEqual([]);
    expect(off.state.keys.map((k) => k.flatlined)).toEqual([true]);
  });

  it('the recovery match says recovered, and asks the run for an example document of the key', () => {
    const { matches, state } = run(
      flatline({ notify_on_recovery: true }, ['host.name']),
      [d(-HOUR, 'web-1'), ...burst(MIN, 3, 'web-1')],
      [0, MIN],
    );
    expect(matches[1]).toEqual({
      timestampMs: T0 + MIN,
      key: 'web-1',
      body: { '@timestamp': '2024-05-01T12:01:00Z', 'host.name': 'web-1', key: 'web-1', count: 3, threshold: 3, recovered: true },
      sample: { startMs: T0 - 4 * MIN, endMs: T0 + MIN, fields: { 'host.name': 'web-1' } },
    });
    expect(state.keys.map((k) => k.flatlined)).toEqual([false]);
  });
});

describe('flatline: option validation', () => {
  const rows: { why: string; options: Record<string, unknown>; error: RegExp }[] = [
    { why: 'timeframe missing', options: { timeframe: undefined }, error: /rule "Test rule" \(test\.yaml\): timeframe is required/ },
    { why: 'timeframe zero', options: { timeframe: 0 }, error: /timeframe must be greater than 0/ },
    { why: 'timeframe not a duration', options: { timeframe: 'soon' }, error: /timeframe: expected a duration/ },
    { why: 'threshold missing', options: { threshold: undefined }, error: /rule "Test rule" \(test\.yaml\): threshold is required/ },
    {
      why: 'threshold 0 (ElastAlert2 accepts it but it can never match)',
      options: { threshold: 0 },
      error: /threshold: expected an integer >= 1, got 0/,
    },
    { why: 'threshold not an integer', options: { threshold: 2.5 }, error: /threshold: expected an integer >= 1, got 2.5/ },
    { why: 'threshold as text', options: { threshold: '3' }, error: /threshold: expected an integer >= 1, got "3"/ },
    {
      why: 'known_keys_lookback below timeframe + run_every',
      options: { known_keys_lookback: '5m' },
      error: /known_keys_lookback must be at least timeframe \+ run_every/,
    },
    {
      why: 'known_keys_lookback not a duration',
      options: { known_keys_lookback: 'a day' },
      error: /known_keys_lookback: expected a duration/,
    },
  ];
  it.each(rows)('rejects $why', ({ options, error }) => {
    expect(() => flatline(options)).toThrow(error);
  });

  const accepted: { why: string; options: Record<string, unknown> }[] = [
    { why: 'use_count_query (counting is always in Elasticsearch)', options: { use_count_query: true } },
    { why: 'use_terms_query', options: { use_terms_query: true, terms_size: 50 } },
    { why: 'known_keys_lookback exactly timeframe + run_every', options: { known_keys_lookback: '6m' } },
    { why: 'known_keys_lookback as milliseconds', options: { known_keys_lookback: 7 * DAY } },
  ];
  it.each(accepted)('accepts $why', ({ options }) => {
    expect(() => flatline(options)).not.toThrow();
  });

  it('throws when the counts it planned are missing', () => {
    const rule = flatline();
    expect(() => rule.evaluate(rule.initialState(), [{ id: 'counts', groups: [] }], { startMs: T0 - MIN, endMs: T0 })).toThrow(
      /missing the "seed" counts/,
    );
  });
});

describe('flatline: describeMatch', () => {
  const base = { timestampMs: T0 };
  const rows: { why: string; queryKey: string[] | null; match: RuleMatch; text: string }[] = [
    {
      why: 'a silent key',
      queryKey: ['host.name'],
      match: { ...base, key: 'web-1', body: { count: 0 } },
      text:
        'An abnormally low number of events occurred for host.name = web-1 around 2024-05-01T12:00:00Z.\n' +
        'Between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z there were fewer than 3 events (0 counted).',
    },
    {
      why: 'a compound key',
      queryKey: ['host', 'user'],
      match: { ...base, key: 'h1, alice', body: { count: 2 } },
      text:
        'An abnormally low number of events occurred for host, user = h1, alice around 2024-05-01T12:00:00Z.\n' +
        'Between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z there were fewer than 3 events (2 counted).',
    },
    {
      why: 'without query_key',
      queryKey: null,
      match: { ...base, key: undefined, body: { count: 1 } },
      text:
        'An abnormally low number of events occurred around 2024-05-01T12:00:00Z.\n' +
        'Between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z there were fewer than 3 events (1 counted).',
    },
    {
      why: 'a recovery',
      queryKey: ['host.name'],
      match: { ...base, key: 'web-1', body: { count: 7, recovered: true } },
      text:
        'Events for host.name = web-1 are back to normal around 2024-05-01T12:00:00Z.\n' +
        'Between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z there were 7 events, at least the threshold of 3.',
    },
  ];
  it.each(rows)('$why', ({ queryKey, match, text }) => {
    expect(flatline({}, queryKey).describeMatch(match)).toBe(text);
  });
});

describe('flatline: state', () => {
  it('never changes the state it is given', () => {
    const rule = flatline({ notify_on_recovery: true, forget_keys: true });
    const docs = [d(-HOUR, 'a'), d(-HOUR, 'b'), ...burst(0, 3, 'b')];
    const before = run(rule, docs, [0]).state;
    const snapshot = JSON.stringify(before);
    deepFreeze(before);
    const after = run(rule, [...docs, ...burst(MIN, 3, 'a'), d(30 * SEC, 'c')], [MIN], before);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(after.seen).toEqual([{ at: MIN, key: 'a', count: 3, recovered: true }]);
  });
});
