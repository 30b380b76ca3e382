import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { KeyCountRequest, KeyCountResult, KeyCounts } from '../ruletypes/aggregating.ts';
import { indexFor, windowQuery } from './build.ts';
import { rangeQuery, resolveAggregatableFields } from './ranges.ts';

/**
 * Distinct (group, value) pairs read exactly before falling back to the approximate count. The
 * pairs are what an exact distinct count has to page through; beyond this many, one evaluation
 * would cost more than ten requests, and the cardinality aggregation answers in one per page of groups.
 */
export const MAX_EXACT_PAIRS = 20_000;

/**
 * Elasticsearch's cardinality aggregation counts exactly (up to rare hash collisions) below
 * this many distinct values per group, and within about 1% above; 3000 is its own default.
 */
export const PRECISION_THRESHOLD = 3000;

type Value = string | number | boolean;

/**
 * Distinct values of `req.distinct` per group and range (the cardinality rule type). Exact first:
 * a composite aggregation over (group fields..., distinct field) lists every pair once, with a
 * document count per range, and a pair counts for the ranges it occurs in. If the window holds
 * more than `maxExactPairs` pairs, the groups are counted again with the cardinality aggregation
 * (HyperLogLog++) instead, and the result is marked approximate. Documents lacking a group field
 * or the distinct field are not counted, as ElastAlert2 skips events without the value.
 */
export async function countDistinct(
  es: EsHandle,
  rule: RuleDefinition,
  req: KeyCountRequest & { distinct: string },
  pageSize = 2000,
  maxExactPairs = MAX_EXACT_PAIRS,
): Promise<KeyCountResult> {
  const startMs = Math.min(...req.ranges.map((r) => r.startMs));
  const endMs = Math.max(...req.ranges.map((r) => r.endMs));
  const index = indexFor(rule, startMs, endMs);
  const query = windowQuery(rule, startMs, endMs);
  const resolved = await resolveAggregatableFields(es, index, [...req.fields, req.distinct], [req.distinct]);
  const fields = resolved.slice(0, req.fields.length);
  const distinctField = resolved[resolved.length - 1] ?? req.distinct;
  const what = `counting distinct ${req.distinct} in ${index} for rule "${rule.name}"`;
  const rangeAggs = Object.fromEntries(req.ranges.map((r, i) => [`r${i}`, { filter: rangeQuery(rule, r) }]));
  const sources = (names: readonly string[]): Record<string, estypes.AggregationsCompositeAggregationSource>[] =>
    names.map((field, i) => ({ [`k${i}`]: { terms: { field } } }));
  const page = async (
    names: readonly string[],
    aggs: Record<string, estypes.AggregationsAggregationContainer>,
    after: Record<string, estypes.FieldValue> | undefined,
  ): Promise<estypes.AggregationsCompositeAggregate | undefined> => {
    const body = await esCall(es, what, (c) =>
      c.search({
        index,
        size: 0,
        query,
        ignore_unavailable: true,
        allow_no_indices: true,
        aggs: { groups: { composite: { size: pageSize, sources: sources(names), ...(after ? { after } : {}) }, aggs } },
      }),
    );
    return body.aggregations?.groups as estypes.AggregationsCompositeAggregate | undefined;
  };

  // Exact: every (group, value) pair, counted per range it occurs in.
  const exact = new Map<string, { values: Value[]; counts: Record<string, number> }>();
  let pairs = 0;
  let after: Record<string, estypes.FieldValue> | undefined;
  for (;;) {
    const agg = await page([...fields, distinctField], rangeAggs, after);
    const buckets = Array.isArray(agg?.buckets) ? agg.buckets : [];
    for (const bucket of buckets) {
      const values = fields.map((_f, i) => bucket.key[`k${i}`]).filter((v): v is Value => v !== null && v !== undefined);
      const id = JSON.stringify(values);
      const group = exact.get(id) ?? { values, counts: Object.fromEntries(req.ranges.map((r) => [r.name, 0])) };
      exact.set(id, group);
      req.ranges.forEach((r, i) => {
        const inRange = (bucket as unknown as Record<string, { doc_count?: number } | undefined>)[`r${i}`]?.doc_count ?? 0;
        if (inRange > 0) group.counts[r.name] = (group.counts[r.name] ?? 0) + 1;
      });
    }
    pairs += buckets.length;
    if (!agg?.after_key || buckets.length < pageSize) return { id: req.id, groups: [...exact.values()], approximate: false };
    if (pairs >= maxExactPairs) break;
    after = agg.after_key;
  }

  // Approximate: one cardinality aggregation per group and range.
  const cardinality = { cardinality: { field: distinctField, precision_threshold: PRECISION_THRESHOLD } };
  const approxAggs = Object.fromEntries(req.ranges.map((r, i) => [`r${i}`, { filter: rangeQuery(rule, r), aggs: { d: cardinality } }]));
  const groups: KeyCounts[] = [];
  after = undefined;
  for (;;) {
    // Without group fields there is one group: the composite needs a source, the distinct field's
    // cardinality over all documents is then read from a plain filter aggregation instead.
    if (fields.length === 0) {
      const body = await esCall(es, what, (c) =>
        c.search({ index, size: 0, query, ignore_unavailable: true, allow_no_indices: true, aggs: approxAggs }),
      );
      groups.push({ values: [], counts: readApprox(req, (body.aggregations ?? {}) as Record<string, unknown>) });
      break;
    }
    const agg = await page(fields, approxAggs, after);
    const buckets = Array.isArray(agg?.buckets) ? agg.buckets : [];
    for (const bucket of buckets) {
      const values = fields.map((_f, i) => bucket.key[`k${i}`]).filter((v): v is Value => v !== null && v !== undefined);
      groups.push({ values, counts: readApprox(req, bucket as unknown as Record<string, unknown>) });
    }
    if (!agg?.after_key || buckets.length < pageSize) break;
    after = agg.after_key;
  }
  return { id: req.id, groups: groups.filter((g) => Object.values(g.counts).some((n) => n > 0)), approximate: true };
}

function readApprox(req: KeyCountRequest, bucket: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  req.ranges.forEach((r, i) => {
    const agg = bucket[`r${i}`] as { d?: { value?: number | null } } | undefined;
    counts[r.name] = agg?.d?.value ?? 0;
  });
  return counts;
}
