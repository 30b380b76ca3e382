import { describe, expect, it } from '@jest/globals';
import { formatEsTimestamp, lookupField, pyRepr, pyStr, pyTruthy, queryKeyValue, setField } from '../../../src/pycompat/index.ts';
import { documentBody, durationOptionMs, matchFields } from '../../../src/ruletypes/rule-type.ts';
import { ev, makeRule, MIN, T0 } from '../ruletypes/fixtures.ts';

describe('lookupField (ElastAlert2 lookup_es_key)', () => {
  const rows: { why: string; doc: Record<string, unknown>; term: string; value: unknown }[] = [
    { why: 'top-level field', doc: { a: 1 }, term: 'a', value: 1 },
    { why: 'nested object by dotted path', doc: { source: { ip: '1.2.3.4' } }, term: 'source.ip', value: '1.2.3.4' },
    { why: 'a literal key containing dots wins', doc: { 'source.ip': 'flat', source: { ip: 'nested' } }, term: 'source.ip', value: 'flat' },
    { why: 'dotted key one level down', doc: { a: { 'b.c': 2 } }, term: 'a.b.c', value: 2 },
    { why: 'dotted key then nesting', doc: { 'a.b': { c: 3 } }, term: 'a.b.c', value: 3 },
    { why: '.keyword suffix is ignored', doc: { user: 'bob' }, term: 'user.keyword', value: 'bob' },
    { why: '.keyword on a nested path', doc: { user: { name: 'bob' } }, term: 'user.name.keyword', value: 'bob' },
    { why: 'list index at the end', doc: { tags: ['x', 'y'] }, term: 'tags[1]', value: 'y' },
    { why: 'list index out of range is missing', doc: { tags: ['x'] }, term: 'tags[3]', value: undefined },
    { why: 'ElastAlert2 cannot continue after an index either', doc: { a: [{ b: 1 }] }, term: 'a[0].b', value: undefined },
    { why: 'missing field', doc: { a: 1 }, term: 'b', value: undefined },
    { why: 'null counts as missing', doc: { a: null }, term: 'a', value: undefined },
    { why: 'walking into a string finds nothing', doc: { a: 'hello' }, term: 'a.ell', value: undefined },
    { why: 'a whole object can be looked up', doc: { a: { b: 1 } }, term: 'a', value: { b: 1 } },
    { why: 'falsy values are values', doc: { a: { b: 0 } }, term: 'a.b', value: 0 },
    { why: 'prototype names are not fields', doc: {}, term: 'constructor', value: undefined },
  ];
  it.each(rows)('$why', ({ doc, term, value }) => {
    expect(lookupField(doc, term)).toEqual(value);
  });

  it('setField writes where lookupField reads, and only there', () => {
    const doc: Record<string, unknown> = { 'a.b': { c: 1 } };
    expect(setField(doc, 'a.b.c', 2)).toBe(true);
    expect(doc).toEqual({ 'a.b': { c: 2 } });
    expect(setField(doc, 'x.y', 1)).toBe(false);
  });
});

describe('Python value rendering', () => {
  const rows: { why: string; value: unknown; str: string; repr?: string }[] = [
    { why: 'strings as they are', value: 'a b', str: 'a b', repr: "'a b'" },
    { why: 'repr prefers double quotes around a single quote', value: "it's", str: "it's", repr: '"it\'s"' },
    { why: 'booleans', value: true, str: 'True' },
    { why: 'null', value: null, str: 'None' },
    { why: 'whole numbers as ints', value: 42, str: '42' },
    { why: 'fractions', value: 1.5, str: '1.5' },
    { why: 'tiny floats in Python exponent form', value: 0.00001, str: '1e-05' },
    { why: 'lists with repr items', value: ['a', 1, null, false], str: "['a', 1, None, False]" },
    { why: 'dicts with repr keys and values', value: { k: 'v', n: [1] }, str: "{'k': 'v', 'n': [1]}" },
  ];
  it.each(rows)('$why', ({ value, str, repr }) => {
    expect(pyStr(value)).toBe(str);
    if (repr !== undefined) expect(pyRepr(value)).toBe(repr);
  });

  const truthy: [unknown, boolean][] = [
    [0, false],
    ['', false],
    [[], false],
    [{}, false],
    [null, false],
    ['false', true],
    [1, true],
    [[0], true],
  ];
  it.each(truthy)('pyTruthy(%j) is %s', (value, expected) => {
    expect(pyTruthy(value)).toBe(expected);
  });
});

describe('queryKeyValue (the query_key value ElastAlert2 forms)', () => {
  const rows: { why: string; doc: Record<string, unknown>; fields: string[]; key: string | undefined }[] = [
    { why: 'one field: its value as text', doc: { user: 'bob' }, fields: ['user'], key: 'bob' },
    { why: 'one numeric field', doc: { port: 22 }, fields: ['port'], key: '22' },
    { why: 'one missing field: no key (ElastAlert2 None)', doc: {}, fields: ['user'], key: undefined },
    { why: 'compound: values joined with ", "', doc: { host: 'h1', user: { name: 'bob' } }, fields: ['host', 'user.name'], key: 'h1, bob' },
    { why: 'compound with a missing part: "None" in its place', doc: { host: 'h1' }, fields: ['host', 'user'], key: 'h1, None' },
    { why: 'a list value is shown as Python shows it', doc: { tags: ['a', 'b'] }, fields: ['tags'], key: "['a', 'b']" },
  ];
  it.each(rows)('$why', ({ doc, fields, key }) => {
    expect(queryKeyValue(doc, fields)).toBe(key);
  });
});

describe('shared rule-type helpers', () => {
  const durations: { why: string; value: unknown; ms?: number; error?: RegExp }[] = [
    { why: 'milliseconds as a number', value: 90_000, ms: 90_000 },
    { why: 'ElastAlert2 mapping', value: { minutes: 5 }, ms: 5 * MIN },
    { why: 'text', value: '1h', ms: 60 * MIN },
    { why: 'negative number', value: -1, error: /expected a duration >= 0/ },
    { why: 'nonsense', value: 'soon', error: /expected a duration/ },
  ];
  it.each(durations)('durationOptionMs: $why', ({ value, ms, error }) => {
    const rule = makeRule({}, { timeframe: value });
    if (error) expect(() => durationOptionMs(rule, 'timeframe')).toThrow(error);
    else expect(durationOptionMs(rule, 'timeframe')).toBe(ms);
  });

  const stamps: [number, string][] = [
    [T0, '2024-05-01T12:00:00Z'],
    [T0 + 123, '2024-05-01T12:00:00.123Z'],
  ];
  it.each(stamps)('formatEsTimestamp(%d) drops zero milliseconds like ElastAlert2: %s', (ms, text) => {
    expect(formatEsTimestamp(ms)).toBe(text);
  });

  it('documentBody rewrites a nested timestamp field in place', () => {
    const rule = makeRule({ timestampField: 'event.created' });
    const e = { ...ev(0), source: { event: { created: 1714564800 } } };
    expect(documentBody(rule, e)).toEqual({ event: { created: '2024-05-01T12:00:00Z' }, _id: e.id, _index: 'logs-1' });
  });

  it('matchFields adds related_events only when there are related documents', () => {
    expect(matchFields({ timestampMs: 0, key: undefined, body: { a: 1 } })).toEqual({ a: 1 });
    expect(matchFields({ timestampMs: 0, key: undefined, body: { a: 1 }, related: [] })).toEqual({ a: 1, related_events: [] });
  });
});
