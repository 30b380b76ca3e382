import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import { durationMs } from '../rules/checks.ts';
import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import { lookupField } from '../pycompat/index.ts';
import { indexFor, windowQuery } from './build.ts';
import { resolveAggregatableFields } from './ranges.ts';

const TEN_MINUTES = 10 * 60_000;

/** The options of ElastAlert2's top counts, or undefined when the rule has no top_count_keys. */
function topCountKeys(rule: RuleDefinition): string[] | undefined {
  const keys = rule.options['top_count_keys'];
  return Array.isArray(keys) && keys.length > 0 ? keys.filter((k): k is string => typeof k === 'string') : undefined;
}

/**
 * ElastAlert2's top_count_keys: for each key, the top_count_number (default 5) most frequent
 * values among the rule's documents from `timeframe` (default 10 minutes) before the match to 10
 * minutes after it, and of the match's query_key value when the rule has one. They become
 * `top_events_<key>` fields, which the alert text prints. raw_count_keys (default true) counts
 * the `.keyword` sub-field, falling back to the field itself where the mapping has none.
 * One search per match, with one terms aggregation per key.
 */
export async function attachTopCounts(es: EsHandle, rule: RuleDefinition, match: RuleMatch): Promise<RuleMatch> {
  const keys = topCountKeys(rule);
  if (!keys) return match;
  const size = typeof rule.options['top_count_number'] === 'number' ? rule.options['top_count_number'] : 5;
  const raw = rule.options['raw_count_keys'] !== false;
  const startMs = match.timestampMs - (durationMs(rule.options['timeframe']) ?? TEN_MINUTES);
  const endMs = match.timestampMs + TEN_MINUTES;
  const index = indexFor(rule, startMs, endMs);
  const requested = keys.map((k) => (raw && !k.endsWith('.keyword') && !k.endsWith('.raw') ? `${k}.keyword` : k));
  const fields = await resolveAggregatableFields(es, index, requested);
  // The match's own query_key value: the counts are about that key, as in ElastAlert2.
  const keyTerms: estypes.QueryDslQueryContainer[] = (rule.queryKey ?? []).flatMap((field) => {
    const value = lookupField(match.body, field);
    if (value === undefined || value === null || typeof value === 'object') return [];
    return [{ bool: { should: [{ term: { [field]: value } }, { term: { [`${field}.keyword`]: value } }], minimum_should_match: 1 } }];
  });
  const res = await esCall(es, `counting top values for rule "${rule.name}"`, (c) =>
    c.search({
      index,
      size: 0,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { bool: { filter: [windowQuery(rule, startMs, endMs), ...keyTerms] } },
      aggs: Object.fromEntries(fields.map((field, i) => [`k${i}`, { terms: { field, size } }])),
    }),
  );
  const body = { ...match.body };
  keys.forEach((key, i) => {
    const agg = res.aggregations?.[`k${i}`] as estypes.AggregationsStringTermsAggregate | undefined;
    const buckets = Array.isArray(agg?.buckets) ? agg.buckets : [];
    body[`top_events_${key}`] = Object.fromEntries(buckets.map((b) => [String(b.key_as_string ?? b.key), b.doc_count]));
  });
  return { ...match, body };
}
