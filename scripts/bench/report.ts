// The pure part of the side-by-side benchmark: medians over rounds, ratios to the floor, the
// Markdown table, requests by endpoint, and the check that both tools sent the same alerts.

/** What one tool cost in one round. */
export interface Measure {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  requests: number;
  mbReceived: number;
  /** Elasticsearch's own query + fetch time over the round (`_nodes/stats` delta). */
  esQueryFetchMs: number;
}

export const MEASURES: readonly { key: keyof Measure; label: string; digits: number }[] = [
  { key: 'wallS', label: 'wall s', digits: 1 },
  { key: 'cpuS', label: 'CPU s', digits: 1 },
  { key: 'peakRssMb', label: 'peak RSS MB', digits: 0 },
  { key: 'requests', label: 'HTTP requests', digits: 0 },
  { key: 'esQueryFetchMs', label: 'ES query+fetch ms', digits: 0 },
  { key: 'mbReceived', label: 'MB received', digits: 1 },
];

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The median of each measure over the rounds. */
export function medianMeasure(rounds: readonly Measure[]): Measure {
  const out = {} as Measure;
  for (const { key } of MEASURES) out[key] = median(rounds.map((r) => r[key]));
  return out;
}

/** 1234567.8 → "1,234,568" with `digits` decimals; NaN → "–". */
export function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** value / floor as "×12" ("×0.50" below 1, "×1.2" below 10); "–" when the floor is 0 or unknown. */
export function formatRatio(value: number, floor: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(floor) || floor <= 0) return '–';
  const r = value / floor;
  if (r < 1) return `×${r.toFixed(2)}`;
  if (r < 10) return `×${r.toFixed(1)}`;
  return `×${formatNumber(r, 0)}`;
}

export interface ToolRow {
  label: string;
  measure: Measure;
}

/**
 * The Markdown table: one row per tool with each measure, and under each tool that is not the
 * floor its ratio to the floor (the last row given is the floor).
 */
export function formatTable(rows: readonly ToolRow[]): string {
  const floor = rows.at(-1)?.measure;
  const head = `| | ${MEASURES.map((m) => m.label).join(' | ')} |`;
  const rule = `|---|${MEASURES.map(() => '---').join('|')}|`;
  const lines = [head, rule];
  for (const row of rows) {
    const cells = MEASURES.map((m) => {
      const v = formatNumber(row.measure[m.key], m.digits);
      return floor && row !== rows.at(-1) ? `${v} (${formatRatio(row.measure[m.key], floor[m.key])})` : v;
    });
    lines.push(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const BULK_ACTIONS = new Set(['index', 'create', 'update', 'delete']);

const parseLine = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    // The last line of a body cut at the proxy's limit.
    return undefined;
  }
};

/**
 * The indices a multi-request body names: `_bulk` action lines, `_mget` docs, `_msearch` headers.
 * Document lines are not read (a status document may hold a field called index).
 */
export function bodyIndices(action: string, body: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (action === '_mget') {
    const parsed = parseLine(body);
    const docs = isObject(parsed) && Array.isArray(parsed['docs']) ? parsed['docs'] : [];
    return docs.flatMap((d: unknown) => (isObject(d) && typeof d['_index'] === 'string' ? [d['_index']] : []));
  }
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  if (action === '_msearch') {
    return lines
      .filter((_l, i) => i % 2 === 0)
      .flatMap((l) => {
        const h = parseLine(l);
        return isObject(h) && typeof h['index'] === 'string' ? [h['index']] : [];
      });
  }
  if (action !== '_bulk') return [];
  return lines.flatMap((l) => {
    const a = parseLine(l);
    const keys = isObject(a) ? Object.keys(a) : [];
    const meta = isObject(a) && keys.length === 1 && BULK_ACTIONS.has(keys[0] as string) ? a[keys[0] as string] : undefined;
    return isObject(meta) && typeof meta['_index'] === 'string' ? [meta['_index']] : [];
  });
}

/**
 * What a request is for, from its method, path and (for `/_bulk`, `/_mget`, `/_msearch`, whose
 * path names no index) the indices its body names: the endpoint, or `writeback` reads/writes.
 */
export function endpointOf(method: string, pathname: string, writebackPrefix: string | undefined, body = ''): string {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  const action = parts.find((p) => p.startsWith('_')) ?? '(document)';
  const target = parts[0] && !parts[0].startsWith('_') ? parts[0] : bodyIndices(action, body).join(',');
  if (writebackPrefix && target.split(',').every((t) => t.startsWith(writebackPrefix)) && target !== '') {
    const read = method === 'GET' || method === 'HEAD' || action === '_search' || action === '_count' || action === '_mget';
    return `writeback ${read ? 'read' : 'write'} ${action}`;
  }
  return action;
}

export interface EndpointCount {
  requests: number;
  bytes: number;
}

/** Requests and MB received by endpoint, largest first, as Markdown lines. */
export function formatEndpoints(byEndpoint: ReadonlyMap<string, EndpointCount>): string {
  const entries = [...byEndpoint].sort((a, b) => b[1].requests - a[1].requests);
  const total = entries.reduce((s, [, c]) => s + c.requests, 0);
  return entries
    .map(
      ([name, c]) =>
        `- ${name}: ${formatNumber(c.requests, 0)} requests (${total ? Math.round((100 * c.requests) / total) : 0}%), ${formatNumber(c.bytes / 1e6, 2)} MB`,
    )
    .join('\n');
}

/** The alerts one tool sent for one rule: how many, and the distinct keys. */
export interface RuleAlerts {
  count: number;
  keys: readonly string[];
}

export interface Disagreement {
  rule: string;
  elastalert2: RuleAlerts;
  logwarden: RuleAlerts;
}

const NONE: RuleAlerts = { count: 0, keys: [] };

/**
 * Per rule, the tools agree when they sent as many alerts for the same set of keys. Match times
 * are not compared: some rule types are evaluated at different instants by design (docs/conformance.md).
 */
export function compareAlerts(
  rules: readonly string[],
  elastalert2: ReadonlyMap<string, RuleAlerts>,
  logwarden: ReadonlyMap<string, RuleAlerts>,
): Disagreement[] {
  const out: Disagreement[] = [];
  const names = [...new Set([...rules, ...elastalert2.keys(), ...logwarden.keys()])].sort();
  for (const rule of names) {
    const a = elastalert2.get(rule) ?? NONE;
    const b = logwarden.get(rule) ?? NONE;
    const sameKeys = a.keys.length === b.keys.length && [...a.keys].sort().every((k, i) => k === [...b.keys].sort()[i]);
    if (a.count !== b.count || !sameKeys) out.push({ rule, elastalert2: a, logwarden: b });
  }
  return out;
}

/** Groups (rule, key) pairs into RuleAlerts per rule. */
export function alertsByRule(alerts: readonly { rule: string; key: string }[]): Map<string, RuleAlerts> {
  const acc = new Map<string, { count: number; keys: Set<string> }>();
  for (const { rule, key } of alerts) {
    const entry = acc.get(rule) ?? { count: 0, keys: new Set<string>() };
    entry.count++;
    entry.keys.add(key);
    acc.set(rule, entry);
  }
  return new Map([...acc].map(([rule, e]) => [rule, { count: e.count, keys: [...e.keys].sort() }]));
}

const shortKeys = (keys: readonly string[]): string =>
  keys.length > 6 ? `${keys.slice(0, 6).join(', ')}, … (${keys.length})` : keys.join(', ');

export function formatAgreement(ruleCount: number, disagreements: readonly Disagreement[]): string {
  const head = `alert agreement: ${ruleCount - disagreements.length} of ${ruleCount} rules sent the same alerts (count and keys)`;
  const lines = disagreements.map(
    (d) =>
      `- ${d.rule}: ElastAlert2 ${d.elastalert2.count} [${shortKeys(d.elastalert2.keys)}], LogWarden ${d.logwarden.count} [${shortKeys(d.logwarden.keys)}]`,
  );
  return [head, ...lines].join('\n');
}
