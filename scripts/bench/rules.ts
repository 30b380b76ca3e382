// The rule mix: the 12 rule types both ElastAlert2 and LogWarden run, cycled, each variant with
// another filter (no filter, or one data centre of 5 hosts), and for each rule the field its
// alerts are keyed by (for the agreement check) and the minimal aggregation that answers the
// rule's question (the floor).
import { normalDownloadsPerHost, type Scale, type Window, MIN } from './data.ts';

export const RULE_TYPES = [
  'any',
  'blacklist',
  'whitelist',
  'change',
  'frequency',
  'spike',
  'flatline',
  'new_term',
  'cardinality',
  'metric_aggregation',
  'percentage_match',
  'spike_aggregation',
] as const;

export interface BenchRule {
  name: string;
  file: string;
  yaml: string;
  /** Fields of a posted alert holding its key, first present wins; none: one key "-". */
  keyFields: readonly string[];
  /** One search of the floor's _msearch: the rule's filter and the aggregation it needs. */
  floor: Record<string, unknown>;
}

type Filter = Record<string, unknown>;

/** Variant 0 reads all hosts; the others one data centre each (dc3 first: most anomalies are there). */
function variantFilter(v: number): Filter[] {
  return v === 0 ? [] : [{ term: { 'host.dc': `dc${(v + 2) % 4}` } }];
}

const range = (w: Window, lookbackMs = 0): Filter => ({
  range: { '@timestamp': { gte: new Date(w.startMs - lookbackMs).toISOString(), lt: new Date(w.endMs).toISOString() } },
});
const perMinute = (aggs?: Record<string, unknown>): Record<string, unknown> => ({
  date_histogram: { field: '@timestamp', fixed_interval: '1m', min_doc_count: 1 },
  ...(aggs ? { aggs } : {}),
});
const perKey = (field: string, aggs: Record<string, unknown>): Record<string, unknown> => ({ terms: { field, size: 2000 }, aggs });

interface TypeSpec {
  body: (scale: Scale) => string[];
  filter: Filter[];
  keyFields: string[];
  /** The aggregation (and any extra query clause, lookback) of the floor. */
  floor: (scale: Scale) => { aggs: Record<string, unknown>; must?: Filter[]; mustNot?: Filter[]; lookbackMs?: number };
}

const RARE = ['nc', 'ncat', 'socat'];
const ALLOWED = ['bash', 'sshd', 'cron', 'systemd', 'nginx'];

const SPECS: Record<(typeof RULE_TYPES)[number], TypeSpec> = {
  any: {
    body: () => ['query_key: host.name', 'realert: {minutes: 0}'],
    filter: [{ terms: { 'process.name': RARE } }],
    keyFields: ['host.name'],
    floor: () => ({ aggs: { k: perKey('host.name', { t: perMinute() }) } }),
  },
  blacklist: {
    body: () => ['compare_key: process.name', `blacklist: [${RARE.join(', ')}]`, 'query_key: host.name', 'realert: {minutes: 0}'],
    filter: [],
    keyFields: ['host.name'],
    floor: () => ({ aggs: { k: perKey('host.name', { t: perMinute() }) }, must: [{ terms: { 'process.name': RARE } }] }),
  },
  whitelist: {
    body: () => [
      'compare_key: process.name',
      `whitelist: [${ALLOWED.join(', ')}]`,
      'ignore_null: true',
      'query_key: host.name',
      'realert: {minutes: 0}',
    ],
    filter: [],
    keyFields: ['host.name'],
    floor: () => ({
      aggs: { k: perKey('host.name', { t: perMinute() }) },
      must: [{ exists: { field: 'process.name' } }],
      mustNot: [{ terms: { 'process.name': ALLOWED } }],
    }),
  },
  change: {
    body: () => ['compare_key: geo.country', 'query_key: user.name', 'ignore_null: true', 'realert: {minutes: 0}'],
    filter: [{ term: { 'event.action': 'login' } }],
    keyFields: ['user.name'],
    floor: () => ({
      aggs: {
        k: perKey('user.name', { c: { terms: { field: 'geo.country', size: 10 }, aggs: { first: { min: { field: '@timestamp' } } } } }),
      },
    }),
  },
  frequency: {
    body: () => ['num_events: 30', 'timeframe: {minutes: 5}', 'query_key: source.ip', 'realert: {minutes: 0}'],
    filter: [{ term: { 'event.outcome': 'failure' } }],
    keyFields: ['source.ip'],
    floor: () => ({ aggs: { k: perKey('source.ip', { t: perMinute() }) } }),
  },
  spike: {
    body: (s) => [
      'spike_height: 3',
      'spike_type: up',
      'timeframe: {minutes: 10}',
      `threshold_cur: ${Math.max(5, Math.ceil(normalDownloadsPerHost(s, 10) * 2))}`,
      'query_key: host.name',
      'realert: {minutes: 0}',
    ],
    filter: [{ term: { 'event.action': 'download' } }],
    keyFields: ['host.name'],
    floor: () => ({ aggs: { k: perKey('host.name', { t: perMinute() }) }, lookbackMs: 10 * MIN }),
  },
  flatline: {
    body: () => ['threshold: 1', 'timeframe: {minutes: 10}', 'query_key: host.name', 'realert: {hours: 4}'],
    filter: [{ term: { 'event.action': 'login' } }],
    keyFields: ['host.name', 'key'],
    floor: () => ({ aggs: { k: perKey('host.name', { t: perMinute() }) }, lookbackMs: 10 * MIN }),
  },
  new_term: {
    body: () => ['fields: [process.name]', 'terms_window_size: {hours: 1}', 'use_keyword_postfix: false', 'realert: {minutes: 0}'],
    filter: [],
    keyFields: ['process.name'],
    floor: () => ({
      aggs: { k: { terms: { field: 'process.name', size: 2000 }, aggs: { first: { min: { field: '@timestamp' } } } } },
      lookbackMs: 60 * MIN,
    }),
  },
  cardinality: {
    body: () => [
      'cardinality_field: source.ip',
      'max_cardinality: 10',
      'timeframe: {minutes: 10}',
      'query_key: user.name',
      'realert: {hours: 4}',
    ],
    filter: [{ term: { 'event.outcome': 'failure' } }],
    keyFields: ['user.name'],
    floor: () => ({ aggs: { k: perKey('user.name', { t: perMinute({ c: { cardinality: { field: 'source.ip' } } }) }) } }),
  },
  metric_aggregation: {
    body: () => [
      'metric_agg_key: took_ms',
      'metric_agg_type: avg',
      'max_threshold: 500',
      'query_key: host.name',
      'buffer_time: {minutes: 10}',
      'realert: {hours: 4}',
    ],
    filter: [],
    keyFields: ['host.name'],
    floor: () => ({ aggs: { k: perKey('host.name', { t: perMinute({ m: { avg: { field: 'took_ms' } } }) }) } }),
  },
  percentage_match: {
    body: () => [
      'match_bucket_filter:',
      '  - term: {http.status: error}',
      'max_percentage: 30',
      'query_key: host.name',
      'buffer_time: {minutes: 10}',
      'realert: {hours: 4}',
    ],
    filter: [],
    keyFields: ['host.name'],
    floor: () => ({ aggs: { k: perKey('host.name', { t: perMinute({ e: { filter: { term: { 'http.status': 'error' } } } }) }) } }),
  },
  spike_aggregation: {
    body: () => [
      'metric_agg_key: bytes',
      'metric_agg_type: sum',
      'spike_height: 3',
      'spike_type: up',
      'timeframe: {minutes: 10}',
      'query_key: host.name',
      'realert: {hours: 4}',
    ],
    filter: [{ term: { 'event.action': 'download' } }],
    keyFields: ['host.name'],
    floor: () => ({ aggs: { k: perKey('host.name', { t: perMinute({ m: { sum: { field: 'bytes' } } }) }) }, lookbackMs: 10 * MIN }),
  },
};

const yamlFilter = (filters: readonly Filter[]): string[] =>
  filters.length === 0 ? [] : ['filter:', ...filters.map((f) => `  - ${JSON.stringify(f)}`)];

/**
 * `count` rules over `index`, cycling through the 12 types; every rule posts its alerts to
 * `postUrl(file)` (ElastAlert2's HTTP POST alerter and LogWarden's post alerter take the same
 * options; neither posts the rule's name, so each rule posts to its own URL).
 */
export function ruleMix(count: number, index: string, scale: Scale, window: Window, postUrl: (file: string) => string): BenchRule[] {
  const rules: BenchRule[] = [];
  for (let r = 0; r < count; r++) {
    const type = RULE_TYPES[r % RULE_TYPES.length] as (typeof RULE_TYPES)[number];
    const v = Math.floor(r / RULE_TYPES.length);
    const spec = SPECS[type];
    const filters = [...spec.filter, ...variantFilter(v)];
    const name = `bench ${String(r).padStart(3, '0')} ${type} v${v}`;
    const file = `rule-${String(r).padStart(3, '0')}`;
    const yaml = [
      `name: ${name}`,
      `type: ${type}`,
      `index: ${index}`,
      ...spec.body(scale),
      ...yamlFilter(filters),
      'alert: [post]',
      `http_post_url: ${JSON.stringify(postUrl(file))}`,
      '',
    ].join('\n');
    const f = spec.floor(scale);
    const floor = {
      size: 0,
      track_total_hits: false,
      query: {
        bool: { filter: [...filters, ...(f.must ?? []), range(window, f.lookbackMs)], ...(f.mustNot ? { must_not: f.mustNot } : {}) },
      },
      aggs: f.aggs,
    };
    rules.push({ name, file: `${file}.yaml`, yaml, keyFields: spec.keyFields, floor });
  }
  return rules;
}
