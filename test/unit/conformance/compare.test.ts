import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { findCases, generateEvents, loadCase, type AlertKey } from '../../../scripts/conformance/case.ts';
import { formatResults, judgeCase, pairAlerts } from '../../../scripts/conformance/compare.ts';

const CASES = fileURLToPath(new URL('../../conformance/cases/', import.meta.url));
const a = (key: string, time: string): AlertKey => ({ rule: 'r', key, time: new Date(time).toISOString() });
const T = '2024-05-01T12:00:00Z';
const T1 = '2024-05-01T12:01:00Z';

describe('pairing alerts', () => {
  it('pairs by rule, key and time, each alert once', () => {
    expect(pairAlerts([a('x', T), a('x', T)], [a('x', T)], 0)).toEqual({ onlyA: [a('x', T)], onlyB: [] });
    expect(pairAlerts([a('x', T)], [a('y', T)], 0)).toEqual({ onlyA: [a('x', T)], onlyB: [a('y', T)] });
  });

  it('times within the tolerance are the same alert, outside it they are not', () => {
    expect(pairAlerts([a('x', T)], [a('x', T1)], 60_000)).toEqual({ onlyA: [], onlyB: [] });
    expect(pairAlerts([a('x', T)], [a('x', T1)], 59_999).onlyA).toHaveLength(1);
  });
});

describe('judging a case', () => {
  const base = { name: 'c', timeToleranceMs: 0, differences: [] };
  it('same, declared, and different', () => {
    expect(judgeCase(base, [a('x', T)], [a('x', T)]).verdict).toBe('same');
    const declared = {
      ...base,
      differences: [{ why: 'w', onlyElastalert2: [], onlyLogwarden: [{ key: 'x', time: new Date(T1).toISOString() }] }],
    };
    expect(judgeCase(declared, [a('x', T)], [a('x', T), a('x', T1)]).verdict).toBe('declared');
    expect(judgeCase(base, [a('x', T)], [a('x', T), a('x', T1)]).verdict).toBe('DIFFERENT');
  });

  it('a declared difference that did not happen is stale, and fails the case', () => {
    const declared = {
      ...base,
      differences: [{ why: 'w', onlyElastalert2: [{ key: 'x', time: new Date(T).toISOString() }], onlyLogwarden: [] }],
    };
    const result = judgeCase(declared, [a('x', T)], [a('x', T)]);
    expect(result.verdict).toBe('DIFFERENT');
    expect(formatResults([result])).toContain(`declared but did not happen: only_elastalert2 x ${new Date(T).toISOString()}`);
  });
});

describe('the cases in the repository', () => {
  it('every case loads, and its events are in time order inside its range', () => {
    const dirs = findCases(CASES);
    expect(dirs.length).toBeGreaterThanOrEqual(12);
    for (const dir of dirs) {
      const c = loadCase(dir);
      const times = generateEvents(c).map((d) => Date.parse(String(d[c.timestampField])));
      expect(times.length).toBeGreaterThan(0);
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      expect(times.every((t) => t > c.startMs && t <= c.endMs)).toBe(true);
      expect(path.basename(c.ruleFile)).toBe('rule.yaml');
    }
  });

  it('"{i}" numbers the documents of a block', () => {
    const docs = generateEvents({
      startMs: Date.parse(T),
      timestampField: '@timestamp',
      events: [{ atMs: 0, count: 2, everyMs: 1000, doc: { user: 'u{i}', n: { v: ['{i}'] } } }],
    });
    expect(docs).toEqual([
      { '@timestamp': '2024-05-01T12:00:00.000Z', user: 'u0', n: { v: ['0'] } },
      { '@timestamp': '2024-05-01T12:00:01.000Z', user: 'u1', n: { v: ['1'] } },
    ]);
  });

  it('refuses an unknown case name', () => {
    expect(() => findCases(CASES, ['no-such-case'])).toThrow(/no such case: no-such-case/);
  });
});
