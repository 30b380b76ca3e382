import { describe, expect, it } from '@jest/globals';
import { buildBacktestReport, buildTestRuleReport, topKeys, totalsOf, type KeyTally } from '../../../src/backtest/report.ts';
import { alert, DAYS, END, fakeRule, records, START } from './fixtures.ts';

describe('test-rule report', () => {
  it('has one row per day with hits, matches, alerts and suppressed, and exact totals', () => {
    const keys: KeyTally = new Map([
      ['root', { matches: 5, alerts: 1 }],
      ['admin', { matches: 5, alerts: 2 }],
      [undefined, { matches: 1, alerts: 0 }],
    ]);
    const report = buildTestRuleReport({
      rule: fakeRule('ssh'),
      source: 'elasticsearch',
      countOnly: false,
      delivery: 'captured',
      range: { startMs: START, endMs: END },
      writeback: { index: 'logwarden-test-rule-abcd', throwaway: true },
      days: records([2, 0, 3]),
      alerts: [1, 2, 3, 4, 5].map((n) => alert('ssh', n)),
      keys,
      warnings: [],
      error: null,
      totalMs: 1234.5,
    });
    expect(report.schema).toBe('logwarden.test-rule/1');
    expect(report.days.map((d) => [d.day, d.hits, d.matches, d.alerts, d.suppressed])).toEqual([
      ['2026-01-01', 20, 4, 2, 2],
      ['2026-01-02', 0, 0, 0, 0],
      ['2026-01-03', 30, 6, 3, 3],
    ]);
    expect(report.totals).toMatchObject({
      hits: 50,
      matches: 10,
      alerts: 5,
      suppressed: 5,
      aggregated: 0,
      duplicates: 0,
      failed: 0,
      outcomes: { sent: 5, suppressed_realert: 5 },
    });
    expect(report.days[0]).toMatchObject({ start: '2026-01-01T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', partial: false, ms: 12 });
    // First three alerts only; the total says how many there were.
    expect(report.alerts.total).toBe(5);
    expect(report.alerts.first.map((a) => a.subject)).toEqual(['ssh #1', 'ssh #2', 'ssh #3']);
    expect(report.alerts.first[0]).toEqual({
      alertId: 'ssh-1',
      matchTime: '2026-01-01T00:01:00.000Z',
      queryKey: 'user1',
      alerters: ['stdout'],
      subject: 'ssh #1',
      text: 'body 1\nsecond line\n',
    });
    expect(report.topQueryKeys).toEqual([
      { value: 'admin', matches: 5, alerts: 2 },
      { value: 'root', matches: 5, alerts: 1 },
      { value: null, matches: 1, alerts: 0 },
    ]);
    expect(report.timing.totalMs).toBe(1235);
  });

  it('under --count-only leaves everything but hits null', () => {
    const report = buildTestRuleReport({
      rule: fakeRule('ssh'),
      source: 'elasticsearch',
      countOnly: true,
      delivery: 'captured',
      range: { startMs: START, endMs: END },
      writeback: null,
      days: DAYS.map((window, i) => ({ window, hits: i + 1, ms: 1 })),
      alerts: [],
      keys: new Map(),
      warnings: [],
      error: null,
      totalMs: 1,
    });
    expect(report.totals).toEqual({
      hits: 6,
      matches: null,
      alerts: null,
      suppressed: null,
      aggregated: null,
      duplicates: null,
      failed: null,
      outcomes: null,
    });
    expect(report.days[1]).toMatchObject({ hits: 2, matches: null, alerts: null });
  });

  it('lists no query_key values for a rule without query_key', () => {
    const report = buildTestRuleReport({
      rule: fakeRule('any', { queryKey: undefined }),
      source: 'data',
      countOnly: false,
      delivery: 'captured',
      range: { startMs: START, endMs: END },
      writeback: null,
      days: [],
      alerts: [],
      keys: new Map([[undefined, { matches: 3, alerts: 1 }]]),
      warnings: [],
      error: null,
      totalMs: 1,
    });
    expect(report.topQueryKeys).toEqual([]);
  });

  it('totals of no rows are zeros', () => {
    expect(totalsOf([])).toMatchObject({ hits: 0, matches: 0, alerts: 0 });
  });

  it('keeps the ten busiest query_key values', () => {
    const tally: KeyTally = new Map(Array.from({ length: 15 }, (_v, i) => [`k${i}`, { matches: i, alerts: 0 }]));
    const top = topKeys(tally);
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ value: 'k14', matches: 14, alerts: 0 });
  });
});

describe('backtest report', () => {
  const input = {
    range: { startMs: START, endMs: END },
    days: DAYS,
    noisyAbove: 20,
    writeback: { index: 'logwarden-backtest-x', throwaway: true },
    results: [
      { rule: fakeRule('quiet'), days: records([1, 0, 1]), alerts: [alert('quiet', 1)], error: undefined, ms: 5 },
      { rule: fakeRule('flood'), days: records([25, 3, 30]), alerts: [1, 2, 3, 4].map((n) => alert('flood', n)), error: undefined, ms: 9 },
      { rule: fakeRule('steady'), days: records([20, 20, 20]), alerts: [], error: undefined, ms: 9 },
      {
        rule: fakeRule('broken'),
        days: records([0]),
        alerts: [],
        error: { day: '2026-01-01', message: 'search_phase_execution_exception: bad query' },
        ms: 1,
      },
    ],
    loadFailures: [{ file: 'rules/bad.yaml:3', rule: 'bad', error: 'num_events: expected an integer', day: null }],
    skipped: [{ file: 'rules/off.yaml', rule: 'off', reason: 'is_enabled: false' }],
    warnings: [],
    totalMs: 100,
  };

  it('ranks rules by total alerts and marks those above the threshold on some day', () => {
    const report = buildBacktestReport(input);
    expect(report.rules.map((r) => [r.name, r.alertsPerDay, r.total, r.peak, r.noisy])).toEqual([
      ['steady', [20, 20, 20], 60, 20, false], // 20 a day is not *above* 20
      ['flood', [25, 3, 30], 58, 30, true],
      ['quiet', [1, 0, 1], 2, 1, false],
    ]);
    expect(report.totals).toEqual({ alerts: 120, alertsPerDay: [46, 23, 51] });
    expect(report.rules.find((r) => r.name === 'flood')?.firstAlerts).toHaveLength(3);
  });

  it('lists failed rules (load problems and failed runs) and skipped ones, not in the table', () => {
    const report = buildBacktestReport(input);
    expect(report.failed).toEqual([
      { file: 'rules/bad.yaml:3', rule: 'bad', error: 'num_events: expected an integer', day: null },
      { file: 'rules/broken.yaml', rule: 'broken', error: 'search_phase_execution_exception: bad query', day: '2026-01-01' },
    ]);
    expect(report.rules.some((r) => r.name === 'broken')).toBe(false);
    expect(report.skipped).toHaveLength(1);
    expect(report.days.map((d) => d.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
  });
});
