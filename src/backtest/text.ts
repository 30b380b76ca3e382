import type { BacktestReport, Counts, RenderedAlert, ReportProblem, TestRuleReport } from './report.ts';
import { terminalCell, terminalText } from './safe.ts';

/** Plain-text tables and reports for a terminal. Every value from a rule or a document goes through terminalCell/terminalText. */

export type Align = 'left' | 'right';

/** Columns padded to their widest cell; no trailing spaces. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => ((align[i] ?? 'left') === 'right' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const num = (n: number | null): string => (n === null ? '-' : String(n));

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The extra count columns worth a column: those that are not zero somewhere. */
function extraColumns(totals: Counts): { title: string; pick: (c: Counts) => number | null }[] {
  const all = [
    { title: 'aggregated', pick: (c: Counts) => c.aggregated },
    { title: 'duplicates', pick: (c: Counts) => c.duplicates },
    { title: 'failed', pick: (c: Counts) => c.failed },
  ];
  return all.filter((col) => (col.pick(totals) ?? 0) > 0);
}

/** Lines of alert text shown per alert on a terminal; --formatted-output has all of it. */
export const ALERT_TEXT_LINES = 40;

export function formatAlert(alert: RenderedAlert, n: number): string[] {
  const key = alert.queryKey === null ? '' : `  query_key ${terminalCell(alert.queryKey)}`;
  const to = alert.alerters.length ? `  → ${alert.alerters.map((a) => terminalCell(a, 30)).join(', ')}` : '';
  const text = terminalText(alert.text).trimEnd();
  const lines = text ? text.split('\n').map((l) => `  ${l}`.trimEnd()) : [];
  const shown =
    lines.length > ALERT_TEXT_LINES
      ? [...lines.slice(0, ALERT_TEXT_LINES), `  … ${lines.length - ALERT_TEXT_LINES} more lines (--formatted-output shows all)`]
      : lines;
  return [`── #${n}  ${alert.matchTime}${key}${to}`, `Subject: ${terminalCell(alert.subject, 500)}`, ...shown];
}

function formatWarnings(warnings: readonly ReportProblem[]): string[] {
  if (warnings.length === 0) return [];
  return ['', 'Warnings:', ...warnings.map((w) => `  ${w.count > 1 ? `(${w.count}×) ` : ''}${terminalCell(w.message, 300)}`)];
}

/** `logwarden test-rule` as a person reads it. */
export function formatTestRule(r: TestRuleReport): string {
  const lines: string[] = [];
  const rule = r.rule;
  lines.push(
    `Rule ${JSON.stringify(terminalCell(rule.name, 120))} (${terminalCell(rule.file, 120)}, type ${terminalCell(rule.type, 40)}, index ${terminalCell(rule.index, 80)})${rule.enabled ? '' : ' — is_enabled: false, tested anyway'}`,
  );
  const from = r.source === 'data' ? 'documents from --data, filters not applied' : 'Elasticsearch';
  lines.push(`Range ${r.range.start} → ${r.range.end}, ${plural(r.range.days, 'day')}, ${from}`);
  if (r.countOnly) {
    lines.push('Count only: documents matching the filter per day; the rule was not run.');
  } else {
    lines.push(
      r.delivery === 'captured'
        ? "Alerts were captured, not sent (--alert sends them through the rule's alerters)."
        : "Alerts were SENT through the rule's real alerters (--alert).",
    );
    if (r.writeback) lines.push(`Writeback: ${r.writeback.index}${r.writeback.throwaway ? ' (throwaway, deleted afterwards)' : ' (kept)'}`);
  }
  lines.push('');

  const partial = r.days.some((d) => d.partial);
  const label = (d: { day: string; partial: boolean }): string => `${d.day}${d.partial ? '*' : ''}`;
  if (r.countOnly) {
    lines.push(
      ...formatTable(['day', 'hits'], [...r.days.map((d) => [label(d), num(d.hits)]), ['total', num(r.totals.hits)]], ['left', 'right']),
    );
  } else {
    const extra = extraColumns(r.totals);
    const header = ['day', 'hits', 'matches', 'alerts', 'suppressed', ...extra.map((c) => c.title)];
    const cells = (name: string, c: Counts): string[] => [
      name,
      num(c.hits),
      num(c.matches),
      num(c.alerts),
      num(c.suppressed),
      ...extra.map((col) => num(col.pick(c))),
    ];
    lines.push(
      ...formatTable(
        header,
        [...r.days.map((d) => cells(label(d), d)), cells('total', r.totals)],
        header.map((_h, i) => (i === 0 ? 'left' : 'right')),
      ),
    );
  }
  if (partial) lines.push('* part of a day: the range starts or ends inside it');

  if (r.error) {
    lines.push('', `Run failed${r.error.day ? ` on ${r.error.day}` : ''}: ${terminalCell(r.error.message, 2000)}`);
    if (r.error.day) lines.push('The days after it were not run.');
  }

  if (!r.countOnly && rule.queryKey) {
    lines.push('', `Top query_key values (${terminalCell(rule.queryKey.join(', '), 120)}):`);
    if (r.topQueryKeys.length === 0) lines.push('  (no matches)');
    else
      lines.push(
        ...formatTable(
          ['matches', 'alerts', 'value'],
          r.topQueryKeys.map((k) => [String(k.matches), String(k.alerts), k.value === null ? '(no value)' : terminalCell(k.value)]),
          ['right', 'right', 'left'],
        ).map((l) => `  ${l}`),
      );
  }

  if (!r.countOnly) {
    lines.push('');
    if (r.alerts.total === 0) lines.push('No alerts.');
    else {
      lines.push(
        `First ${r.alerts.first.length} of ${plural(r.alerts.total, 'alert')}, as the alerters ${r.delivery === 'captured' ? 'would have received them' : 'received them'}:`,
      );
      r.alerts.first.forEach((a, i) => lines.push('', ...formatAlert(a, i + 1)));
    }
  }
  lines.push(...formatWarnings(r.warnings));
  lines.push('', `Done in ${formatDuration(r.timing.totalMs)}.`);
  return lines.join('\n');
}

/** "01-02" when the range is within one year, else the full date; "*" marks a partial day. */
export function dayLabels(days: readonly { day: string; partial: boolean }[]): string[] {
  const oneYear = new Set(days.map((d) => d.day.slice(0, 4))).size <= 1;
  return days.map((d) => `${oneYear ? d.day.slice(5) : d.day}${d.partial ? '*' : ''}`);
}

/** The noise table: alerts per rule per day, most alerts first, `!` on rules above the threshold on some day. */
export function formatBacktest(r: BacktestReport): string {
  const lines: string[] = [];
  lines.push(
    `Backtest ${r.range.start} → ${r.range.end} (${plural(r.days.length, 'day')}): ${plural(r.rules.length, 'rule')} run${r.failed.length ? `, ${r.failed.length} failed` : ''}${r.skipped.length ? `, ${r.skipped.length} skipped` : ''}`,
  );
  lines.push(`Alerts per rule per day (captured, nothing sent). ! = more than ${r.noisyAbove} alerts on some day.`);
  lines.push('');
  const labels = dayLabels(r.days);
  const header = ['', 'rule', ...labels, 'total'];
  const rows = r.rules.map((row) => [row.noisy ? '!' : '', terminalCell(row.name, 50), ...row.alertsPerDay.map(String), String(row.total)]);
  if (r.rules.length > 1) rows.push(['', 'all rules', ...r.totals.alertsPerDay.map(String), String(r.totals.alerts)]);
  if (r.rules.length === 0) lines.push('No rule ran.');
  else
    lines.push(
      ...formatTable(
        header,
        rows,
        header.map((_h, i) => (i <= 1 ? 'left' : 'right')),
      ),
    );
  if (r.days.some((d) => d.partial)) lines.push('* part of a day: the range starts or ends inside it');

  const noisy = r.rules.filter((x) => x.noisy);
  if (noisy.length) {
    lines.push(
      '',
      `Noisy (${noisy.length}): ${noisy.map((x) => `${JSON.stringify(terminalCell(x.name, 80))} peaks at ${x.peak}/day`).join('; ')}`,
    );
  }
  if (r.failed.length) {
    lines.push('', `Failed (${r.failed.length}):`);
    for (const f of r.failed)
      lines.push(
        `  ${terminalCell(f.file, 120)}${f.rule !== null ? `: rule ${JSON.stringify(terminalCell(f.rule, 80))}` : ''}${f.day ? ` (on ${f.day})` : ''}: ${terminalCell(f.error, 1000)}`,
      );
  }
  if (r.skipped.length) {
    lines.push('', `Skipped (${r.skipped.length}):`);
    for (const s of r.skipped)
      lines.push(`  ${terminalCell(s.file, 120)}: rule ${JSON.stringify(terminalCell(s.rule, 80))}: ${terminalCell(s.reason, 200)}`);
  }
  lines.push(...formatWarnings(r.warnings));
  lines.push('', `Done in ${formatDuration(r.timing.totalMs)}.`);
  return lines.join('\n');
}
