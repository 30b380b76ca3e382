import { describe, expect, it } from '@jest/globals';
import { chartSeries, niceCeiling, renderBacktestHtml, renderChartSvg } from '../../../src/backtest/html.ts';
import { buildBacktestReport } from '../../../src/backtest/report.ts';
import { alert, DAYS, END, fakeRule, records, START } from './fixtures.ts';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 49, 51, 999].map(niceCeiling)).toEqual([1, 1, 5, 10, 10, 20, 50, 100, 1000]);
  });
});

describe('chartSeries', () => {
  it('gives the busiest rules their own colour, sums the rest, and leaves out rules without alerts', () => {
    const rows = Array.from({ length: 12 }, (_v, i) => ({ name: `r${i}`, alertsPerDay: [12 - i, 1], total: 13 - i }));
    rows.push({ name: 'silent', alertsPerDay: [0, 0], total: 0 });
    const series = chartSeries(rows, 2);
    expect(series).toHaveLength(10);
    expect(series[0]).toEqual({ name: 'r0', values: [12, 1], noisy: false });
    expect(series[9]).toEqual({ name: '3 other rules', values: [3 + 2 + 1, 3] });
    expect(series.some((s) => s.name === 'silent')).toBe(false);
  });
});

describe('renderChartSvg', () => {
  const svg = renderChartSvg({ days: ['01-01', '01-02', '01-03'], series: [{ name: 'a', values: [3, 0, 1] }, { name: HOSTILE, values: [2, 2, 0] }] });

  it('draws stacked bars (one rect per non-zero value), axes with labels, a legend', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(4);
    expect(svg).toContain('>alerts</text>');
    expect(svg).toContain('>day (UTC)</text>');
    expect(svg).toContain('>01-02</text>');
    // y axis goes to the nice ceiling of the tallest stack (5).
    expect(svg).toContain('>5</text>');
    expect(svg).toContain('>a (4)</text>');
  });

  it('escapes names everywhere they appear', () => {
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; (4)');
  });

  it('says so when there is nothing to draw', () => {
    expect(renderChartSvg({ days: ['01-01'], series: [] })).toContain('no alerts in the range');
  });
});

describe('renderBacktestHtml', () => {
  const report = buildBacktestReport({
    range: { startMs: START, endMs: END }, days: DAYS, noisyAbove: 20, writeback: { index: 'wb', throwaway: true },
    results: [
      { rule: fakeRule(HOSTILE), days: records([25, 0, 1]), alerts: [alert(HOSTILE, 1, { subject: HOSTILE, text: `user ${HOSTILE}`, queryKey: HOSTILE })], error: undefined, ms: 1 },
      { rule: fakeRule('quiet'), days: records([0, 0, 1]), alerts: [], error: undefined, ms: 1 },
    ],
    loadFailures: [{ file: `rules/${HOSTILE}.yaml`, rule: HOSTILE, error: HOSTILE, day: null }], skipped: [], warnings: [{ message: HOSTILE, count: 2 }], totalMs: 10,
  });
  const html = renderBacktestHtml(report);

  it('is one self-contained page: inline SVG, no script, no external reference, a CSP forbidding both', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<img|<link|src=["']?http|href=["']?http|@import/i);
  });

  it('escapes rule names, file names, errors and alert text', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Subject: &lt;script&gt;');
  });

  it('has the noise table with the noisy row marked and the totals row', () => {
    expect(html).toContain('<tr class="noisy">');
    expect(html).toMatch(/\(26\) <tspan fill="#B00020" font-weight="bold">noisy<\/tspan>/);
    expect(html).toContain('<td>all rules</td><td>25</td><td>0</td><td>2</td><td>27</td>');
  });
});
