import { describe, expect, it } from '@jest/globals';
import { ListRule } from '../../../src/ruletypes/compare/list-rule.ts';
import { createRuleType } from '../../../src/ruletypes/index.ts';
import { ev, makeRule, MIN, T0 } from './fixtures.ts';

const blacklist = (options: Record<string, unknown> = {}): ListRule =>
  new ListRule(
    makeRule({ type: 'blacklist' }, { compare_key: 'user.name', blacklist: ['root', 'admin', '42', 'true'], ...options }),
    'blacklist',
  );
const whitelist = (options: Record<string, unknown> = {}): ListRule =>
  new ListRule(
    makeRule({ type: 'whitelist' }, { compare_key: 'user.name', whitelist: ['alice', 'bob', '7'], ignore_null: true, ...options }),
    'whitelist',
  );

describe('blacklist', () => {
  const rows: { why: string; source: Record<string, unknown>; match: boolean }[] = [
    { why: 'a listed value matches', source: { user: { name: 'root' } }, match: true },
    { why: 'an unlisted value does not', source: { user: { name: 'alice' } }, match: false },
    { why: 'comparison is exact: case matters', source: { user: { name: 'ROOT' } }, match: false },
    { why: 'comparison is exact: no substring', source: { user: { name: 'root2' } }, match: false },
    { why: 'a missing field is on no blacklist', source: {}, match: false },
    { why: 'a null value is on no blacklist', source: { user: { name: null } }, match: false },
    { why: 'a number compares as its text (ElastAlert2 never matches numbers)', source: { user: { name: 42 } }, match: true },
    {
      why: "a boolean compares as the text Elasticsearch indexes (true, not Python's True)",
      source: { user: { name: true } },
      match: true,
    },
    { why: 'a list matches when any element is listed', source: { user: { name: ['alice', 'admin'] } }, match: true },
    { why: 'a list of unlisted values does not', source: { user: { name: ['alice', 'bob'] } }, match: false },
    { why: 'a dotted key is found as ElastAlert2 finds it', source: { 'user.name': 'admin' }, match: true },
  ];
  it.each(rows)('$why', ({ source, match }) => {
    const rule = blacklist();
    const e = ev(MIN, undefined, source);
    const { state, matches } = rule.addEvents(rule.initialState(), [e], T0);
    expect(state).toBeNull();
    expect(matches.length).toBe(match ? 1 : 0);
    if (match) expect(matches[0]?.timestampMs).toBe(T0 + MIN);
  });

  it('the match is the document as ElastAlert2 shows it, keyed by query_key', () => {
    const rule = new ListRule(
      makeRule({ type: 'blacklist', queryKey: ['host'] }, { compare_key: 'user', blacklist: ['root'] }),
      'blacklist',
    );
    const e = ev(0, 'web1', { user: 'root', host: 'web1' });
    expect(rule.addEvents(null, [e], T0).matches).toEqual([
      {
        timestampMs: T0,
        key: 'web1',
        body: { '@timestamp': '2024-05-01T12:00:00Z', user: 'root', host: 'web1', _id: e.id, _index: 'logs-1' },
      },
    ]);
  });

  it('asks the query for the listed values unless filter_by_list is false', () => {
    expect(blacklist().pushDown).toEqual({
      field: 'user.name',
      values: ['root', 'admin', '42', 'true'],
      mode: 'listed',
      requireField: false,
    });
    expect(blacklist({ filter_by_list: false }).pushDown).toBeUndefined();
  });
});

describe('whitelist', () => {
  const rows: { why: string; source: Record<string, unknown>; ignoreNull: boolean; match: boolean }[] = [
    { why: 'a listed value is allowed', source: { user: { name: 'alice' } }, ignoreNull: true, match: false },
    { why: 'an unlisted value matches', source: { user: { name: 'mallory' } }, ignoreNull: true, match: true },
    { why: 'case matters', source: { user: { name: 'Alice' } }, ignoreNull: true, match: true },
    { why: 'ignore_null: a missing field is skipped', source: {}, ignoreNull: true, match: false },
    { why: 'without ignore_null a missing field matches', source: {}, ignoreNull: false, match: true },
    { why: 'without ignore_null a null value matches', source: { user: { name: null } }, ignoreNull: false, match: true },
    { why: 'an empty list is no value', source: { user: { name: [] } }, ignoreNull: true, match: false },
    { why: 'a number compares as its text', source: { user: { name: 7 } }, ignoreNull: true, match: false },
    {
      why: 'a list matches when any element is unlisted (an allowed value cannot hide another)',
      source: { user: { name: ['alice', 'mallory'] } },
      ignoreNull: true,
      match: true,
    },
    { why: 'a list of listed values is allowed', source: { user: { name: ['alice', 'bob'] } }, ignoreNull: true, match: false },
  ];
  it.each(rows)('$why', ({ source, ignoreNull, match }) => {
    const rule = whitelist({ ignore_null: ignoreNull });
    expect(rule.addEvents(null, [ev(0, undefined, source)], T0).matches.length).toBe(match ? 1 : 0);
  });

  it('asks the query to drop all-listed documents, and documents without the field under ignore_null', () => {
    expect(whitelist().pushDown).toEqual({ field: 'user.name', values: ['alice', 'bob', '7'], mode: 'unlisted', requireField: true });
    expect(whitelist({ ignore_null: false }).pushDown?.requireField).toBe(false);
  });
});

describe('blacklist and whitelist options', () => {
  const rows: { why: string; type: 'blacklist' | 'whitelist'; options: Record<string, unknown>; error: RegExp }[] = [
    {
      why: 'compare_key with two fields (ElastAlert2 looks for a field "a,b")',
      type: 'blacklist',
      options: { compare_key: ['a', 'b'], blacklist: ['x'] },
      error: /compare_key: blacklist compares one field.*"a,b"/,
    },
    {
      why: 'an empty compare_key',
      type: 'whitelist',
      options: { compare_key: '', whitelist: ['x'], ignore_null: true },
      error: /compare_key: expected a field name/,
    },
    {
      why: 'a list that is not a list',
      type: 'blacklist',
      options: { compare_key: 'a', blacklist: 'x' },
      error: /blacklist: expected a list/,
    },
    {
      why: 'a !file entry the loader did not read',
      type: 'blacklist',
      options: { compare_key: 'a', blacklist: ['!file /x'] },
      error: /blacklist\[0\]: "!file \/x" was not read/,
    },
    {
      why: 'use_count_query (ElastAlert2 fails every run)',
      type: 'whitelist',
      options: { compare_key: 'a', whitelist: ['x'], ignore_null: true, use_count_query: true },
      error: /use_count_query: type whitelist judges each document/,
    },
  ];
  it.each(rows)('refuses $why', ({ type, options, error }) => {
    expect(() => createRuleType(makeRule({ type }, options))).toThrow(error);
  });

  it('a single-field list is that field', () => {
    const rule = new ListRule(makeRule({ type: 'blacklist' }, { compare_key: ['user'], blacklist: ['root'] }), 'blacklist');
    expect(rule.addEvents(null, [ev(0, undefined, { user: 'root' })], T0).matches).toHaveLength(1);
  });

  it('keeps no state, adds no text and refuses counts', () => {
    const rule = blacklist();
    expect(rule.needs).toBe('documents');
    expect(rule.garbageCollect(null, T0)).toBeNull();
    expect(rule.describeMatch({ timestampMs: T0, key: undefined, body: {} })).toBe('');
    expect(() => rule.addCounts()).toThrow(/judges documents, not counts/);
  });
});
