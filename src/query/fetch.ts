import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import type { CountEntry, RuleDefinition, RuleEvent } from '../rules/types.ts';
import { queryKeyValue } from '../pycompat/index.ts';
import { eventTimeMs, indexFor, windowQuery } from './build.ts';
import { fetchPiped, pipedQuery } from './eql.ts';

export interface FetchResult {
  events: RuleEvent[];
  hits: number;
  /** Documents whose timestamp could not be read (counted, never silently dropped). */
  unreadableTimestamps: number;
  /** True when the window held more documents than `maxDocs`; the rest were not read. */
  truncated: boolean;
}

const SEARCH_OPTIONS = { ignore_unavailable: true, allow_no_indices: true, expand_wildcards: 'open' } as const;

/**
 * Only what a document search is read for: each hit's _id, _index, _source and sort values, and
 * the point in time. Leaves out every hit's `_score: null` and the response's shard and timing
 * header. An empty page then has no `hits` at all: read through `pageHits`.
 */
const DOCUMENT_FILTER_PATH = ['hits.hits._id', 'hits.hits._index', 'hits.hits._source', 'hits.hits.sort', 'pit_id'];

function pageHits(res: { hits?: { hits?: estypes.SearchHit<Record<string, unknown>>[] } }): estypes.SearchHit<Record<string, unknown>>[] {
  return res.hits?.hits ?? [];
}

/**
 * Reads every document of one window in time order. A window that fits in one page costs one
 * search; a larger one is re-read a page at a time through a point in time, so pages stay
 * consistent while logs keep arriving. Never unbounded: stops at `maxDocs`.
 */
export async function fetchDocuments(
  es: EsHandle,
  rule: RuleDefinition,
  startMs: number,
  endMs: number,
  maxDocs = maxDocsOf(rule),
): Promise<FetchResult> {
  // eql:/esql: filter entries go to their own endpoints (ElastAlert2 2.31).
  if (pipedQuery(rule)) return fetchPiped(es, rule, startMs, endMs);
  const index = indexFor(rule, startMs, endMs);
  const query = windowQuery(rule, startMs, endMs);
  const pageSize = Math.min(rule.maxQuerySize, maxDocs);
  const keepAlive = rule.scrollKeepalive ?? '1m';
  const source = sourceFilter(rule);
  const sort: estypes.Sort = [{ [rule.timestampField]: { order: 'asc', unmapped_type: 'date' } }];
  // Most windows fit in one page: one plain search, no point in time to open and close.
  const first = await esCall(es, `searching ${index} for rule "${rule.name}"`, (c) =>
    c.search<Record<string, unknown>>({
      index,
      size: pageSize,
      query,
      sort,
      track_total_hits: false,
      ...source,
      ...SEARCH_OPTIONS,
      filter_path: DOCUMENT_FILTER_PATH,
    }),
  );
  const firstHits = pageHits(first);
  if (firstHits.length < pageSize) return collect(rule, firstHits, false);
  let pit: string;
  try {
    const opened = await esCall(es, `opening a point in time on ${index} for rule "${rule.name}"`, (c) =>
      c.openPointInTime({ index, keep_alive: keepAlive, ignore_unavailable: true }),
    );
    pit = opened.id;
  } catch (error) {
    // The index went away between the two requests: an empty window, not a failure.
    if (error instanceof EsError && error.kind === 'not_found') return { events: [], hits: 0, unreadableTimestamps: 0, truncated: false };
    throw error;
  }
  const all: estypes.SearchHit<Record<string, unknown>>[] = [];
  let searchAfter: estypes.SortResults | undefined;
  try {
    for (;;) {
      const res = await esCall(es, `searching ${index} for rule "${rule.name}"`, (c) =>
        c.search<Record<string, unknown>>({
          size: pageSize,
          query,
          pit: { id: pit, keep_alive: keepAlive },
          ...source,
          sort: [...(sort as estypes.SortCombinations[]), { _shard_doc: 'asc' }],
          track_total_hits: false,
          ...(searchAfter ? { search_after: searchAfter } : {}),
          filter_path: DOCUMENT_FILTER_PATH,
        }),
      );
      if (res.pit_id) pit = res.pit_id;
      const page = pageHits(res);
      all.push(...page);
      if (page.length < pageSize) return collect(rule, all, false);
      if (all.length >= maxDocs) return collect(rule, all, true);
      searchAfter = page[page.length - 1]?.sort;
    }
  } finally {
    await es.client.closePointInTime({ id: pit }).catch(() => undefined);
  }
}

/**
 * ElastAlert2's max_scrolling_count: at most that many pages of max_query_size per window (0 means
 * no limit there; here it is capped at 1000 pages, since an unbounded read of the user's cluster is
 * never what a rule needs). Without it, 10 pages, as before.
 */
export function maxDocsOf(rule: Pick<RuleDefinition, 'maxQuerySize' | 'maxScrollingCount'>): number {
  const pages = rule.maxScrollingCount === undefined ? 10 : rule.maxScrollingCount === 0 ? 1000 : Math.min(rule.maxScrollingCount, 1000);
  return rule.maxQuerySize * pages;
}

/**
 * ElastAlert2's `include`: only these fields of _source are read, plus the fields the rule needs
 * itself (timestamp, query_key parts, compare_key, top_count_keys), as ElastAlert2 adds them.
 */
export function sourceFilter(rule: Pick<RuleDefinition, 'options' | 'timestampField' | 'queryKey'>): { _source?: string[] } {
  const include = rule.options['include'];
  if (!Array.isArray(include) || include.length === 0 || include.includes('*')) return {};
  const asList = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const fields = new Set<string>([
    ...asList(include),
    rule.timestampField,
    ...(rule.queryKey ?? []),
    ...asList(rule.options['compare_key']),
    ...asList(rule.options['top_count_keys']),
    ...asList(rule.options['aggregation_key']),
  ]);
  return { _source: [...fields] };
}

function collect(rule: RuleDefinition, hitsIn: readonly estypes.SearchHit<Record<string, unknown>>[], truncated: boolean): FetchResult {
  const events: RuleEvent[] = [];
  let unreadable = 0;
  for (const hit of hitsIn) {
    const source = hit._source ?? {};
    const ts = eventTimeMs(rule, source);
    if (ts === undefined) unreadable++;
    else
      events.push({
        id: hit._id ?? '',
        index: hit._index,
        timestampMs: ts,
        key: rule.queryKey ? queryKeyValue(source, rule.queryKey) : undefined,
        source,
      });
  }
  return { events, hits: hitsIn.length, unreadableTimestamps: unreadable, truncated };
}

/** Counts a window in Elasticsearch (ElastAlert2's use_count_query): one number, no documents. */
export async function countWindow(es: EsHandle, rule: RuleDefinition, startMs: number, endMs: number): Promise<number> {
  const index = indexFor(rule, startMs, endMs);
  const res = await esCall(es, `counting ${index} for rule "${rule.name}"`, (c) =>
    c.count({ index, query: windowQuery(rule, startMs, endMs), ...SEARCH_OPTIONS }),
  );
  return res.count;
}

/**
 * Counts a window per query_key value (ElastAlert2's use_terms_query), paging a composite
 * aggregation so every key is counted, not only the top `terms_size` ElastAlert2 asks for.
 */
export async function countPerKey(
  es: EsHandle,
  rule: RuleDefinition,
  startMs: number,
  endMs: number,
  pageSize = 1000,
): Promise<CountEntry[]> {
  const fields = rule.queryKey ?? [];
  if (fields.length === 0) throw new EsError('bad_request', `rule "${rule.name}": use_terms_query needs query_key`);
  const index = indexFor(rule, startMs, endMs);
  const query = windowQuery(rule, startMs, endMs);
  const entries: CountEntry[] = [];
  let after: Record<string, estypes.FieldValue> | undefined;
  for (;;) {
    const res = await esCall(es, `counting ${index} per ${fields.join(', ')} for rule "${rule.name}"`, (c) =>
      c.search({
        index,
        size: 0,
        query,
        ...SEARCH_OPTIONS,
        aggs: {
          keys: {
            composite: {
              size: pageSize,
              sources: fields.map((field, i) => ({ [`k${i}`]: { terms: { field } } })),
              ...(after ? { after } : {}),
            },
          },
        },
      }),
    );
    const agg = res.aggregations?.keys as estypes.AggregationsCompositeAggregate | undefined;
    const buckets = Array.isArray(agg?.buckets) ? agg.buckets : [];
    for (const bucket of buckets) {
      const values = fields.map((_f, i) => bucket.key[`k${i}`]);
      entries.push({ key: values.map((v) => String(v)).join(', '), count: bucket.doc_count, timestampMs: endMs });
    }
    if (!agg?.after_key || buckets.length < pageSize) return entries;
    after = agg.after_key;
  }
}
