import { describe, expect, it } from '@jest/globals';
import { computeRunWindow, splitRange, type RunWindowInput } from '../../../src/run/window.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = Date.parse('2024-05-01T12:00:00Z');

/** Times in the table are minutes relative to NOW. */
const m = (minutes: number): number => NOW + minutes * MIN;
const base: RunWindowInput = {
  nowMs: NOW,
  queryDelayMs: 0,
  bufferTimeMs: 15 * MIN,
  runEveryMs: MIN,
  oldQueryLimitMs: 7 * DAY,
  needs: 'documents',
  previousEndMs: undefined,
};

describe('computeRunWindow', () => {
  const rows: {
    why: string;
    input: Partial<RunWindowInput>;
    start: number;
    end: number;
    segments: [number, number][];
    expired?: boolean;
  }[] = [
    // Documents: overlap by buffer_time, never leave a gap.
    {
      why: 'scan_entire_timeframe: documents look back the whole timeframe, not buffer_time',
      input: { scanTimeframeMs: 30 * MIN, previousEndMs: m(-1) },
      start: -30,
      end: 0,
      segments: [
        [-30, -15],
        [-15, 0],
      ],
    },
    {
      why: 'scan_entire_timeframe: counts without a previous end look back the whole timeframe',
      input: { needs: 'count', runEveryMs: 15 * MIN, scanTimeframeMs: 30 * MIN },
      start: -30,
      end: 0,
      segments: [
        [-30, -15],
        [-15, 0],
      ],
    },
    {
      why: 'scan_entire_timeframe: counts continue from the previous end (a count cannot be de-duplicated)',
      input: { needs: 'count', scanTimeframeMs: 30 * MIN, previousEndMs: m(-1) },
      start: -1,
      end: 0,
      segments: [[-1, 0]],
    },
    { why: 'documents, first run: the last buffer_time', input: {}, start: -15, end: 0, segments: [[-15, 0]] },
    {
      why: 'documents, continued run: still buffer_time back (late documents), not just since the previous end',
      input: { previousEndMs: m(-1) },
      start: -15,
      end: 0,
      segments: [[-15, 0]],
    },
    {
      why: 'documents, previous end exactly buffer_time back: buffer start',
      input: { previousEndMs: m(-15) },
      start: -15,
      end: 0,
      segments: [[-15, 0]],
    },
    {
      why: 'documents after a 60m outage: from the previous end, in buffer_time pieces',
      input: { previousEndMs: m(-60) },
      start: -60,
      end: 0,
      segments: [
        [-60, -45],
        [-45, -30],
        [-30, -15],
        [-15, 0],
      ],
    },
    {
      why: 'documents after a 50m outage: the last piece is the short one',
      input: { previousEndMs: m(-50) },
      start: -50,
      end: 0,
      segments: [
        [-50, -35],
        [-35, -20],
        [-20, -5],
        [-5, 0],
      ],
    },
    {
      why: 'previous end older than old_query_limit is ignored (first-run default)',
      input: { previousEndMs: m(-8 * 24 * 60) },
      start: -15,
      end: 0,
      segments: [[-15, 0]],
      expired: true,
    },
    {
      why: 'previous end exactly old_query_limit old is ignored too (ElastAlert2 needs now - end < limit)',
      input: { previousEndMs: m(-7 * 24 * 60) },
      start: -15,
      end: 0,
      segments: [[-15, 0]],
      expired: true,
    },
    { why: 'query_delay moves the end back', input: { queryDelayMs: 5 * MIN }, start: -20, end: -5, segments: [[-20, -5]] },
    {
      why: 'query_delay with a recent previous end',
      input: { queryDelayMs: 5 * MIN, previousEndMs: m(-6) },
      start: -20,
      end: -5,
      segments: [[-20, -5]],
    },
    {
      why: 'after a restart (minimum start = previous end) the overlap is not re-read',
      input: { previousEndMs: m(-1), minimumStartMs: m(-1) },
      start: -1,
      end: 0,
      segments: [[-1, 0]],
    },
    {
      why: 'after a restart following an outage: from the previous end',
      input: { previousEndMs: m(-20), minimumStartMs: m(-20) },
      start: -20,
      end: 0,
      segments: [
        [-20, -5],
        [-5, 0],
      ],
    },
    {
      why: 'an expired minimum start is ignored as well',
      input: { minimumStartMs: m(-8 * 24 * 60) },
      start: -15,
      end: 0,
      segments: [[-15, 0]],
      expired: true,
    },
    {
      why: 'a minimum start after the end (clock moved back): nothing to query',
      input: { minimumStartMs: m(1), previousEndMs: m(1) },
      start: 1,
      end: 0,
      segments: [],
    },
    // Counts and terms: strictly after the previous end, no overlap.
    { why: 'count, first run: one run_every', input: { needs: 'count' }, start: -1, end: 0, segments: [[-1, 0]] },
    {
      why: 'count, continued run: from the previous end',
      input: { needs: 'count', previousEndMs: m(-1.5) },
      start: -1.5,
      end: 0,
      segments: [
        [-1.5, -0.5],
        [-0.5, 0],
      ],
    },
    {
      why: 'count after a 5m outage: run_every pieces',
      input: { needs: 'count', previousEndMs: m(-5) },
      start: -5,
      end: 0,
      segments: [
        [-5, -4],
        [-4, -3],
        [-3, -2],
        [-2, -1],
        [-1, 0],
      ],
    },
    {
      why: 'count, previous end beyond old_query_limit: one run_every',
      input: { needs: 'count', previousEndMs: m(-8 * 24 * 60) },
      start: -1,
      end: 0,
      segments: [[-1, 0]],
      expired: true,
    },
    {
      why: 'count, previous end equal to the end: nothing to query',
      input: { needs: 'count', previousEndMs: m(0) },
      start: 0,
      end: 0,
      segments: [],
    },
    {
      why: 'count with query_delay',
      input: { needs: 'count', queryDelayMs: 2 * MIN, previousEndMs: m(-3) },
      start: -3,
      end: -2,
      segments: [[-3, -2]],
    },
    {
      why: 'terms behave as count',
      input: { needs: 'terms', previousEndMs: m(-2) },
      start: -2,
      end: 0,
      segments: [
        [-2, -1],
        [-1, 0],
      ],
    },
  ];
  it.each(rows)('$why', ({ input, start, end, segments, expired }) => {
    const w = computeRunWindow({ ...base, ...input });
    expect([w.startMs, w.endMs]).toEqual([m(start), m(end)]);
    expect(w.segments).toEqual(segments.map(([s, e]) => ({ startMs: m(s), endMs: m(e) })));
    expect(w.previousEndExpired).toBe(expired ?? false);
  });

  it('a previous end just inside old_query_limit is used: a week in 15m pieces', () => {
    const w = computeRunWindow({ ...base, previousEndMs: NOW - 7 * DAY + 1 });
    expect(w.segments).toHaveLength(672);
    expect(w.segments[0]).toEqual({ startMs: NOW - 7 * DAY + 1, endMs: NOW - 7 * DAY + 1 + 15 * MIN });
    expect(w.segments.at(-1)).toEqual({ startMs: NOW - 15 * MIN + 1, endMs: NOW });
    for (let i = 1; i < w.segments.length; i++) expect(w.segments[i]?.startMs).toBe(w.segments[i - 1]?.endMs);
  });
});

describe('splitRange', () => {
  const rows: { why: string; start: number; end: number; size: number; expected: [number, number][] }[] = [
    { why: 'exactly one piece long: one segment', start: 0, end: 10, size: 10, expected: [[0, 10]] },
    {
      why: 'one ms over: a 1 ms tail',
      start: 0,
      end: 11,
      size: 10,
      expected: [
        [0, 10],
        [10, 11],
      ],
    },
    { why: 'shorter than a piece: one segment', start: 0, end: 3, size: 10, expected: [[0, 3]] },
    { why: 'empty range: none', start: 5, end: 5, size: 10, expected: [] },
    { why: 'reversed range: none', start: 6, end: 5, size: 10, expected: [] },
  ];
  it.each(rows)('$why', ({ start, end, size, expected }) => {
    expect(splitRange(start, end, size)).toEqual(expected.map(([s, e]) => ({ startMs: s, endMs: e })));
  });

  it('refuses a zero segment size instead of looping forever', () => {
    expect(() => splitRange(0, 10, 0)).toThrow(/greater than 0/);
    expect(splitRange(0, 0, 0)).toEqual([]);
  });
});
