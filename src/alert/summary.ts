import type { RuleDefinition } from '../rules/types.ts';
import { escapeHtml } from '../escape/index.ts';
import { lookupField, pyStr } from '../pycompat/index.ts';

export type SummaryTableType = 'ascii' | 'markdown' | 'html';

type Fields = Readonly<Record<string, unknown>>;

/** A text table drawn like Python's texttable (borders, header rule "=", a line between rows). */
function asciiTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (ch: string): string => `+${widths.map((w) => ch.repeat(w + 2)).join('+')}+`;
  const row = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line('-'), row(header), line('='), ...rows.flatMap((r) => [row(r), line('-')])].join('\n');
}

/** A summary_table_fields entry: a field name, or {path, header} to title the column. */
function summaryColumn(entry: unknown): { path: string; header: string } {
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const { path, header } = entry as { path?: unknown; header?: unknown };
    return { path: String(path), header: typeof header === 'string' ? header : String(path) };
  }
  return { path: String(entry), header: String(entry) };
}

/**
 * ElastAlert2's aggregation summary: a count of each combination of `summary_table_fields`
 * over the aggregated matches, most frequent first, capped at `summary_table_max_rows`, between
 * `summary_prefix` and `summary_suffix`. `escape` applies to document values (the rule's own
 * prefix and suffix are kept); the html type always entity-escapes cells.
 */
export function summaryTable(rule: RuleDefinition, matches: readonly Fields[], escape: (s: string) => string = (s) => s): string {
  const opts = rule.options;
  const raw = opts.summary_table_fields;
  if (raw === undefined || raw === null) return '';
  const columns = (Array.isArray(raw) ? raw : [raw]).map(summaryColumn);
  const fields = columns.map((c) => c.path);
  const type = (opts.summary_table_type ?? 'ascii') as SummaryTableType;
  const counts = new Map<string, { keys: string[]; count: number }>();
  for (const m of matches) {
    const keys = fields.map((f) => pyStr(lookupField(m, f)));
    const id = JSON.stringify(keys);
    const entry = counts.get(id) ?? { keys, count: 0 };
    entry.count++;
    counts.set(id, entry);
  }
  let rows = [...counts.values()].sort((a, b) => b.count - a.count);
  const maxRows = typeof opts.summary_table_max_rows === 'number' ? opts.summary_table_max_rows : undefined;
  if (maxRows !== undefined) rows = rows.slice(0, maxRows);
  const header = [...columns.map((c) => c.header), 'count'];
  const prefix = typeof opts.summary_prefix === 'string' ? opts.summary_prefix : '';
  let text = prefix ? `${prefix}\n` : '';
  text += `Aggregation resulted in the following data for summary_table_fields ==> ${pyStr(header)}:\n\n`;
  if (type === 'markdown') {
    const md = (s: string): string => escape(s).replace(/\|/g, '\\|');
    text += `| ${header.join(' | ')} |\n${'|-----'.repeat(header.length)}|\n`;
    for (const r of rows) text += `${r.keys.map((k) => `| ${md(k)} `).join('')}| ${r.count} |\n`;
    text += '\n';
  } else if (type === 'html') {
    const cells = (xs: readonly string[], tag: string): string => xs.map((x) => `<${tag}>${escapeHtml(x)}</${tag}>`).join('');
    text += `<table><tr>${cells(header, 'th')}</tr>${rows.map((r) => `<tr>${cells([...r.keys, String(r.count)], 'td')}</tr>`).join('')}</table>\n\n`;
  } else {
    text += `${asciiTable(
      header,
      rows.map((r) => [...r.keys.map(escape), String(r.count)]),
    )}\n\n`;
  }
  if (maxRows !== undefined) text += `Showing top ${maxRows} rows\n`;
  text += typeof opts.summary_suffix === 'string' ? opts.summary_suffix : '';
  return text;
}
