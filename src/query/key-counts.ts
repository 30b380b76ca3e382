import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { KeyCountRequest, KeyCountResult, KeyCounts, TimeRangeSpec } from '../ruletypes/aggregating.ts';
import { indexFor, timestampValue, windowQuery } from './build.ts';

const KEYWORD = '.keyword';

function rangeQuery(rule: RuleDefinition, r: TimeRangeSpec): estypes.QueryDslQueryContainer {
  return {
    range: {
      [rule.timestampField]: {
        gt: timestampValue(rule, r.startMs),
        lte: timestampValue(rule, r.endMs),
        ...(rule.timestampType === 'iso' ? { format: 'strict_date_optional_time' } : {}),
      },
    },
  };
}

/** One filter sub-aggregation per range, with the sum or average of `value.field` when asked. */
function rangeAggs(rule: RuleDefinition, req: KeyCountRequest): Record<string, estypes.AggregationsAggregationContainer> {
  return Object.fromEntries(
    req.ranges.map((r, i) => [
      `r${i}`,
      { filter: rangeQuery(rule, r), ...(req.value ? { aggs: { v: { [req.value.agg]: { field: req.value.field } } } } : {}) },
    ]),
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

/**
 * `.keyword` sub-fields exist only where a string was mapped dynamically; ECS keyword fields
 * have none. A requested `x.keyword` that the indices lack falls back to `x` when `x` can be
 * aggregated, so ElastAlert2's use_keyword_postfix default works on both kinds of mapping.
 */
export async function resolveAggregatableFields(es: EsHandle, index: string, fields: readonly string[]): Promise<string[]> {
  const candidates = fields.flatMap((f) => (f.endsWith(KEYWORD) ? [f, f.slice(0, -KEYWORD.length)] : [f]));
  if (!fields.some((f) => f.endsWith(KEYWORD))) return [...fields];
  const caps = await esCall(es, `reading field capabilities of ${index}`, (c) =>
    c.fieldCaps({ index, fields: candidates, ignore_unavailable: true, allow_no_indices: true }),
  );
  const aggregatable = (f: string): boolean => Object.values(caps.fields[f] ?? {}).some((cap) => cap.aggregatable);
  return fields.map((f) => {
    if (!f.endsWith(KEYWORD) || aggregatable(f)) return f;
    const bare = f.slice(0, -KEYWORD.length);
    return aggregatable(bare) ? bare : f;
  });
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
  const startMs = Math.min(...req.ranges.map((r) => r.startMs));
  const endMs = Math.max(...req.ranges.map((r) => r.endMs));
  const index = indexFor(rule, startMs, endMs);
  const query = windowQuery(rule, startMs, endMs);
  const fields = await resolveAggregatableFields(es, index, req.fields);
  const what = `counting ${index} for rule "${rule.name}"`;
  const search = async (body: estypes.SearchRequest): Promise<estypes.SearchResponse> => {
    return esCall(es, what, (c) => c.search({ index, size: 0, query, ignore_unavailable: true, allow_no_indices: true, ...body }));
  };

  const missingAgg: Record<string, estypes.AggregationsAggregationContainer> = req.countMissing && fields.length > 0
    ? { missing: { filter: { bool: { should: fields.map((f) => ({ bool: { must_not: { exists: { field: f } } } })), minimum_should_match: 1 } }, aggs: rangeAggs(rule, { ...req, value: undefined }) } }
    : {};

  if (fields.length === 0) {
    const body = await search({ aggs: { ...rangeAggs(rule, req), ...missingAgg } });
    const counts = readRanges(req, (body.aggregations ?? {}) as Record<string, unknown>);
    return { id: req.id, groups: Object.values(counts).some((n) => n > 0) ? [{ values: [], counts }] : [] };
  }

  const groups: KeyCounts[] = [];
  let missing: Record<string, number> | undefined;
  let after: Record<string, estypes.FieldValue> | undefined;
  for (let page = 0; ; page++) {
    const body = await search({
      aggs: {
        groups: {
          composite: { size: pageSize, sources: fields.map((field, i) => ({ [`k${i}`]: { terms: { field } } })), ...(after ? { after } : {}) },
          aggs: rangeAggs(rule, req),
        },
        // Missing-field counts do not depend on the page: ask once.
        ...(page === 0 ? missingAgg : {}),
      },
    });
    const aggs = (body.aggregations ?? {}) as Record<string, unknown>;
    if (page === 0 && req.countMissing) missing = readRanges({ ...req, value: undefined }, (aggs.missing ?? {}) as Record<string, unknown>);
    const composite = aggs.groups as estypes.AggregationsCompositeAggregate | undefined;
    const buckets = Array.isArray(composite?.buckets) ? composite.buckets : [];
    for (const bucket of buckets) {
      const values = fields.map((_f, i) => bucket.key[`k${i}`]).filter((v): v is string | number | boolean => v !== null && v !== undefined);
      groups.push({ values, counts: readRanges(req, bucket as unknown as Record<string, unknown>) });
    }
    if (!composite?.after_key || buckets.length < pageSize) break;
    after = composite.after_key;
  }
  return { id: req.id, groups, ...(missing ? { missing } : {}) };
}
