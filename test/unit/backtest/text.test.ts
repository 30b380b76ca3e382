import { describe, expect, it } from '@jest/globals';
import { buildBacktestReport, buildTestRuleReport } from '../../../src/backtest/report.ts';
import { ALERT_TEXT_LINES, dayLabels, formatAlert, formatBacktest, formatTable, formatTestRule } from '../../../src/backtest/text.ts';
import { alert, DAYS, END, fakeRule, records, START } from './fixtures.ts';

describe('formatTable', () => {
  it('pads columns to the widest cell, right-aligns numbers, leaves no trailing spaces', () => {
    expect(
      formatTable(
        ['day', 'hits'],
        [
          ['2026-01-01', '5'],
          ['total', '120'],
        ],
        ['left', 'right'],
      ),
    ).toEqual(['day         hits', '2026-01-01     5', 'total        120']);
  });
});

describe('dayLabels', () => {
  it('shortens dates within one year and marks partial days', () => {
    expect(
      dayLabels([
        { day: '2026-01-01', partial: true },
        { day: '2026-01-02', partial: false },
      ]),
    ).toEqual(['01-01*', '01-02']);
    expect(
      dayLabels([
        { day: '2025-12-31', partial: false },
        { day: '2026-01-01', partial: false },
      ]),
    ).toEqual(['2025-12-31', '2026-01-01']);
  });
});

describe('formatTestRule', () => {
  const hostile = 'root\u001b[31m\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007';
  const report = buildTestRuleReport({
    rule: fakeRule('SSH brute force'),
    source: 'elasticsearch',
    countOnly: false,
    delivery: 'captured',
    range: { startMs: START, endMs: END },
    writeback: { index: 'logwarden-test-rule-abcd', throwaway: true },
    days: records([2, 0, 1]),
    alerts: [alert('SSH brute force', 1, { queryKey: hostile, subject: `Brute force by ${hostile}`, text: `user: ${hostile}\n` })],
    keys: new Map([[hostile, { matches: 4, alerts: 1 }]]),
    warnings: [{ message: 'more documents than max_query_size', count: 3 }],
    error: null,
    totalMs: 1500,
  });
  const text = formatTestRule(report);

  it('shows the per-day table with totals', () => {
    expect(text).toContain(
      [
        'day         hits  matches  alerts  suppressed',
        '2026-01-01    20        4       2           2',
        '2026-01-02     0        0       0           0',
        '2026-01-03    10        2       1           1',
        'total         30        6       3           3',
      ].join('\n'),
    );
    expect(text).toContain('Alerts were captured, not sent');
    expect(text).toContain('Writeback: logwarden-test-rule-abcd (throwaway, deleted afterwards)');
    expect(text).toContain('(3×) more documents than max_query_size');
    expect(text).toContain('Done in 1.5 s.');
  });

  it('shows alerts and query_key values from documents without their terminal escapes', () => {
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('Subject: Brute force by root');
    expect(text).toContain('  user: root');
    expect(text).toMatch(/ {7}4 {7}1 {2}root/);
  });

  it('under --count-only shows only hits', () => {
    const counted = formatTestRule(
      buildTestRuleReport({
        rule: fakeRule('x'),
        source: 'elasticsearch',
        countOnly: true,
        delivery: 'captured',
        range: { startMs: START, endMs: END },
        writeback: null,
        days: DAYS.map((window) => ({ window, hits: 7, ms: 1 })),
        alerts: [],
        keys: new Map(),
        warnings: [],
        error: null,
        totalMs: 5,
      }),
    );
    expect(counted).toContain('day         hits\n2026-01-01     7');
    expect(counted).toContain('total         21');
    expect(counted).not.toContain('matches');
  });

  it('says which day failed', () => {
    const failed = formatTestRule({ ...report, error: { day: '2026-01-02', message: 'searching logs-*: bad query' } });
    expect(failed).toContain('Run failed on 2026-01-02: searching logs-*: bad query');
  });
});

describe('formatBacktest', () => {
  it('prints the noise table ranked, with the marker and a total column and row', () => {
    const report = buildBacktestReport({
      range: { startMs: START, endMs: END },
      days: DAYS,
      noisyAbove: 20,
      writeback: { index: 'wb', throwaway: true },
      results: [
        { rule: fakeRule('quiet'), days: records([1, 0, 1]), alerts: [], error: undefined, ms: 1 },
        { rule: fakeRule('evil\u001b[2Jname'), days: records([25, 3, 30]), alerts: [], error: undefined, ms: 1 },
      ],
      loadFailures: [{ file: 'rules/bad.yaml:3', rule: 'bad', error: 'type: unknown', day: null }],
      skipped: [],
      warnings: [],
      totalMs: 10,
    });
    const text = formatBacktest(report);
    expect(text).toContain(
      [
        '   rule       01-01  01-02  01-03  total',
        '!  evilname      25      3     30     58',
        '   quiet          1      0      1      2',
        '   all rules     26      3     31     60',
      ].join('\n'),
    );
    expect(text).toContain('! = more than 20 alerts on some day');
    expect(text).toContain('Failed (1):\n  rules/bad.yaml:3: rule "bad": type: unknown');
    expect(text).not.toContain('\u001b');
  });
});

describe('formatAlert', () => {
  it('cuts very long alert text on a terminal and says how much is left', () => {
    const lines = formatAlert(
      {
        alertId: 'a',
        matchTime: 't',
        queryKey: null,
        alerters: [],
        subject: 's',
        text: Array.from({ length: 100 }, (_v, i) => `line ${i}`).join('\n'),
      },
      1,
    );
    expect(lines).toHaveLength(2 + ALERT_TEXT_LINES + 1);
    expect(lines[lines.length - 1]).toBe(`  … ${100 - ALERT_TEXT_LINES} more lines (--formatted-output shows all)`);
  });
});
