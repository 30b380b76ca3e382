import type { EsHandle } from '../es/client.ts';
import type { Logger } from '../log.ts';
import { countByKeyAndRange } from '../query/key-counts.ts';
import { countPerKey, countWindow, fetchDocuments } from '../query/fetch.ts';
import { indexFor } from '../query/build.ts';
import { withListFilter } from '../query/list-filter.ts';
import type { CountEntry, RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { AggregatingRuleType } from '../ruletypes/aggregating.ts';
import type { RuleType } from '../ruletypes/rule-type.ts';
import type { TimeRange } from './window.ts';

export type AnyRuleType = RuleType<unknown> | AggregatingRuleType<unknown>;

export interface Evaluation {
  typeState: unknown;
  matches: RuleMatch[];
  hits: number;
}

/** Catching up a long outage evaluates at most this many points; beyond it the points are spread evenly. */
export const MAX_EVALUATIONS_PER_RUN = 120;

/**
 * Feeds one window to a rule type that reads documents or plain counts (any, frequency),
 * segment by segment as ElastAlert2 does. `seen` (document id → time) is updated in place:
 * documents already fed in an overlapping earlier window are skipped.
 */
export async function evaluateEvents(
  es: EsHandle,
  rule: RuleDefinition,
  ruleType: RuleType<unknown>,
  typeState: unknown,
  segments: readonly TimeRange[],
  seen: Record<string, number>,
  log: Logger,
): Promise<Evaluation> {
  let state = typeState;
  let hits = 0;
  const matches: RuleMatch[] = [];
  // blacklist/whitelist: documents that cannot match are left in Elasticsearch (one field caps request a run).
  const first = segments[0];
  const last = segments[segments.length - 1];
  const fetchRule =
    ruleType.pushDown && first && last
      ? await withListFilter(es, rule, indexFor(rule, first.startMs, last.endMs), ruleType.pushDown)
      : rule;
  for (const segment of segments) {
    let step;
    if (ruleType.needs === 'documents') {
      const fetched = await fetchDocuments(es, fetchRule, segment.startMs, segment.endMs);
      hits += fetched.hits;
      if (fetched.unreadableTimestamps > 0) {
        log.warn(
          { field: rule.timestampField, count: fetched.unreadableTimestamps },
          `${rule.file}: rule "${rule.name}": ${fetched.unreadableTimestamps} documents have no readable ${rule.timestampField} and were skipped`,
        );
      }
      if (fetched.truncated)
        log.warn(
          `${rule.file}: rule "${rule.name}": more documents than max_query_size allows in one window; the rest were not read (set use_count_query or narrow the filter)`,
        );
      // buffer_time makes windows overlap on purpose; an event already counted is not counted again.
      const unseen = fetched.events.filter((e) => !(e.id in seen));
      for (const e of unseen) seen[e.id] = e.timestampMs;
      step = ruleType.addEvents(state, unseen, segment.endMs);
    } else {
      const entries: CountEntry[] =
        ruleType.needs === 'count'
          ? [{ key: undefined, count: await countWindow(es, rule, segment.startMs, segment.endMs), timestampMs: segment.endMs }]
          : await countPerKey(es, rule, segment.startMs, segment.endMs);
      hits += entries.reduce((n, e) => n + e.count, 0);
      step = ruleType.addCounts(state, entries, segment.endMs);
    }
    matches.push(...step.matches);
    state = ruleType.garbageCollect(step.state, segment.endMs);
  }
  return { typeState: state, matches, hits };
}

/** Evenly spread evaluation points when an outage left more segments than we evaluate per run. */
export function thinSegments(segments: readonly TimeRange[], max: number): TimeRange[] {
  if (segments.length <= max) return [...segments];
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (!first || !last) return [];
  const step = (last.endMs - first.startMs) / max;
  return Array.from({ length: max }, (_, i) => ({
    startMs: Math.round(first.startMs + i * step),
    endMs: i === max - 1 ? last.endMs : Math.round(first.startMs + (i + 1) * step),
  }));
}

/**
 * Runs a counting rule type (spike, flatline, new_term): at each segment end it plans its
 * counts, Elasticsearch computes them, and the rule type evaluates them.
 */
export async function evaluateAggregations(
  es: EsHandle,
  rule: RuleDefinition,
  ruleType: AggregatingRuleType<unknown>,
  typeState: unknown,
  segments: readonly TimeRange[],
): Promise<Evaluation> {
  let state = typeState;
  const matches: RuleMatch[] = [];
  const thinned = thinSegments(segments, MAX_EVALUATIONS_PER_RUN);
  for (const segment of ruleType.pickSegments ? ruleType.pickSegments(thinned) : thinned) {
    const at = { startMs: segment.startMs, endMs: segment.endMs };
    const results = [];
    for (const request of ruleType.plan(state, at)) results.push(await countByKeyAndRange(es, rule, request));
    const step = ruleType.evaluate(state, results, at);
    matches.push(...step.matches);
    state = step.state;
  }
  // Hits mean what they mean for every rule: documents in the time this run covered.
  const first = segments[0];
  const last = segments[segments.length - 1];
  const hits = first && last ? await countWindow(es, rule, first.startMs, last.endMs) : 0;
  return { typeState: state, matches, hits };
}
