import { describe, expect, it } from '@jest/globals';
import type { RuleDefinition, RuleMatch } from '../../../src/rules/types.ts';
import type { EvaluationPoint, KeyCountRequest, KeyCountResult, KeyCounts } from '../../../src/ruletypes/aggregating.ts';
import {
  DEFAULT_MAX_TERMS_PER_ENTRY,
  NewTermRule,
  type NewTermLimits,
  type NewTermState,
  type TermValue,
} from '../../../src/ruletypes/new-term.ts';
import { makeRule, MIN, T0 } from './fixtures.ts';

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Hours after T0. */
const h = (n: number): number => T0 + n * HOUR;

interface Doc {
  at: number;
  fields: Record<string, TermValue>;
}
const doc = (hours: number, fields: Record<string, TermValue> = {}): Doc => ({ at: h(hours), fields });

function newTerm(options: Record<string, unknown>, overrides: Partial<RuleDefinition> = {}, limits?: NewTermLimits): NewTermRule {
  return new NewTermRule(makeRule({ type: 'new_term', ...overrides }, options), limits);
}

/**
 * A stand-in for the run's Elasticsearch counting: groups documents by the requested fields
 * (a ".keyword" name reads the bare field, like a keyword sub-field), per range, start
 * exclusive and end inclusive, every group in composite key order, and with countMissing
 * the documents that lack any of the fields.
 */
function fakeCount(docs: readonly Doc[], req: KeyCountRequest): KeyCountResult {
  const bare = (f: string): string => (f.endsWith('.keyword') ? f.slice(0, -'.keyword'.length) : f);
  const groups = new Map<string, { values: TermValue[]; counts: Record<string, number> }>();
  const missing: Record<string, number> = Object.fromEntries(req.ranges.map((r) => [r.name, 0]));
  for (const d of docs) {
    for (const r of req.ranges) {
      if (!(d.at > r.startMs && d.at <= r.endMs)) continue;
      const values = req.fields.map((f) => d.fields[bare(f)]);
      if (values.some((v) => v === undefined)) {
        missing[r.name] = (missing[r.name] ?? 0) + 1;
        continue;
      }
      const key = JSON.stringify(values);
      const group = groups.get(key) ?? { values: values as TermValue[], counts: Object.fromEntries(req.ranges.map((x) => [x.name, 0])) };
      group.counts[r.name] = (group.counts[r.name] ?? 0) + 1;
      groups.set(key, group);
    }
  }
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  return { id: req.id, groups: sorted, ...(req.countMissing ? { missing } : {}) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Consecutive evaluation points of `size`, the first ending at `firstEndMs`. */
function points(count: number, size = HOUR, firstEndMs = h(1)): EvaluationPoint[] {
  return Array.from({ length: count }, (_, i) => ({ startMs: firstEndMs - size + i * size, endMs: firstEndMs + i * size }));
}

/**
 * Plans, counts and evaluates point after point. The state is frozen before each evaluation
 * (an evaluation that changed it would throw) and goes through JSON between evaluations, as
 * it does when persisted.
 */
function run(rule: NewTermRule, docs: readonly Doc[], at: readonly EvaluationPoint[], initial?: NewTermState) {
  let state = initial ?? rule.initialState();
  const perPoint: RuleMatch[][] = [];
  const plans: KeyCountRequest[][] = [];
  for (const point of at) {
    const requests = rule.plan(state, point);
    plans.push(requests);
    const step = rule.evaluate(
      deepFreeze(state),
      requests.map((r) => fakeCount(docs, r)),
      point,
    );
    state = JSON.parse(JSON.stringify(step.state)) as NewTermState;
    perPoint.push(step.matches);
  }
  return { state, perPoint, plans, keys: perPoint.map((ms) => ms.map((m) => m.key)) };
}

/** As run, with the state after each evaluation. */
function runKeepingStates(rule: NewTermRule, docs: readonly Doc[], at: readonly EvaluationPoint[]) {
  const states: NewTermState[] = [];
  const perPoint: RuleMatch[][] = [];
  let state = rule.initialState();
  for (const point of at) {
    const r = run(rule, docs, [point], state);
    state = r.state;
    states.push(state);
    perPoint.push(...r.perPoint);
  }
  return { states, perPoint };
}

const termCount = (state: NewTermState, entry = 0): number => state.entries[entry]?.seen.reduce((n, g) => n + g.terms.length, 0) ?? 0;

describe('new_term: which values alert (fields: host, evaluations of one hour ending at T0+1h, T0+2h, ...)', () => {
  const rows: { why: string; options?: Record<string, unknown>; docs: Doc[]; evaluations: number; expected: (string | undefined)[][] }[] = [
    {
      why: 'values seen in the baseline never alert',
      docs: [doc(-5, { host: 'a' }), doc(-20 * 24, { host: 'b' }), doc(0.5, { host: 'a' }), doc(0.5, { host: 'b' })],
      evaluations: 1,
      expected: [[]],
    },
    {
      why: 'a value not in the baseline alerts in the evaluation it appears, and not again the next',
      docs: [doc(-5, { host: 'a' }), doc(0.5, { host: 'c' }), doc(1.5, { host: 'c' })],
      evaluations: 2,
      expected: [['c'], []],
    },
    {
      why: 'many documents with one new value are one match',
      docs: [doc(0.2, { host: 'c' }), doc(0.4, { host: 'c' }), doc(0.6, { host: 'c' })],
      evaluations: 1,
      expected: [['c']],
    },
    {
      why: 'two new values in one evaluation are two matches',
      docs: [doc(0.2, { host: 'd' }), doc(0.4, { host: 'c' })],
      evaluations: 1,
      expected: [['c', 'd']],
    },
    {
      why: 'a value appearing later than the first evaluation alerts when it appears',
      docs: [doc(-1, { host: 'a' }), doc(2.5, { host: 'late' })],
      evaluations: 4,
      expected: [[], [], ['late'], []],
    },
    {
      why: 'the baseline reaches back terms_window_size from the evaluation end (2 days: a value 46h before T0 is known)',
      options: { terms_window_size: { days: 2 } },
      docs: [doc(-46, { host: 'a' }), doc(0.5, { host: 'a' })],
      evaluations: 1,
      expected: [[]],
    },
    {
      why: 'the baseline starts exclusive: a value exactly terms_window_size before the evaluation end is new',
      options: { terms_window_size: { days: 2 } },
      docs: [doc(1 - 48, { host: 'a' }), doc(0.5, { host: 'a' })],
      evaluations: 1,
      expected: [['a']],
    },
    {
      why: 'a known value expires when not seen for terms_window_size (3h; last seen at the end of its baseline step, T0-1h)',
      options: { terms_window_size: { hours: 3 }, window_step_size: { hours: 1 } },
      docs: [doc(-1.5, { host: 'a' }), doc(1.5, { host: 'a' })],
      evaluations: 2,
      expected: [[], ['a']],
    },
    {
      why: 'before it expires the value is still known',
      options: { terms_window_size: { hours: 3 }, window_step_size: { hours: 1 } },
      docs: [doc(-1.5, { host: 'a' }), doc(0.5, { host: 'a' })],
      evaluations: 1,
      expected: [[]],
    },
    {
      why: 'a sighting refreshes last-seen: known at T0+3h (2h after the last sighting), refreshed, new again at T0+6h (3h after)',
      options: { terms_window_size: { hours: 3 }, window_step_size: { hours: 1 } },
      docs: [doc(-1.5, { host: 'a' }), doc(0.5, { host: 'a' }), doc(2.5, { host: 'a' }), doc(5.5, { host: 'a' })],
      evaluations: 6,
      expected: [[], [], [], [], [], ['a']],
    },
    {
      why: 'an expired value that alerted again is known again afterwards',
      options: { terms_window_size: { hours: 3 }, window_step_size: { hours: 1 } },
      docs: [doc(-1.5, { host: 'a' }), doc(1.5, { host: 'a' }), doc(2.5, { host: 'a' })],
      evaluations: 3,
      expected: [[], ['a'], []],
    },
    {
      why: 'numbers and booleans are terms (ElastAlert2 skipped 0 and false as missing); keys are Python str()',
      docs: [doc(0.5, { host: 0 }), doc(0.5, { host: false }), doc(0.5, { host: 8080 })],
      evaluations: 1,
      expected: [['0', '8080', 'False']],
    },
    {
      why: 'the text "8080" and the number 8080 are different terms, as in ElastAlert2',
      docs: [doc(-1, { host: '8080' }), doc(0.5, { host: 8080 })],
      evaluations: 1,
      expected: [['8080']],
    },
    {
      why: 'documents without the field neither alert nor count without alert_on_missing_field',
      docs: [doc(0.5, { other: 'x' })],
      evaluations: 1,
      expected: [[]],
    },
  ];
  it.each(rows)('$why', ({ options = {}, docs, evaluations, expected }) => {
    const rule = newTerm({ fields: ['host'], ...options });
    expect(run(rule, docs, points(evaluations)).keys).toEqual(expected);
  });
});

describe('new_term: match body, key and sample', () => {
  it('a single-field match: field and value under the name written, new_field, evaluation end as time and key', () => {
    const rule = newTerm({ fields: 'host' });
    const [[match]] = run(rule, [doc(0.5, { host: 'web-7' })], points(1)).perPoint as [[RuleMatch]];
    expect(match).toEqual({
      timestampMs: h(1),
      key: 'web-7',
      body: { '@timestamp': '2024-05-01T13:00:00Z', host: 'web-7', new_field: 'host' },
      // Field names as written, not host.keyword: the run looks documents up on both.
      sample: { startMs: h(0), endMs: h(1), fields: { host: 'web-7' } },
    });
  });

  it('a composite match: each part under its field, new_field lists the fields (ElastAlert2 tuple), key joins with ", "', () => {
    const rule = newTerm({ fields: [['host', 'port']] });
    const [[match]] = run(rule, [doc(0.5, { host: 'h1', port: 443 })], points(1)).perPoint as [[RuleMatch]];
    expect(match).toEqual({
      timestampMs: h(1),
      key: 'h1, 443',
      body: { '@timestamp': '2024-05-01T13:00:00Z', host: 'h1', port: 443, new_field: ['host', 'port'] },
      sample: { startMs: h(0), endMs: h(1), fields: { host: 'h1', port: 443 } },
    });
  });

  it('the timestamp goes under the rule timestamp_field', () => {
    const rule = newTerm({ fields: 'host' }, { timestampField: 'event.created' });
    const [[match]] = run(rule, [doc(0.5, { host: 'a' })], points(1)).perPoint as [[RuleMatch]];
    expect(match.body['event.created']).toBe('2024-05-01T13:00:00Z');
  });
});

describe('new_term: composite terms and several fields entries', () => {
  it('a composite term is new when the combination is new, even if each part is known', () => {
    const rule = newTerm({ fields: [['host', 'port']] });
    const docs = [
      doc(-3, { host: 'h1', port: 80 }),
      doc(-2, { host: 'h2', port: 443 }),
      doc(0.5, { host: 'h1', port: 80 }), // known combination
      doc(0.5, { host: 'h1', port: 443 }), // both parts known, combination new
      doc(0.5, { host: 'h2' }), // no port: not a term (missing, not alerted without alert_on_missing_field)
    ];
    expect(run(rule, docs, points(1)).keys).toEqual([['h1, 443']]);
  });

  it('each entry of fields is tracked on its own; matches come entry by entry', () => {
    const rule = newTerm({ fields: ['host', 'user', ['host', 'user']] });
    const docs = [doc(-3, { host: 'a', user: 'x' }), doc(0.5, { host: 'a', user: 'y' }), doc(0.5, { host: 'b', user: 'x' })];
    const { perPoint } = run(rule, docs, points(1));
    expect(perPoint[0]?.map((m) => [m.body['new_field'], m.key])).toEqual([
      ['host', 'b'],
      ['user', 'y'],
      [['host', 'user'], 'a, y'],
      [['host', 'user'], 'b, x'],
    ]);
  });

  it('a value known in one entry is still new in another', () => {
    const rule = newTerm({ fields: ['src', 'dst'] });
    const docs = [doc(-3, { src: 'ip1', dst: 'ip2' }), doc(0.5, { src: 'ip2', dst: 'ip2' })];
    expect(run(rule, docs, points(1)).perPoint[0]?.map((m) => m.body['new_field'])).toEqual(['src']);
  });
});

describe('new_term: alert_on_missing_field', () => {
  const rows: {
    why: string;
    fields: unknown;
    alert: boolean;
    docs: Doc[];
    expected: { missing_field: unknown; missing_count: number }[];
  }[] = [
    {
      why: 'documents lacking the field in the new time make one match with their count',
      fields: ['host'],
      alert: true,
      docs: [doc(0.2, { other: 1 }), doc(0.4, { other: 2 }), doc(0.6, { host: 'known' }), doc(-1, { host: 'known' })],
      expected: [{ missing_field: 'host', missing_count: 2 }],
    },
    {
      why: 'documents lacking the field in the baseline make none',
      fields: ['host'],
      alert: true,
      docs: [doc(-1, { other: 1 }), doc(0.5, { host: 'a' }), doc(-2, { host: 'a' })],
      expected: [],
    },
    {
      why: 'a composite entry: a document lacking any part counts; new_field-style list of fields',
      fields: [['host', 'port']],
      alert: true,
      docs: [doc(0.5, { host: 'a' }), doc(0.5, { port: 1 }), doc(0.5, { host: 'a', port: 1 }), doc(-1, { host: 'a', port: 1 })],
      expected: [{ missing_field: ['host', 'port'], missing_count: 2 }],
    },
    {
      why: 'one match per entry that has documents lacking it',
      fields: ['host', 'user', 'port'],
      alert: true,
      docs: [doc(0.5, { host: 'a', port: 1 }), doc(-1, { host: 'a', user: 'u', port: 1 })],
      expected: [{ missing_field: 'user', missing_count: 1 }],
    },
    {
      why: 'without the option: nothing',
      fields: ['host'],
      alert: false,
      docs: [doc(0.5, { other: 1 })],
      expected: [],
    },
  ];
  it.each(rows)('$why', ({ fields, alert, docs, expected }) => {
    const rule = newTerm({ fields, alert_on_missing_field: alert });
    const [matches = []] = run(rule, docs, points(1)).perPoint;
    expect(matches.map((m) => ({ missing_field: m.body['missing_field'], missing_count: m.body['missing_count'] }))).toEqual(expected);
    for (const m of matches) {
      expect(m).toMatchObject({ timestampMs: h(1), key: undefined, body: { '@timestamp': '2024-05-01T13:00:00Z' } });
      expect(m.sample).toBeUndefined();
    }
  });

  it('alerts again in the next evaluation with documents lacking the field', () => {
    const rule = newTerm({ fields: ['host'], alert_on_missing_field: true });
    const docs = [doc(0.5, { other: 1 }), doc(1.5, { other: 1 })];
    expect(run(rule, docs, points(3)).perPoint.map((ms) => ms.length)).toEqual([1, 1, 0]);
  });
});

describe('new_term: plans', () => {
  const first: EvaluationPoint = { startMs: h(0), endMs: h(1) };

  it('first evaluation: the baseline (E - 30d, start] in 1-day steps, then the new time; exact ranges', () => {
    const requests = newTerm({ fields: ['host'] }).plan({ entries: [] }, first);
    expect(requests).toHaveLength(31);
    expect(requests[0]).toEqual({
      id: 'new_term:0:baseline:0',
      fields: ['host.keyword'],
      ranges: [{ name: 'baseline', startMs: h(1) - 30 * DAY, endMs: h(1) - 29 * DAY }],
    });
    expect(requests[29]).toEqual({
      id: 'new_term:0:baseline:29',
      fields: ['host.keyword'],
      ranges: [{ name: 'baseline', startMs: h(1) - DAY, endMs: h(0) }],
    });
    expect(requests[30]).toEqual({ id: 'new_term:0:new', fields: ['host.keyword'], ranges: [{ name: 'new', startMs: h(0), endMs: h(1) }] });
    // The steps tile the baseline: each starts where the previous ended.
    for (let i = 1; i < 30; i++) expect(requests[i]?.ranges[0]?.startMs).toBe(requests[i - 1]?.ranges[0]?.endMs);
  });

  it('firstBaselineMs (backtest --baseline) shortens the first baseline only, never past terms_window_size', () => {
    const short = newTerm({ fields: ['host'] }, {}, { firstBaselineMs: 6 * HOUR }).plan({ entries: [] }, first);
    expect(short).toEqual([
      { id: 'new_term:0:baseline:0', fields: ['host.keyword'], ranges: [{ name: 'baseline', startMs: h(-6), endMs: h(0) }] },
      { id: 'new_term:0:new', fields: ['host.keyword'], ranges: [{ name: 'new', startMs: h(0), endMs: h(1) }] },
    ]);
    const long = newTerm({ fields: ['host'], terms_window_size: { hours: 2 } }, {}, { firstBaselineMs: 30 * DAY }).plan(
      { entries: [] },
      first,
    );
    expect(long[0]?.ranges[0]).toEqual({ name: 'baseline', startMs: h(-1), endMs: h(0) });
  });

  it('later evaluations: only the new time', () => {
    const rule = newTerm({ fields: ['host'] });
    const { plans } = run(rule, [], points(3));
    expect(plans.map((p) => p.length)).toEqual([31, 1, 1]);
    expect(plans[2]).toEqual([{ id: 'new_term:0:new', fields: ['host.keyword'], ranges: [{ name: 'new', startMs: h(2), endMs: h(3) }] }]);
  });

  it('an entry without state gets its baseline on any evaluation (rule edited); state of removed entries goes', () => {
    const rule = newTerm({ fields: ['host', 'user'] });
    const state: NewTermState = {
      entries: [
        { fields: ['host'], seen: [{ lastSeenMs: h(0), terms: [['a']] }], throughMs: h(5), dropped: 0 },
        { fields: ['gone'], seen: [], throughMs: h(5), dropped: 0 },
      ],
    };
    const at = { startMs: h(5), endMs: h(6) };
    const plan = rule.plan(state, at);
    expect(plan.map((r) => r.id)).toEqual([
      'new_term:0:new',
      ...Array.from({ length: 30 }, (_, j) => `new_term:1:baseline:${j}`),
      'new_term:1:new',
    ]);
    const step = rule.evaluate(
      state,
      plan.map((r) => ({ id: r.id, groups: [] })),
      at,
    );
    expect(step.state.entries.map((e) => e.fields)).toEqual([['host'], ['user']]);
  });

  const fieldRows: { why: string; options: Record<string, unknown>; expected: string[][] }[] = [
    { why: 'use_keyword_postfix defaults to true: ".keyword" is appended', options: { fields: ['host'] }, expected: [['host.keyword']] },
    { why: 'use_keyword_postfix false: bare fields', options: { fields: ['host'], use_keyword_postfix: false }, expected: [['host']] },
    { why: 'a field already ending in .keyword is not doubled', options: { fields: ['host.keyword'] }, expected: [['host.keyword']] },
    { why: 'a .raw field is kept (ElastAlert2 would ask for x.raw.keyword)', options: { fields: ['msg.raw'] }, expected: [['msg.raw']] },
    { why: 'each part of a composite term', options: { fields: [['host', 'port']] }, expected: [['host.keyword', 'port.keyword']] },
    { why: 'several entries, in order', options: { fields: ['a', ['b', 'c']], use_keyword_postfix: false }, expected: [['a'], ['b', 'c']] },
    { why: 'query_key when fields is absent', options: {}, expected: [['user.keyword']] },
  ];
  it.each(fieldRows)('fields requested: $why', ({ options, expected }) => {
    const rule = newTerm(options, { queryKey: ['user'] });
    const requests = rule.plan({ entries: [] }, first);
    // Baseline and new time ask for the same fields.
    expect(new Set(requests.map((r) => JSON.stringify(r.fields))).size).toBe(expected.length);
    const fresh = requests.filter((r) => r.id.endsWith(':new'));
    expect(fresh.map((r) => r.fields)).toEqual(expected);
  });

  it('countMissing only with alert_on_missing_field, and only on the new time', () => {
    const withOption = newTerm({ fields: ['host'], alert_on_missing_field: true }).plan({ entries: [] }, first);
    expect(withOption.filter((r) => r.countMissing).map((r) => r.id)).toEqual(['new_term:0:new']);
    const without = newTerm({ fields: ['host'] }).plan({ entries: [] }, first);
    expect(without.some((r) => 'countMissing' in r)).toBe(false);
  });

  const stepRows: {
    why: string;
    options: Record<string, unknown>;
    limits?: NewTermLimits;
    at: EvaluationPoint;
    expected: [number, number][];
  }[] = [
    {
      why: 'window_step_size splits the baseline; the last step ends at the evaluation start',
      options: { terms_window_size: { hours: 5 }, window_step_size: { hours: 2 } },
      at: first,
      expected: [
        [h(-4), h(-2)],
        [h(-2), h(0)],
      ],
    },
    {
      why: 'a step wider than the window: one request',
      options: { terms_window_size: { hours: 5 }, window_step_size: { days: 3 } },
      at: first,
      expected: [[h(-4), h(0)]],
    },
    {
      why: 'an uneven split: a shorter last step',
      options: { terms_window_size: { hours: 4 }, window_step_size: { hours: 2 } },
      at: first,
      expected: [
        [h(-3), h(-1)],
        [h(-1), h(0)],
      ],
    },
    {
      why: 'an evaluation as long as the window: no baseline (everything is new time)',
      options: { terms_window_size: { hours: 2 } },
      at: { startMs: h(-1), endMs: h(1) },
      expected: [],
    },
    {
      why: 'more steps than maxBaselineSteps: wider steps',
      options: { terms_window_size: { hours: 11 }, window_step_size: { minutes: 1 } },
      limits: { maxBaselineSteps: 4 },
      at: first,
      expected: [
        [h(-10), h(-7.5)],
        [h(-7.5), h(-5)],
        [h(-5), h(-2.5)],
        [h(-2.5), h(0)],
      ],
    },
  ];
  it.each(stepRows)('baseline steps: $why', ({ options, limits, at, expected }) => {
    const rule = newTerm({ fields: ['host'], ...options }, {}, limits);
    const baseline = rule.plan({ entries: [] }, at).filter((r) => r.id.includes(':baseline:'));
    expect(baseline.map((r) => [r.ranges[0]?.startMs, r.ranges[0]?.endMs])).toEqual(expected);
  });

  it('1000 baseline steps at most by default', () => {
    const rule = newTerm({ fields: ['host'], window_step_size: { minutes: 1 } });
    expect(rule.plan({ entries: [] }, first).filter((r) => r.id.includes(':baseline:'))).toHaveLength(1000);
  });
});

describe('new_term: scale and cap', () => {
  it('finds 1 new value among 10,000 known ones', () => {
    const rule = newTerm({ fields: ['user'] });
    const known = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const docs = [
      ...known.map((u, i) => doc(-1 - (i % 500), { user: u })),
      ...known.map((u) => doc(0.5, { user: u })),
      doc(0.7, { user: 'needle' }),
    ];
    const { perPoint, state } = run(rule, docs, points(1));
    expect(perPoint[0]?.map((m) => m.key)).toEqual(['needle']);
    expect(termCount(state)).toBe(10_001);
  });

  it('keeps at most maxTermsPerEntry terms, dropping the oldest-seen and counting them', () => {
    const rule = newTerm({ fields: ['v'], terms_window_size: { days: 1 }, window_step_size: { hours: 1 } }, {}, { maxTermsPerEntry: 3 });
    const docs = [
      doc(-4.5, { v: 'v1' }),
      doc(-3.5, { v: 'v2' }),
      doc(-2.5, { v: 'v3' }),
      doc(-1.5, { v: 'v4' }),
      doc(-0.5, { v: 'v5' }),
      doc(1.5, { v: 'v5' }), // known
      doc(1.5, { v: 'v1' }), // forgotten for the cap: alerts again (the price of the bound)
    ];
    const { perPoint, states } = runKeepingStates(rule, docs, points(2));
    // The cap applies to what is kept: within the first evaluation all five baseline terms count.
    expect(states[0]?.entries[0]).toEqual({
      fields: ['v'],
      seen: [
        { lastSeenMs: h(-2), terms: [['v3']] },
        { lastSeenMs: h(-1), terms: [['v4']] },
        { lastSeenMs: h(0), terms: [['v5']] },
      ],
      throughMs: h(1),
      dropped: 2,
    });
    expect(perPoint.map((ms) => ms.map((m) => m.key))).toEqual([[], ['v1']]);
    // v1 and v5 were just seen; of the rest only the newest-seen (v4) fits.
    expect(states[1]?.entries[0]).toEqual({
      fields: ['v'],
      seen: [
        { lastSeenMs: h(-1), terms: [['v4']] },
        { lastSeenMs: h(2), terms: [['v1'], ['v5']] },
      ],
      throughMs: h(2),
      dropped: 3,
    });
  });

  it(`the default cap is ${DEFAULT_MAX_TERMS_PER_ENTRY} terms per entry`, () => {
    const rule = newTerm({ fields: ['v'], window_step_size: { days: 30 } });
    const at = { startMs: h(0), endMs: h(1) };
    const [baseline, fresh] = rule.plan({ entries: [] }, at);
    const groups: KeyCounts[] = Array.from({ length: DEFAULT_MAX_TERMS_PER_ENTRY + 5 }, (_, i) => ({
      values: [i],
      counts: { baseline: 1 },
    }));
    const step = rule.evaluate(
      { entries: [] },
      [
        { id: baseline?.id ?? '', groups },
        { id: fresh?.id ?? '', groups: [] },
      ],
      at,
    );
    expect(termCount(step.state)).toBe(DEFAULT_MAX_TERMS_PER_ENTRY);
    expect(step.state.entries[0]?.dropped).toBe(5);
  });
});

describe('new_term: state', () => {
  it('persisted terms survive a restart: a new instance plans no baseline, and terms that appeared while down alert', () => {
    const options = { fields: ['host'] };
    const docs = [doc(-2, { host: 'a' }), doc(0.5, { host: 'b' }), doc(5.5, { host: 'c' }), doc(6.5, { host: 'a' })];
    const before = run(newTerm(options), docs, points(1));
    expect(before.keys).toEqual([['b']]);
    // Down from T0+1h to T0+7h; the run catches up hour by hour.
    const after = run(newTerm(options), docs, points(6, HOUR, h(2)), before.state);
    expect(after.plans.every((p) => p.length === 1)).toBe(true);
    expect(after.keys).toEqual([[], [], [], [], ['c'], []]);
  });

  it('a gap the run skipped (old_query_limit) is baseline: its terms are learnt, not alerted', () => {
    const rule = newTerm({ fields: ['host'] });
    const docs = [
      doc(-1, { host: 'a' }),
      doc(3, { host: 'gap' }),
      doc(3, { host: 'gap-and-now' }),
      doc(5.5, { host: 'gap-and-now' }),
      doc(5.5, { host: 'fresh' }),
    ];
    const before = run(rule, docs, points(1));
    const after = run(rule, docs, [{ startMs: h(5), endMs: h(6) }], before.state);
    expect(after.plans[0]?.map((r) => [r.id, r.ranges[0]?.startMs, r.ranges[0]?.endMs])).toEqual([
      ['new_term:0:baseline:0', h(1), h(5)],
      ['new_term:0:new', h(5), h(6)],
    ]);
    expect(after.keys).toEqual([['fresh']]);
  });

  it('a state older than terms_window_size gets a full baseline again', () => {
    const rule = newTerm({ fields: ['host'], terms_window_size: { hours: 3 }, window_step_size: { hours: 1 } });
    const docs = [doc(0.5, { host: 'old' }), doc(8.5, { host: 'b' }), doc(10.5, { host: 'b' }), doc(10.5, { host: 'old' })];
    const before = run(rule, docs, points(1));
    expect(before.keys).toEqual([['old']]);
    const after = run(rule, docs, [{ startMs: h(10), endMs: h(11) }], before.state);
    expect(after.plans[0]?.map((r) => [r.ranges[0]?.startMs, r.ranges[0]?.endMs])).toEqual([
      [h(8), h(9)],
      [h(9), h(10)],
      [h(10), h(11)],
    ]);
    // b is in the baseline; old was last seen at T0+1h, more than 3h before: new again.
    expect(after.keys).toEqual([['old']]);
  });

  it('re-evaluating older time (a backfill) plans no baseline and keeps throughMs', () => {
    const rule = newTerm({ fields: ['host'] });
    const { state } = run(rule, [], points(3));
    expect(state.entries[0]?.throughMs).toBe(h(3));
    const again = run(rule, [doc(0.5, { host: 'x' })], points(1), state);
    expect(again.plans[0]?.map((r) => r.id)).toEqual(['new_term:0:new']);
    expect(again.keys).toEqual([['x']]);
    expect(again.state.entries[0]?.throughMs).toBe(h(3));
  });

  it('baseline terms are stored with the end of their step as last-seen time, oldest first', () => {
    const rule = newTerm({ fields: ['host'], terms_window_size: { hours: 4 }, window_step_size: { hours: 1 } });
    const docs = [
      doc(-2.5, { host: 'a' }),
      doc(-0.5, { host: 'b' }),
      doc(-2.2, { host: 'c' }),
      doc(-1.5, { host: 'a' }),
      doc(0.5, { host: 'new' }),
    ];
    expect(run(rule, docs, points(1)).state).toEqual({
      entries: [
        {
          fields: ['host'],
          seen: [
            { lastSeenMs: h(-2), terms: [['c']] },
            { lastSeenMs: h(-1), terms: [['a']] },
            { lastSeenMs: h(0), terms: [['b']] },
            { lastSeenMs: h(1), terms: [['new']] },
          ],
          throughMs: h(1),
          dropped: 0,
        },
      ],
    });
  });

  it('evaluating the same state twice gives the same result (the state given in is not changed)', () => {
    const rule = newTerm({ fields: ['host'] });
    const state: NewTermState = deepFreeze({
      entries: [{ fields: ['host'], seen: [{ lastSeenMs: h(0), terms: [['a']] }], throughMs: h(0), dropped: 0 }],
    });
    const at = { startMs: h(0), endMs: h(1) };
    const results = [
      {
        id: 'new_term:0:new',
        groups: [
          { values: ['a'], counts: { new: 1 } },
          { values: ['b'], counts: { new: 2 } },
        ],
      },
    ];
    const one = rule.evaluate(state, results, at);
    const two = rule.evaluate(state, results, at);
    expect(two).toEqual(one);
    expect(one.matches.map((m) => m.key)).toEqual(['b']);
  });

  it('groups with a zero count in the range are not sightings', () => {
    const rule = newTerm({ fields: ['host'] });
    const state: NewTermState = { entries: [{ fields: ['host'], seen: [], throughMs: h(0), dropped: 0 }] };
    const step = rule.evaluate(state, [{ id: 'new_term:0:new', groups: [{ values: ['a'], counts: { new: 0 } }] }], {
      startMs: h(0),
      endMs: h(1),
    });
    expect(step.matches).toEqual([]);
    expect(termCount(step.state)).toBe(0);
  });

  it('a value named like an object property is just a value', () => {
    const rule = newTerm({ fields: ['host'] });
    const { keys, state } = run(rule, [doc(0.5, { host: '__proto__' }), doc(1.5, { host: '__proto__' })], points(2));
    expect(keys).toEqual([['__proto__'], []]);
    expect(termCount(state)).toBe(1);
  });

  it('results that do not answer the plan are refused', () => {
    const rule = newTerm({ fields: ['host'] });
    const state: NewTermState = { entries: [{ fields: ['host'], seen: [], throughMs: h(0), dropped: 0 }] };
    const at = { startMs: h(0), endMs: h(1) };
    expect(() => rule.evaluate(state, [], at)).toThrow(/new_term got results \[\] for requests \[new_term:0:new\]/);
    expect(() => rule.evaluate(state, [{ id: 'other', groups: [] }], at)).toThrow(/got results \[other\]/);
  });
});

describe('new_term: query_key', () => {
  const rows: {
    why: string;
    options: Record<string, unknown>;
    queryKey: string[];
    docs: Doc[];
    expected: [unknown, string | undefined, Record<string, unknown>][];
  }[] = [
    {
      why: 'without fields, query_key is the field (as ElastAlert2) and the key is its value',
      options: {},
      queryKey: ['user'],
      docs: [doc(0.5, { user: 'bob' })],
      expected: [['user', 'bob', { user: 'bob' }]],
    },
    {
      why: 'a compound query_key without fields is one composite term; the joined value goes under "host,user"',
      options: {},
      queryKey: ['host', 'user'],
      docs: [doc(0.5, { host: 'h1', user: 'bob' })],
      expected: [[['host', 'user'], 'h1, bob', { host: 'h1', user: 'bob', 'host,user': 'h1, bob' }]],
    },
    {
      why: 'a composite term that includes query_key is keyed on the query_key value',
      options: { fields: [['host', 'user']] },
      queryKey: ['user'],
      docs: [doc(0.5, { host: 'h1', user: 'bob' })],
      expected: [[['host', 'user'], 'bob', { host: 'h1', user: 'bob' }]],
    },
    {
      why: 'terms are tracked over all documents, not per query_key value; the key is the new value when the term lacks query_key',
      options: { fields: ['host'] },
      queryKey: ['user'],
      docs: [doc(-1, { host: 'h1', user: 'alice' }), doc(0.5, { host: 'h1', user: 'bob' }), doc(0.5, { host: 'h2', user: 'bob' })],
      expected: [['host', 'h2', { host: 'h2' }]],
    },
  ];
  it.each(rows)('$why', ({ options, queryKey, docs, expected }) => {
    const rule = newTerm(options, { queryKey });
    const [matches = []] = run(rule, docs, points(1)).perPoint;
    expect(matches.map((m) => [m.body['new_field'], m.key, m.body])).toEqual(
      expected.map(([nf, key, fields]) => [nf, key, { '@timestamp': '2024-05-01T13:00:00Z', ...fields, new_field: nf }]),
    );
  });
});

describe('new_term: options', () => {
  const errors: { why: string; options: Record<string, unknown>; queryKey?: string[]; limits?: NewTermLimits; error: RegExp }[] = [
    { why: 'neither fields nor query_key', options: {}, error: /rule "Test rule" \(test\.yaml\): new_term needs fields \(or query_key/ },
    { why: 'an empty fields list (ElastAlert2 refuses it too)', options: { fields: [] }, error: /fields must not be an empty list/ },
    { why: 'an empty field name', options: { fields: '' }, error: /fields: expected a field name, got ""/ },
    {
      why: 'an entry that is neither a name nor a list',
      options: { fields: ['a', 5] },
      error: /fields\[1\]: expected a field name or a list of field names, got 5/,
    },
    { why: 'an empty composite term', options: { fields: [[]] }, error: /fields\[0\]: a composite term needs at least one field/ },
    {
      why: 'a composite part that is not a name',
      options: { fields: [['a', null]] },
      error: /fields\[0\]\[1\]: expected a field name, got null/,
    },
    { why: 'a field twice in one composite term', options: { fields: [['a', 'a']] }, error: /fields\[0\]: field "a" appears twice/ },
    { why: 'the same entry twice', options: { fields: ['a', 'b', 'a'] }, error: /fields lists "a" twice/ },
    {
      why: 'the same composite entry twice',
      options: {
        fields: [
          ['a', 'b'],
          ['a', 'b'],
        ],
      },
      error: /fields lists \["a","b"\] twice/,
    },
    {
      why: 'terms_window_size of 0',
      options: { fields: 'a', terms_window_size: { days: 0 } },
      error: /terms_window_size must be greater than 0/,
    },
    { why: 'window_step_size of 0', options: { fields: 'a', window_step_size: 0 }, error: /window_step_size must be greater than 0/ },
    { why: 'a bad duration', options: { fields: 'a', terms_window_size: '3x' }, error: /terms_window_size: expected a duration/ },
    { why: 'a negative duration', options: { fields: 'a', window_step_size: -5 }, error: /window_step_size: expected a duration >= 0/ },
    {
      why: 'a cap below 1',
      options: { fields: 'a' },
      limits: { maxTermsPerEntry: 0 },
      error: /maxTermsPerEntry: expected an integer >= 1, got 0/,
    },
    {
      why: 'a step limit that is not an integer',
      options: { fields: 'a' },
      limits: { maxBaselineSteps: 1.5 },
      error: /maxBaselineSteps: expected an integer >= 1/,
    },
  ];
  it.each(errors)('refuses $why', ({ options, queryKey, limits, error }) => {
    expect(() => newTerm(options, { queryKey }, limits)).toThrow(error);
  });

  const accepted: { why: string; options: Record<string, unknown> }[] = [
    {
      why: 'use_terms_query and terms_size (every value is counted anyway)',
      options: { fields: ['user'], use_terms_query: true, terms_size: 50 },
    },
    { why: 'durations as text and as milliseconds', options: { fields: 'a', terms_window_size: '7d', window_step_size: 3_600_000 } },
    { why: 'a composite term of one field', options: { fields: [['a']] } },
    { why: 'a field and a composite term containing it', options: { fields: ['a', ['a', 'b']] } },
  ];
  it.each(accepted)('accepts $why', ({ options }) => {
    const rule = newTerm(options, { queryKey: ['user'] });
    expect(rule.needs).toBe('aggregations');
    expect(rule.initialState()).toEqual({ entries: [] });
  });

  it('use_terms_query changes nothing in the plan', () => {
    const at = { startMs: h(0), endMs: h(1) };
    const plain = newTerm({ fields: ['user'] }, { queryKey: ['user'] }).plan({ entries: [] }, at);
    const terms = newTerm({ fields: ['user'], use_terms_query: true, terms_size: 5 }, { queryKey: ['user'] }).plan({ entries: [] }, at);
    expect(terms).toEqual(plain);
  });
});

describe('new_term: describeMatch', () => {
  const rule = newTerm({ fields: ['host'] });
  const at = (body: Record<string, unknown>): RuleMatch => ({ timestampMs: h(1), key: undefined, body });
  const rows: { why: string; body: Record<string, unknown>; expected: string }[] = [
    { why: 'a new value', body: { host: 'web-7', new_field: 'host' }, expected: 'New value of host: web-7 (not seen in the 4w2d before)' },
    {
      why: 'a number, as Python prints it',
      body: { port: 8080, new_field: 'port' },
      expected: 'New value of port: 8080 (not seen in the 4w2d before)',
    },
    {
      why: 'a boolean, as Python prints it',
      body: { ok: true, new_field: 'ok' },
      expected: 'New value of ok: True (not seen in the 4w2d before)',
    },
    {
      why: 'a new combination',
      body: { host: 'h1', port: 443, new_field: ['host', 'port'] },
      expected: 'New combination of host, port: h1, 443 (not seen in the 4w2d before)',
    },
    {
      why: 'documents without a field',
      body: { missing_field: 'host', missing_count: 3 },
      expected: '3 documents without host up to 2024-05-01T13:00:00Z',
    },
    {
      why: 'one document without a composite',
      body: { missing_field: ['host', 'port'], missing_count: 1 },
      expected: '1 document without host, port up to 2024-05-01T13:00:00Z',
    },
    { why: 'a body that is not a new_term match', body: { host: 'x' }, expected: '' },
  ];
  it.each(rows)('$why', ({ body, expected }) => {
    expect(rule.describeMatch(at(body))).toBe(expected);
  });

  it('the window shown is terms_window_size', () => {
    const short = newTerm({ fields: ['host'], terms_window_size: { hours: 6 } });
    expect(short.describeMatch(at({ host: 'a', new_field: 'host' }))).toBe('New value of host: a (not seen in the 6h before)');
  });
});
