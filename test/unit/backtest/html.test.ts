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
  const svg = renderChartSvg({
    days: ['01-01', '01-02', '01-03'],
    series: [
      { name: 'a', values: [3, 0, 1] },
      { name: HOSTILE, values: [2, 2, 0] },
    ],
  });

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
    range: { startMs: START, endMs: END },
    days: DAYS,
    noisyAbove: 20,
    writeback: { index: 'wb', throwaway: true },
    results: [
      {
        rule: fakeRule(HOSTILE),
        days: records([25, 0, 1]),
        alerts: [alert(HOSTILE, 1, { subject: HOSTILE, text: `user ${HOSTILE}`, queryKey: HOSTILE })],
        error: undefined,
        ms: 1,
      },
      { rule: fakeRule('quiet'), days: records([0, 0, 1]), alerts: [], error: undefined, ms: 1 },
    ],
    loadFailures: [{ file: `rules/${HOSTILE}.yaml`, rule: HOSTILE, error: HOSTILE, day: null }],
    skipped: [],
    warnings: [{ message: HOSTILE, count: 2 }],
    totalMs: 10,
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

describe('renderChartSvg readable at one day and at thirty', () => {
  const widthOf = (svg: string): number => Number(/width="(\d+)"/.exec(svg)?.[1]);
  const bars = (svg: string): { x: number; w: number }[] =>
    [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#(?!fff)/g)].map((m) => ({
      x: Number(m[1]),
      w: Number(m[2]),
    }));

  it('one day: a broad bar with its total, and a legend as wide as its longest name', () => {
    const name = 'SSH login from a new address for the user';
    const svg = renderChartSvg({
      days: ['12-07*'],
      series: [
        { name, values: [14] },
        { name: 'Root login', values: [7] },
      ],
    });
    const [first] = bars(svg).filter((b) => b.w > 12);
    expect(first?.w).toBeGreaterThanOrEqual(60);
    // Legend text starts at left + 18 and is about 7 px per character.
    expect(widthOf(svg)).toBeGreaterThanOrEqual(56 + 18 + 7 * `${name} (14)`.length);
    expect(svg).toContain(`>${name} (14)<`);
    expect(svg).toMatch(/>21<\/text>/);
  });

  it('thirty days: every day a bar, labels spaced so they do not overlap', () => {
    const days = Array.from({ length: 30 }, (_v, i) => `12-${String(i + 1).padStart(2, '0')}`);
    const svg = renderChartSvg({ days, series: [{ name: 'a', values: days.map((_d, i) => i % 5) }] });
    expect(bars(svg).filter((b) => b.w > 12)).toHaveLength(24);
    const labelXs = [...svg.matchAll(/<text x="([\d.]+)" y="\d+" text-anchor="middle" fill="#333">12-\d\d</g)].map((m) => Number(m[1]));
    expect(labelXs.length).toBeGreaterThan(5);
    const gaps = labelXs.slice(1).map((x, i) => x - (labelXs[i] ?? 0));
    // "12-01" is 5 characters of about 7 px.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5 * 7);
  });
});
