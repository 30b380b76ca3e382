import { describe, expect, it } from '@jest/globals';
import { ChangeRule, MAX_VALUE_CHARS, type ChangeState } from '../../../src/ruletypes/compare/change.ts';
import { createRuleType } from '../../../src/ruletypes/index.ts';
import type { RuleEvent } from '../../../src/rules/types.ts';
import { ev, makeRule, MIN, T0 } from './fixtures.ts';

const changeRule = (options: Record<string, unknown> = {}, limits = {}): ChangeRule =>
  new ChangeRule(
    makeRule(
      { type: 'change', queryKey: ['user'], bufferTimeMs: 15 * MIN },
      { compare_key: 'country', ignore_null: true, timeframe: undefined, ...options },
    ),
    limits,
  );

/** A document of `user` at T0 + minutes with the given fields. */
const doc = (minutes: number, user: string | undefined, fields: Record<string, unknown>): RuleEvent =>
  ev(minutes * MIN, user, user === undefined ? fields : { user, ...fields });

/** Feeds events one run at a time (as separate addEvents calls) and collects the matches. */
function feed(
  rule: ChangeRule,
  runs: RuleEvent[][],
  state: ChangeState = rule.initialState(),
): { state: ChangeState; matches: { key: string | undefined; minute: number; old: unknown; new: unknown }[] } {
  const out: { key: string | undefined; minute: number; old: unknown; new: unknown }[] = [];
  for (const events of runs) {
    const step = rule.addEvents(state, events, T0);
    state = rule.garbageCollect(step.state, Math.max(T0, ...events.map((e) => e.timestampMs)));
    for (const m of step.matches)
      out.push({ key: m.key, minute: (m.timestampMs - T0) / MIN, old: m.body['old_value'], new: m.body['new_value'] });
  }
  return { state, matches: out };
}

describe('change', () => {
  it('matches when the value changes for the same key, with old and new values as lists', () => {
    const { matches } = feed(changeRule(), [
      [doc(0, 'alice', { country: 'FR' }), doc(1, 'alice', { country: 'FR' }), doc(2, 'alice', { country: 'KP' })],
    ]);
    expect(matches).toEqual([{ key: 'alice', minute: 2, old: ['FR'], new: ['KP'] }]);
  });

  it('the first value of a key is no change, and keys are separate', () => {
    const { matches } = feed(changeRule(), [
      [doc(0, 'alice', { country: 'FR' }), doc(1, 'bob', { country: 'DE' }), doc(2, 'bob', { country: 'DE' })],
    ]);
    expect(matches).toEqual([]);
  });

  it('remembers across runs: the state is what a restart resumes from', () => {
    const rule = changeRule();
    const first = feed(rule, [[doc(0, 'alice', { country: 'FR' })]]);
    // Through JSON, as the state is persisted.
    const restored = JSON.parse(JSON.stringify(first.state)) as ChangeState;
    expect(feed(rule, [[doc(60, 'alice', { country: 'US' })]], restored).matches).toEqual([
      { key: 'alice', minute: 60, old: ['FR'], new: ['US'] },
    ]);
  });

  const nullRows: { why: string; value: unknown; ignoreNull: boolean; matches: number }[] = [
    { why: 'ignore_null skips a missing value and changes nothing', value: undefined, ignoreNull: true, matches: 0 },
    { why: 'ignore_null skips an empty string (ElastAlert2 tests falsiness)', value: '', ignoreNull: true, matches: 0 },
    { why: 'ignore_null skips 0', value: 0, ignoreNull: true, matches: 0 },
    { why: 'ignore_null does not skip false', value: false, ignoreNull: true, matches: 2 },
    { why: 'without ignore_null a missing value is a value: two changes', value: undefined, ignoreNull: false, matches: 2 },
  ];
  it.each(nullRows)('$why', ({ value, ignoreNull, matches }) => {
    const middle = value === undefined ? {} : { country: value };
    const result = feed(changeRule({ ignore_null: ignoreNull }), [
      [doc(0, 'alice', { country: 'FR' }), doc(1, 'alice', middle), doc(2, 'alice', { country: 'FR' })],
    ]);
    expect(result.matches).toHaveLength(matches);
  });

  it('a compound compare_key changes when any of its fields does', () => {
    const rule = changeRule({ compare_key: ['country', 'city'] });
    const { matches } = feed(rule, [
      [
        doc(0, 'a', { country: 'FR', city: 'Paris' }),
        doc(1, 'a', { country: 'FR', city: 'Paris' }),
        doc(2, 'a', { country: 'FR', city: 'Lyon' }),
      ],
    ]);
    expect(matches).toEqual([{ key: 'a', minute: 2, old: ['FR', 'Paris'], new: ['FR', 'Lyon'] }]);
  });

  it('values compare by content: an object with its keys in another order is the same value', () => {
    const rule = changeRule({ compare_key: 'geo' });
    const { matches } = feed(rule, [
      [doc(0, 'a', { geo: { lat: 1, lon: 2 } }), doc(1, 'a', { geo: { lon: 2, lat: 1 } }), doc(2, 'a', { geo: { lon: 2, lat: 3 } })],
    ]);
    expect(matches.map((m) => m.minute)).toEqual([2]);
  });

  it("with timeframe only a change within timeframe of the key's previous document matches", () => {
    const rule = changeRule({ timeframe: 10 * MIN });
    const { matches } = feed(rule, [
      [doc(0, 'alice', { country: 'FR' }), doc(10, 'alice', { country: 'DE' })],
      // 11 minutes after the previous document: no match, but the value is taken.
      [doc(21, 'alice', { country: 'US' }), doc(25, 'alice', { country: 'CA' })],
    ]);
    expect(matches.map((m) => [m.minute, m.new])).toEqual([
      [10, ['DE']],
      [25, ['CA']],
    ]);
  });

  it('with timeframe, keys not seen for timeframe plus buffer_time are forgotten', () => {
    const rule = changeRule({ timeframe: 10 * MIN });
    const step = rule.addEvents(rule.initialState(), [doc(0, 'alice', { country: 'FR' }), doc(20, 'bob', { country: 'DE' })], T0);
    expect(rule.garbageCollect(step.state, T0 + 25 * MIN).keys.map((k) => k.key)).toEqual(['alice', 'bob']);
    expect(rule.garbageCollect(step.state, T0 + 26 * MIN).keys.map((k) => k.key)).toEqual(['bob']);
  });

  it('without timeframe nothing is forgotten by age', () => {
    const rule = changeRule();
    const step = rule.addEvents(rule.initialState(), [doc(0, 'alice', { country: 'FR' })], T0);
    expect(rule.garbageCollect(step.state, T0 + 1e9).keys).toHaveLength(1);
  });

  it('keeps at most maxKeys keys, forgetting the least recently seen', () => {
    const rule = changeRule({}, { maxKeys: 2 });
    const step = rule.addEvents(
      rule.initialState(),
      [doc(0, 'a', { country: 'FR' }), doc(1, 'b', { country: 'FR' }), doc(2, 'a', { country: 'FR' }), doc(3, 'c', { country: 'FR' })],
      T0,
    );
    expect(step.state.keys.map((k) => k.key)).toEqual(['a', 'c']);
    expect(step.state.dropped).toBe(1);
  });

  it("documents without a query_key value share one key, as ElastAlert2's None", () => {
    const { matches } = feed(changeRule(), [[doc(0, undefined, { country: 'FR' }), doc(1, undefined, { country: 'DE' })]]);
    expect(matches).toEqual([{ key: undefined, minute: 1, old: ['FR'], new: ['DE'] }]);
  });

  it('a huge value is cut in the state, never kept whole; changes are still decided on the whole value', () => {
    const rule = changeRule();
    const big = 'x'.repeat(MAX_VALUE_CHARS * 50);
    const { state, matches } = feed(rule, [[doc(0, 'a', { country: big }), doc(1, 'a', { country: `${big}y` })]]);
    expect(matches).toHaveLength(1);
    expect(JSON.stringify(state).length).toBeLessThan(MAX_VALUE_CHARS * 2 + 500);
  });

  it('a rule edit that changes compare_key starts afresh instead of reporting every key as changed', () => {
    const before = changeRule({ compare_key: 'country' });
    const state = before.addEvents(before.initialState(), [doc(0, 'a', { country: 'FR', city: 'Paris' })], T0).state;
    const after = changeRule({ compare_key: 'city' });
    const step = after.addEvents(state, [doc(1, 'a', { country: 'FR', city: 'Paris' }), doc(2, 'a', { country: 'FR', city: 'Lyon' })], T0);
    expect(step.matches.map((m) => m.body['new_value'])).toEqual([['Lyon']]);
    expect(step.state.fields).toEqual(['city']);
  });

  it('the state given in is never changed', () => {
    const rule = changeRule();
    const state = rule.addEvents(rule.initialState(), [doc(0, 'a', { country: 'FR' })], T0).state;
    const copy = structuredClone(state);
    rule.addEvents(state, [doc(1, 'a', { country: 'DE' }), doc(2, 'b', { country: 'DE' })], T0);
    expect(state).toEqual(copy);
  });

  it('refuses what it cannot honour', () => {
    expect(() => createRuleType(makeRule({ type: 'change' }, { compare_key: 'c', ignore_null: true }))).toThrow(
      /query_key is required by type change/,
    );
    expect(() =>
      createRuleType(makeRule({ type: 'change', queryKey: ['u'] }, { compare_key: 'c', ignore_null: true, use_terms_query: true })),
    ).toThrow(/use_terms_query: type change judges each document/);
    expect(() => changeRule().addCounts()).toThrow(/judges documents, not counts/);
    expect(changeRule().describeMatch({ timestampMs: T0, key: undefined, body: {} })).toBe('');
  });
});
