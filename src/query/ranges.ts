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

/**
 * `.keyword` sub-fields exist only where a string was mapped dynamically; ECS keyword fields
 * have none. A requested `x.keyword` that the indices lack falls back to `x` when `x` can be
 * aggregated, so ElastAlert2's use_keyword_postfix default works on both kinds of mapping. A
 * field in `textFallback` that is text (not aggregatable) uses `x.keyword` where that exists:
 * cardinality_field, which ElastAlert2 read from documents and so never needed the sub-field named.
 * Without either kind of field no request is made.
 */
export async function resolveAggregatableFields(es: EsHandle, index: string, fields: readonly string[], textFallback: readonly string[] = []): Promise<string[]> {
  const other = (f: string): string | undefined => (f.endsWith(KEYWORD) ? f.slice(0, -KEYWORD.length) : textFallback.includes(f) ? f + KEYWORD : undefined);
  if (!fields.some((f) => other(f) !== undefined)) return [...fields];
  const candidates = [...new Set(fields.flatMap((f) => [f, other(f) ?? []].flat()))];
  const caps = await esCall(es, `reading field capabilities of ${index}`, (c) =>
    c.fieldCaps({ index, fields: candidates, ignore_unavailable: true, allow_no_indices: true }),
  );
  const known = (f: string): boolean => Object.keys(caps.fields[f] ?? {}).length > 0;
  const aggregatable = (f: string): boolean => Object.values(caps.fields[f] ?? {}).some((cap) => cap.aggregatable);
  return fields.map((f) => {
    const alt = other(f);
    if (alt === undefined || aggregatable(f)) return f;
    // A field the indices do not have (yet) is kept as asked: it simply finds nothing.
    return aggregatable(alt) || (!known(f) && known(alt)) ? alt : f;
  });
}
