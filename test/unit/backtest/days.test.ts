import { describe, expect, it } from '@jest/globals';
import { DAY_MS, resolveRange, splitDays, UsageError } from '../../../src/backtest/days.ts';

const T = (s: string): number => Date.parse(s);

describe('splitDays', () => {
  it('gives one whole window per UTC day for a day-aligned range', () => {
    const days = splitDays(T('2026-01-01T00:00:00Z'), T('2026-01-04T00:00:00Z'));
    expect(days.map((d) => d.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(days.every((d) => !d.partial && d.endMs - d.startMs === DAY_MS)).toBe(true);
    // Consecutive: each starts where the previous ended, so no event is counted twice or lost.
    for (let i = 1; i < days.length; i++) expect(days[i]?.startMs).toBe(days[i - 1]?.endMs);
  });

  it('cuts a range that is not aligned at midnights, marking the partial ends', () => {
    const days = splitDays(T('2026-01-01T18:00:00Z'), T('2026-01-03T06:30:00Z'));
    expect(days.map((d) => [d.day, d.partial])).toEqual([
      ['2026-01-01', true],
      ['2026-01-02', false],
      ['2026-01-03', true],
    ]);
    expect(days[0]?.startMs).toBe(T('2026-01-01T18:00:00Z'));
    expect(days[0]?.endMs).toBe(T('2026-01-02T00:00:00Z'));
    expect(days[2]?.endMs).toBe(T('2026-01-03T06:30:00Z'));
  });

  it('gives a single partial window inside one day, and nothing for an empty range', () => {
    expect(splitDays(T('2026-01-01T10:00:00Z'), T('2026-01-01T11:00:00Z'))).toEqual([
      { day: '2026-01-01', startMs: T('2026-01-01T10:00:00Z'), endMs: T('2026-01-01T11:00:00Z'), partial: true },
    ]);
    expect(splitDays(5, 5)).toEqual([]);
  });

  it('refuses a non-finite range instead of looping', () => {
    expect(() => splitDays(0, Number.POSITIVE_INFINITY)).toThrow(UsageError);
  });
});

describe('resolveRange', () => {
  const now = T('2026-03-10T12:00:00Z');

  it('defaults to the given number of days back from now', () => {
    expect(resolveRange({}, now, 7)).toEqual({ startMs: now - 7 * DAY_MS, endMs: now });
    expect(resolveRange({ days: 2 }, now, 7)).toEqual({ startMs: now - 2 * DAY_MS, endMs: now });
  });

  it('--start wins over --days; --end is the anchor; NOW is accepted as ElastAlert2 spells it', () => {
    expect(resolveRange({ start: '2026-01-01', end: '2026-01-04', days: 9 }, now, 1)).toEqual({
      startMs: T('2026-01-01T00:00:00Z'),
      endMs: T('2026-01-04T00:00:00Z'),
    });
    expect(resolveRange({ end: '2026-01-04T00:00:00Z', days: 1 }, now, 7)).toEqual({
      startMs: T('2026-01-03T00:00:00Z'),
      endMs: T('2026-01-04T00:00:00Z'),
    });
    expect(resolveRange({ start: '-2h', end: 'NOW' }, now, 1)).toEqual({ startMs: now - 2 * 3_600_000, endMs: now });
  });

  it("for backtest, defaults to whole UTC days ending at today's midnight", () => {
    const midnight = T('2026-03-10T00:00:00Z');
    expect(resolveRange({}, now, 7, true)).toEqual({ startMs: midnight - 7 * DAY_MS, endMs: midnight });
    expect(splitDays(midnight - 7 * DAY_MS, midnight).every((d) => !d.partial)).toBe(true);
    // An explicit end or start is taken as given.
    expect(resolveRange({ end: 'now', days: 1 }, now, 7, true)).toEqual({ startMs: now - DAY_MS, endMs: now });
    expect(resolveRange({ start: '-2h' }, now, 7, true)).toEqual({ startMs: now - 7_200_000, endMs: now });
  });

  it('reports mistyped flags as usage errors', () => {
    expect(() => resolveRange({ start: 'yesterday-ish' }, now, 1)).toThrow(UsageError);
    expect(() => resolveRange({ start: '2026-01-04', end: '2026-01-01' }, now, 1)).toThrow(/range is empty/);
    expect(() => resolveRange({ days: 0 }, now, 1)).toThrow(/--days/);
  });
});

describe('resolveRange --hours', () => {
  const now = Date.parse('2026-12-07T15:20:00Z');

  it('reaches back N hours from now, today included, even for whole-day backtests', () => {
    expect(resolveRange({ hours: 6 }, now, 7, true)).toEqual({ startMs: now - 6 * 3_600_000, endMs: now });
  });

  it('counts back from --end and refuses to be combined with --days or --start', () => {
    expect(resolveRange({ hours: 2, end: '2026-12-07T10:00:00Z' }, now, 7, true)).toEqual({
      startMs: Date.parse('2026-12-07T08:00:00Z'),
      endMs: Date.parse('2026-12-07T10:00:00Z'),
    });
    expect(() => resolveRange({ hours: 2, days: 1 }, now, 7, true)).toThrow(/give --hours, --days or --start, not several/);
    expect(() => resolveRange({ hours: 2, start: '-3h' }, now, 7, true)).toThrow(UsageError);
  });
});
