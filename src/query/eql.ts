import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import type { RuleDefinition, RuleEvent } from '../rules/types.ts';
import { queryKeyValue } from '../pycompat/index.ts';
import { eventTimeMs, indexFor, windowQuery } from './build.ts';
import type { FetchResult } from './fetch.ts';

/** The `eql:` or `esql:` entry of a rule's filter, if any (lint allows one at most). */
export function pipedQuery(rule: Pick<RuleDefinition, 'filter'>): { kind: 'eql' | 'esql'; query: string } | undefined {
  for (const entry of rule.filter) {
    if (typeof entry.eql === 'string') return { kind: 'eql', query: entry.eql };
    if (typeof entry.esql === 'string') return { kind: 'esql', query: entry.esql };
  }
  return undefined;
}

/** The rule without its eql/esql entry: the other filters become the request's filter, as ElastAlert2 does. */
function otherFilters(rule: RuleDefinition): RuleDefinition {
  return { ...rule, filter: rule.filter.filter((f) => typeof f.eql !== 'string' && typeof f.esql !== 'string') };
}

/** A cluster without the module answers "no handler" (400), 404 or 405: say so in words. */
function unsupported(error: unknown, endpoint: string, what: string): unknown {
  if (
    error instanceof EsError &&
    (error.status === 404 || error.status === 405 || (error.status === 400 && /no handler found/i.test(error.message)))
  ) {
    return new EsError(
      'bad_request',
      `this cluster has no ${what} endpoint (${endpoint}): the rule's ${what === 'EQL' ? 'eql' : 'esql'} filter cannot run here; use a cluster with the ${what} module, or write the condition as query DSL`,
      error.status,
      error.esType,
    );
  }
  return error;
}

function toEvents(
  rule: RuleDefinition,
  docs: readonly { id: string; index: string; source: Record<string, unknown> }[],
  truncated: boolean,
): FetchResult {
  const events: RuleEvent[] = [];
  let unreadable = 0;
  for (const d of docs) {
    const ts = eventTimeMs(rule, d.source);
    if (ts === undefined) unreadable++;
    else
      events.push({
        id: d.id,
        index: d.index,
        timestampMs: ts,
        key: rule.queryKey ? queryKeyValue(d.source, rule.queryKey) : undefined,
        source: d.source,
      });
  }
  events.sort((a, b) => a.timestampMs - b.timestampMs);
  return { events, hits: docs.length, unreadableTimestamps: unreadable, truncated };
}

/**
 * ElastAlert2 2.31 sends an `eql:` filter entry to _eql/search and an `esql:` one to _query,
 * with the rule's other filters and the window as the request's filter. EQL events (not
 * sequences) become the rule's documents, up to max_query_size; ES|QL rows become documents
 * (dotted column names as nested fields), up to the query's own LIMIT. A cluster without the
 * module fails the run with a message saying so, never a different query.
 */
export async function fetchPiped(es: EsHandle, rule: RuleDefinition, startMs: number, endMs: number): Promise<FetchResult> {
  const piped = pipedQuery(rule);
  if (!piped) throw new Error('fetchPiped needs an eql or esql filter entry');
  const rest = otherFilters(rule);
  const filter = windowQuery(rest, startMs, endMs);
  if (piped.kind === 'eql') {
    const index = indexFor(rule, startMs, endMs);
    let res: estypes.EqlSearchResponse<Record<string, unknown>>;
    try {
      res = await esCall(es, `running the EQL query of rule "${rule.name}" on ${index}`, (c) =>
        c.eql.search<Record<string, unknown>>({
          index,
          query: piped.query,
          filter,
          size: rule.maxQuerySize,
          timestamp_field: rule.timestampField,
          allow_no_indices: true,
          ignore_unavailable: true,
        }),
      );
    } catch (error) {
      throw unsupported(error, '_eql/search', 'EQL');
    }
    const hits = res.hits.events ?? [];
    return toEvents(
      rest,
      hits.map((h) => ({ id: h._id, index: h._index, source: h._source ?? {} })),
      hits.length >= rule.maxQuerySize,
    );
  }
  let res: { columns?: { name: string }[]; values?: unknown[][] };
  try {
    res = (await esCall(es, `running the ES|QL query of rule "${rule.name}"`, (c) =>
      c.esql.query({ query: piped.query, filter }),
    )) as unknown as typeof res;
  } catch (error) {
    throw unsupported(error, '_query', 'ES|QL');
  }
  const columns = (res.columns ?? []).map((c) => c.name);
  const docs = (res.values ?? []).map((row, i) => {
    const source: Record<string, unknown> = {};
    columns.forEach((name, j) => setPath(source, name, row[j]));
    const id = typeof source._id === 'string' ? source._id : `esql-${startMs}-${i}`;
    return { id, index: typeof source._index === 'string' ? source._index : rule.index, source };
  });
  return toEvents(rest, docs, false);
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] ?? dotted] = value;
}
