import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { KeyCountRequest, KeyCountResult, KeyCounts } from '../ruletypes/aggregating.ts';
import { indexFor, windowQuery } from './build.ts';
import { countDistinct } from './distinct-counts.ts';
import { metricAgg, metricValue, rangeQuery, resolveAggregatableFields } from './ranges.ts';

/** Aggregation buckets one page of groups may hold, well under Elasticsearch's default search.max_buckets. */
const MAX_BUCKETS_PER_PAGE = 20_000;

/** One filter sub-aggregation per range, with the sum or average of `value.field`, or the metric, when asked. */
function rangeAggs(rule: RuleDefinition, req: KeyCountRequest): Record<string, estypes.AggregationsAggregationContainer> {
  const sub: Record<string, estypes.AggregationsAggregationContainer> = {};
  if (req.value) sub['v'] = { [req.value.agg]: { field: req.value.field } };
  if (req.metric) sub['m'] = metricAgg(req.metric);
  return Object.fromEntries(
    req.ranges.map((r, i) => [`r${i}`, { filter: rangeQuery(rule, r), ...(Object.keys(sub).length > 0 ? { aggs: sub } : {}) }]),
  );
}

function readRanges(req: KeyCountRequest, bucket: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  req.ranges.forEach((r, i) => {
    const agg = bucket[`r${i}`] as { doc_count?: number; v?: { value?: number | null } } | undefined;
    counts[r.name] = req.value ? (agg?.v?.value ?? 0) : (agg?.doc_count ?? 0);
  });
  return counts;
}

function readMetrics(req: KeyCountRequest, bucket: Record<string, unknown>): Record<string, number | null> | undefined {
  if (!req.metric) return undefined;
  const metrics: Record<string, number | null> = {};
  req.ranges.forEach((r, i) => {
    const agg = bucket[`r${i}`] as { m?: unknown } | undefined;
    metrics[r.name] = metricValue(agg?.m);
  });
  return metrics;
}

/** A group as the request asked for it: counts, and metrics when a metric was asked for. */
function readGroup(req: KeyCountRequest, values: KeyCounts['values'], bucket: Record<string, unknown>): KeyCounts {
  const metrics = readMetrics(req, bucket);
  return metrics ? { values, counts: readRanges(req, bucket), metrics } : { values, counts: readRanges(req, bucket) };
}

/**
 * Executes a rule type's count request: documents matching the rule's filter grouped by the
 * request's fields (every group, a page of composite buckets at a time) and counted per range.
 * No document is downloaded.
 */
export async function countByKeyAndRange(
  es: EsHandle,
  rule: RuleDefinition,
  req: KeyCountRequest,
  pageSize = 2000,
): Promise<KeyCountResult> {
  if (req.ranges.length === 0) return { id: req.id, groups: [] };
  if (req.distinct !== undefined) return countDistinct(es, rule, { ...req, distinct: req.distinct }, pageSize);
  const startMs = Math.min(...req.ranges.map((r) => r.startMs));
  const endMs = Math.max(...req.ranges.map((r) => r.endMs));
  const index = indexFor(rule, startMs, endMs);
  const query = windowQuery(rule, startMs, endMs);
  const fields = await resolveAggregatableFields(es, index, req.fields);
  const what = `counting ${index} for rule "${rule.name}"`;
  const search = async (body: estypes.SearchRequest): Promise<estypes.SearchResponse> => {
    return esCall(es, what, (c) => c.search({ index, size: 0, query, ignore_unavailable: true, allow_no_indices: true, ...body }));
  };

  const missingAgg: Record<string, estypes.AggregationsAggregationContainer> =
    req.countMissing && fields.length > 0
      ? {
          missing: {
            filter: { bool: { should: fields.map((f) => ({ bool: { must_not: { exists: { field: f } } } })), minimum_should_match: 1 } },
            aggs: rangeAggs(rule, { ...req, value: undefined, metric: undefined }),
          },
        }
      : {};

  if (fields.length === 0) {
    const body = await search({ aggs: { ...rangeAggs(rule, req), ...missingAgg } });
    const group = readGroup(req, [], (body.aggregations ?? {}) as Record<string, unknown>);
    // A metric has a value over no documents too (a sum of 0), which a min_threshold compares, as in ElastAlert2.
    return { id: req.id, groups: req.metric || Object.values(group.counts).some((n) => n > 0) ? [group] : [] };
  }

  // Each group holds a bucket per range: keep a page under Elasticsearch's search.max_buckets
  // (65,536 by default) when a rule asks for many ranges (metric_aggregation's bucket_interval).
  const size = Math.max(1, Math.min(pageSize, Math.floor(MAX_BUCKETS_PER_PAGE / (req.ranges.length + 1))));
  const groups: KeyCounts[] = [];
  let missing: Record<string, number> | undefined;
  let after: Record<string, estypes.FieldValue> | undefined;
  for (let page = 0; ; page++) {
    const body = await search({
      aggs: {
        groups: {
          composite: { size, sources: fields.map((field, i) => ({ [`k${i}`]: { terms: { field } } })), ...(after ? { after } : {}) },
          aggs: rangeAggs(rule, req),
        },
        // Missing-field counts do not depend on the page: ask once.
        ...(page === 0 ? missingAgg : {}),
      },
    });
    const aggs = (body.aggregations ?? {}) as Record<string, unknown>;
    if (page === 0 && req.countMissing)
      missing = readRanges({ ...req, value: undefined, metric: undefined }, (aggs.missing ?? {}) as Record<string, unknown>);
    const composite = aggs.groups as estypes.AggregationsCompositeAggregate | undefined;
    const buckets = Array.isArray(composite?.buckets) ? composite.buckets : [];
    for (const bucket of buckets) {
      const values = fields
        .map((_f, i) => bucket.key[`k${i}`])
        .filter((v): v is string | number | boolean => v !== null && v !== undefined);
      groups.push(readGroup(req, values, bucket as unknown as Record<string, unknown>));
    }
    if (!composite?.after_key || buckets.length < size) break;
    after = composite.after_key;
  }
  return { id: req.id, groups, ...(missing ? { missing } : {}) };
}
