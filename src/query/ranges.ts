import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { MetricSpec, TimeRangeSpec } from '../ruletypes/aggregating.ts';
import { timestampValue } from './build.ts';

const KEYWORD = '.keyword';

/** A range's query: its time span (start exclusive, end inclusive) and its own filter clauses. */
export function rangeQuery(rule: RuleDefinition, r: TimeRangeSpec): estypes.QueryDslQueryContainer {
  const range: estypes.QueryDslQueryContainer = {
    range: {
      [rule.timestampField]: {
        gt: timestampValue(rule, r.startMs),
        lte: timestampValue(rule, r.endMs),
        ...(rule.timestampType === 'iso' ? { format: 'strict_date_optional_time' } : {}),
      },
    },
  };
  if (!r.filter || r.filter.length === 0) return range;
  return { bool: { filter: [range, ...([...r.filter] as estypes.QueryDslQueryContainer[])] } };
}

/** The Elasticsearch aggregation of a metric (ElastAlert2's generate_aggregation_query, per range). */
export function metricAgg(metric: MetricSpec): estypes.AggregationsAggregationContainer {
  const body: Record<string, unknown> = metric.script ? { ...metric.script } : { field: metric.field };
  if (metric.type === 'percentiles') body['percents'] = [metric.percent ?? 50];
  return { [metric.type]: body } as estypes.AggregationsAggregationContainer;
}

/** A metric aggregation's value: `value`, or for percentiles the one percentile asked for; null when there is none. */
export function metricValue(agg: unknown): number | null {
  if (typeof agg !== 'object' || agg === null) return null;
  const a = agg as { value?: unknown; values?: unknown };
  const raw = a.values !== undefined && typeof a.values === 'object' && a.values !== null ? Object.values(a.values)[0] : a.value;
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
}

type FieldCaps = estypes.FieldCapsResponse['fields'];

/**
 * Field capabilities per client, index expression and fields, kept for `ttlMs`: a rule steps
 * through a catch-up window one run_every at a time, and cardinality asked field_caps again at
 * every step (61 requests per rule for an hour). A failed request is not kept. The clock is
 * monotonic time, injectable for tests; mappings that change are seen again after the TTL.
 */
export class FieldCapsCache {
  readonly #byClient = new WeakMap<EsHandle, Map<string, { atMs: number; caps: Promise<FieldCaps> }>>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs = 60_000, now: () => number = () => performance.now()) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** Entries kept for a client (expired ones included until the next clean-up). */
  size(es: EsHandle): number {
    return this.#byClient.get(es)?.size ?? 0;
  }

  get(es: EsHandle, index: string, fields: readonly string[]): Promise<FieldCaps> {
    let known = this.#byClient.get(es);
    if (known === undefined) {
      known = new Map();
      this.#byClient.set(es, known);
    }
    const key = JSON.stringify([index, [...fields].sort()]);
    const nowMs = this.#now();
    const hit = known.get(key);
    if (hit !== undefined && nowMs - hit.atMs < this.#ttlMs) return hit.caps;
    const caps = esCall(es, `reading field capabilities of ${index}`, (c) =>
      c.fieldCaps({ index, fields: [...fields], ignore_unavailable: true, allow_no_indices: true }),
    ).then((res) => res.fields);
    const entry = { atMs: nowMs, caps };
    // Index expressions change over time (use_strftime_index): expired entries go, so the map stays small.
    if (known.size >= 256) for (const [k, e] of known) if (nowMs - e.atMs >= this.#ttlMs) known.delete(k);
    known.set(key, entry);
    caps.catch(() => {
      if (known.get(key) === entry) known.delete(key);
    });
    return caps;
  }
}

const fieldCapsCache = new FieldCapsCache();

/**
 * `.keyword` sub-fields exist only where a string was mapped dynamically; ECS keyword fields
 * have none. A requested `x.keyword` that the indices lack falls back to `x` when `x` can be
 * aggregated, so ElastAlert2's use_keyword_postfix default works on both kinds of mapping. A
 * field in `textFallback` that is text (not aggregatable) uses `x.keyword` where that exists:
 * cardinality_field, which ElastAlert2 read from documents and so never needed the sub-field named.
 * Without either kind of field no request is made.
 */
export async function resolveAggregatableFields(
  es: EsHandle,
  index: string,
  fields: readonly string[],
  textFallback: readonly string[] = [],
): Promise<string[]> {
  const other = (f: string): string | undefined =>
    f.endsWith(KEYWORD) ? f.slice(0, -KEYWORD.length) : textFallback.includes(f) ? f + KEYWORD : undefined;
  if (!fields.some((f) => other(f) !== undefined)) return [...fields];
  const candidates = [...new Set(fields.flatMap((f) => [f, other(f) ?? []].flat()))];
  const caps = await fieldCapsCache.get(es, index, candidates);
  const known = (f: string): boolean => Object.keys(caps[f] ?? {}).length > 0;
  const aggregatable = (f: string): boolean => Object.values(caps[f] ?? {}).some((cap) => cap.aggregatable);
  return fields.map((f) => {
    const alt = other(f);
    if (alt === undefined || aggregatable(f)) return f;
    // A field the indices do not have (yet) is kept as asked: it simply finds nothing.
    return aggregatable(alt) || (!known(f) && known(alt)) ? alt : f;
  });
}
