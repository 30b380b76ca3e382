import type { BacktestReport } from './report.ts';
import { escapeHtml } from './safe.ts';
import { dayLabels, formatDuration } from './text.ts';

/**
 * The backtest as one self-contained HTML file: no scripts, no external assets, a CSP that
 * forbids both, and every rule name, file name and alert text escaped (they come from rule files
 * and log documents, so a reviewer opening the report must not run what they contain).
 */

export interface ChartSeries {
  name: string;
  /** One value per day. */
  values: readonly number[];
  /** Shown as "noisy" in the legend. */
  noisy?: boolean;
}

export interface ChartInput {
  /** Labels of the days, in order. */
  days: readonly string[];
  series: readonly ChartSeries[];
}

/** Colour-blind-safe (Okabe–Ito, then Tableau); the last colour is for "other rules". */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#8C564B', '#17BECF'];
const OTHER_COLOUR = '#9E9E9E';
export const MAX_CHART_SERIES = PALETTE.length;

/** The rules with the most alerts get their own colour; the rest are summed into one "other" series. */
export function chartSeries(
  rows: readonly { name: string; alertsPerDay: readonly number[]; total: number; noisy?: boolean }[],
  days: number,
): ChartSeries[] {
  const withAlerts = rows.filter((r) => r.total > 0);
  const own = withAlerts.slice(0, MAX_CHART_SERIES);
  const rest = withAlerts.slice(MAX_CHART_SERIES);
  const series: ChartSeries[] = own.map((r) => ({ name: r.name, values: [...r.alertsPerDay], noisy: r.noisy ?? false }));
  if (rest.length) {
    series.push({
      name: `${rest.length} other rule${rest.length === 1 ? '' : 's'}`,
      values: Array.from({ length: days }, (_d, i) => rest.reduce((n, r) => n + (r.alertsPerDay[i] ?? 0), 0)),
    });
  }
  return series;
}

/** 1, 2, 5, 10, 20, 50, ... at or above `n` (at least 1), so axis ticks are round numbers. */
export function niceCeiling(n: number): number {
  if (!(n > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * Stacked bars of alerts per day, one colour per series, with both axes labelled and a legend.
 * Every name is escaped here; callers pass raw text.
 */
export function renderChartSvg(input: ChartInput): string {
  const n = input.days.length;
  const left = 56;
  const top = 24;
  const plotH = 240;
  // At least 480 px of plot, so one day is a chart and not a sliver; 18 px per day at most days.
  const band = Math.max(18, Math.floor(Math.max(480, Math.min(720, 64 * n)) / Math.max(1, n)));
  const plotW = band * Math.max(1, n);
  // Bars stay bars: a lone day gets a broad column, not the whole width.
  const barW = Math.min(band * 0.7, 96);
  const legendRowH = 18;
  const legendTop = top + plotH + 56;
  // The legend is as wide as its longest entry (about 7 px per character at 12 px), never cut off.
  const legendW = Math.max(0, ...input.series.map((s) => 18 + 7 * (s.name.length + 14)));
  const width = Math.max(left + plotW + 24, left + legendW + 24);
  const height = legendTop + Math.max(1, input.series.length) * legendRowH + 8;
  const totals = input.days.map((_d, i) => input.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const yMax = niceCeiling(Math.max(0, ...totals));
  const y = (v: number): number => top + plotH - (v / yMax) * plotH;
  // Series past the palette can only be the "other rules" one (chartSeries), hence grey.
  const colour = (i: number): string => PALETTE[i] ?? OTHER_COLOUR;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title" font-family="system-ui, sans-serif" font-size="12">`,
  );
  out.push('<title id="chart-title">Alerts per rule per day (stacked)</title>');
  // Grid and y axis ticks.
  const ticks = 5;
  for (let t = 0; t <= ticks; t++) {
    const v = (yMax / ticks) * t;
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${yy}" y2="${yy}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#333">${fmt(v)}</text>`);
  }
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  // Bars, bottom up in series order; a label every so many days so labels never overlap.
  const labelW = 7 * Math.max(1, ...input.days.map((d) => d.length)) + 8;
  const labelEvery = Math.max(1, Math.ceil(labelW / band));
  input.days.forEach((day, i) => {
    const w = barW;
    const x = left + i * band + (band - w) / 2;
    let base = 0;
    input.series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const y1 = y(base + v);
      const h = y(base) - y1;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(j)}"><title>${escapeHtml(`${s.name} — ${day}: ${v} alert${v === 1 ? '' : 's'}`)}</title></rect>`,
      );
      base += v;
    });
    // The day's total above its bar when there is room: a few days read as numbers, not heights.
    if (base > 0 && band >= 28)
      out.push(`<text x="${(x + w / 2).toFixed(1)}" y="${(y(base) - 4).toFixed(1)}" text-anchor="middle" fill="#333">${base}</text>`);
    if (i % labelEvery === 0) {
      out.push(
        `<text x="${(left + i * band + band / 2).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" fill="#333">${escapeHtml(day)}</text>`,
      );
    }
  });
  // Axis titles.
  out.push(
    `<text x="14" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})" fill="#111">alerts</text>`,
  );
  out.push(`<text x="${left + plotW / 2}" y="${top + plotH + 38}" text-anchor="middle" fill="#111">day (UTC)</text>`);
  if (input.series.length === 0) {
    out.push(`<text x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle" fill="#666">no alerts in the range</text>`);
  }
  // Legend, one row per series, top of the stack last so it reads like the bars.
  input.series.forEach((s, j) => {
    const yy = legendTop + j * legendRowH;
    out.push(`<rect x="${left}" y="${yy}" width="12" height="12" fill="${colour(j)}"/>`);
    const total = s.values.reduce((a, b) => a + b, 0);
    out.push(
      `<text x="${left + 18}" y="${yy + 10}" fill="#111">${escapeHtml(s.name)} (${total})${s.noisy ? ' <tspan fill="#B00020" font-weight="bold">noisy</tspan>' : ''}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;color:#111;margin:24px;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}h3{font-size:14px;margin:16px 0 4px}
table{border-collapse:collapse}th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}tr.noisy td{background:#fde2e1;font-weight:600}
tr.sum td{border-top:2px solid #999;font-weight:600}
pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;word-break:break-word;max-height:320px;overflow:auto}
.scroll{overflow-x:auto}.muted{color:#666}.file{font-family:ui-monospace,monospace;font-size:12px;color:#555}
`;

/** The whole report page. */
export function renderBacktestHtml(r: BacktestReport): string {
  const labels = dayLabels(r.days);
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push('<!doctype html>');
  parts.push('<html lang="en"><head><meta charset="utf-8">');
  // No script, no external fetch: the page can only show itself.
  parts.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  parts.push(`<title>LogWarden backtest ${e(r.range.start)} – ${e(r.range.end)}</title>`);
  parts.push(`<style>${STYLE}</style></head><body>`);
  parts.push('<h1>LogWarden backtest</h1>');
  parts.push(
    `<p>${e(r.range.start)} → ${e(r.range.end)} (${r.days.length} day${r.days.length === 1 ? '' : 's'}, UTC). ${r.rules.length} rule${r.rules.length === 1 ? '' : 's'} run, ${r.failed.length} failed, ${r.skipped.length} skipped. Alerts were captured, nothing was sent. Rules marked noisy have more than ${r.noisyAbove} alerts on at least one day.</p>`,
  );
  parts.push('<h2>Alerts per rule per day</h2>');
  parts.push(renderChartSvg({ days: labels, series: chartSeries(r.rules, r.days.length) }));

  parts.push('<h2>Noise table</h2>');
  if (r.rules.length === 0) parts.push('<p class="muted">No rule ran.</p>');
  else {
    parts.push(
      '<div class="scroll"><table><thead><tr><th>noisy</th><th>rule</th>' +
        labels.map((l) => `<th>${e(l)}</th>`).join('') +
        '<th>total</th><th>peak/day</th><th>matches</th><th>suppressed</th></tr></thead><tbody>',
    );
    for (const row of r.rules) {
      parts.push(
        `<tr${row.noisy ? ' class="noisy"' : ''}><td>${row.noisy ? '!' : ''}</td><td>${e(row.name)}<br><span class="file">${e(row.file)}</span></td>` +
          row.alertsPerDay.map((v) => `<td>${v}</td>`).join('') +
          `<td>${row.total}</td><td>${row.peak}</td><td>${row.matches}</td><td>${row.suppressed}</td></tr>`,
      );
    }
    parts.push(
      `<tr class="sum"><td></td><td>all rules</td>${r.totals.alertsPerDay.map((v) => `<td>${v}</td>`).join('')}<td>${r.totals.alerts}</td><td></td><td></td><td></td></tr>`,
    );
    parts.push('</tbody></table></div>');
    if (r.days.some((d) => d.partial)) parts.push('<p class="muted">* part of a day: the range starts or ends inside it.</p>');
  }

  if (r.failed.length) {
    parts.push('<h2>Failed</h2><ul>');
    for (const f of r.failed)
      parts.push(
        `<li><span class="file">${e(f.file)}</span>${f.rule !== null ? ` rule <b>${e(f.rule)}</b>` : ''}${f.day ? ` (on ${e(f.day)})` : ''}: ${e(f.error)}</li>`,
      );
    parts.push('</ul>');
  }
  if (r.skipped.length) {
    parts.push('<h2>Skipped</h2><ul>');
    for (const s of r.skipped) parts.push(`<li><span class="file">${e(s.file)}</span> rule <b>${e(s.rule)}</b>: ${e(s.reason)}</li>`);
    parts.push('</ul>');
  }

  const withAlerts = r.rules.filter((row) => row.firstAlerts.length > 0);
  if (withAlerts.length) {
    parts.push(
      '<h2>First alerts per rule</h2><p class="muted">Subject and text as the alerters would have received them (plain text).</p>',
    );
    for (const row of withAlerts) {
      parts.push(`<h3>${e(row.name)} <span class="muted">(${row.total} alert${row.total === 1 ? '' : 's'})</span></h3>`);
      for (const a of row.firstAlerts) {
        const key = a.queryKey === null ? '' : ` · query_key ${e(a.queryKey)}`;
        parts.push(
          `<div class="muted">${e(a.matchTime)}${key} · to ${e(a.alerters.join(', '))}</div><pre>${e(`Subject: ${a.subject}\n\n${a.text}`)}</pre>`,
        );
      }
    }
  }
  if (r.warnings.length) {
    parts.push('<h2>Warnings</h2><ul>');
    for (const w of r.warnings) parts.push(`<li>${w.count > 1 ? `(${w.count}×) ` : ''}${e(w.message)}</li>`);
    parts.push('</ul>');
  }
  parts.push(
    `<p class="muted">Writeback: ${e(r.writeback.index)}${r.writeback.throwaway ? ' (throwaway, deleted)' : ''}. Done in ${e(formatDuration(r.timing.totalMs))}.</p>`,
  );
  parts.push('</body></html>');
  return `${parts.join('\n')}\n`;
}
