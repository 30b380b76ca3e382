import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { KeyCountResult, KeyCounts, TimeRangeSpec, TimeRangeSpecLike } from './aggregating.ts';
import { formatEsTimestamp, pyTruthy } from '../pycompat/index.ts';
import { queryKeyEntries, type Fail } from './metric-options.ts';
import { durationOptionMs } from './rule-type.ts';

/**
 * The calculation window of ElastAlert2's BaseAggregationRule types (metric_aggregation,
 * percentage_match): buffer_time, or run_every with use_run_every_query_size, optionally cut
 * into bucket_interval buckets.
 */
/** Buckets per calculation window, at most (a week of 10-minute buckets). */
export const MAX_BUCKETS = 1008;

export interface CalcWindow {
  windowMs: number;
  runEveryMs: number;
  bucketMs: number | undefined;
  /** sync_bucket_interval: buckets on Elasticsearch's date_histogram grid (multiples of the interval since the epoch). */
  sync: boolean;
  /** allow_buffer_time_overlap. */
  overlap: boolean;
}

/** One range to evaluate, with the time its match carries (a bucket's start, as ElastAlert2's bucket key; else the window end). */
export interface CalcRange extends TimeRangeSpec {
  matchTimeMs: number;
}

export function calcWindowOf(rule: RuleDefinition, fail: Fail): CalcWindow {
  const useRunEvery = pyTruthy(rule.options['use_run_every_query_size']);
  const windowMs = useRunEvery ? rule.runEveryMs : rule.bufferTimeMs;
  const windowName = useRunEvery ? 'run_every' : 'buffer_time';
  if (!(windowMs > 0)) throw fail(windowName, `must be greater than 0: it is this rule type's calculation window`, true);
  let bucketMs: number | undefined;
  if (rule.options['bucket_interval'] !== undefined) {
    bucketMs = durationOptionMs(rule, 'bucket_interval');
    if (bucketMs <= 0) throw fail('bucket_interval', 'must be greater than 0', true);
    // As ElastAlert2 refuses: the window must hold whole buckets.
    if (windowMs % bucketMs !== 0) throw fail('bucket_interval', `${windowName} must be a multiple of bucket_interval`);
    // Each bucket is a sub-aggregation per key in every evaluation's search.
    if (windowMs / bucketMs > MAX_BUCKETS)
      throw fail('bucket_interval', `at most ${MAX_BUCKETS} buckets per ${windowName}, got ${windowMs / bucketMs}`);
  }
  return {
    windowMs,
    runEveryMs: rule.runEveryMs,
    bucketMs,
    sync: pyTruthy(rule.options['sync_bucket_interval']),
    overlap: pyTruthy(rule.options['allow_buffer_time_overlap']),
  };
}

/**
 * The ranges evaluated at `endMs`: the window (endMs - window, endMs] as one range, or its
 * buckets. Without sync_bucket_interval the buckets start at the window start (ElastAlert2's
 * date_histogram offset); with it they lie on the interval grid, from the grid line at or before
 * the window start up to endMs, so the last bucket can be partial, as in ElastAlert2.
 */
export function calcRanges(w: CalcWindow, endMs: number): CalcRange[] {
  const startMs = endMs - w.windowMs;
  if (w.bucketMs === undefined) return [{ name: 'w', startMs, endMs, matchTimeMs: endMs }];
  const step = w.bucketMs;
  const first = w.sync ? Math.floor(startMs / step) * step : startMs;
  const ranges: CalcRange[] = [];
  for (let s = first, i = 0; s < endMs; s += step, i++)
    ranges.push({ name: `b${i}`, startMs: s, endMs: Math.min(s + step, endMs), matchTimeMs: s });
  return ranges;
}

/**
 * allow_buffer_time_overlap, for a run that catches up several evaluation points (after a restart
 * or an outage). Every window ends at its point and spans the whole calculation window, so it is
 * never partial. With the option (or a window no longer than run_every) every point is
 * evaluated. Without it, as ElastAlert2 queries a catch-up in consecutive windows that do not
 * overlap, the points are one calculation window apart, counted from the previous evaluation, and
 * the newest point is always evaluated. A normal run has one point and is always evaluated.
 */
export function pickCalcSegments(w: CalcWindow, segments: readonly TimeRangeSpecLike[]): TimeRangeSpecLike[] {
  const first = segments[0];
  if (w.overlap || w.windowMs <= w.runEveryMs || segments.length <= 1 || first === undefined) return [...segments];
  const picked: TimeRangeSpecLike[] = [];
  let from = first.startMs;
  segments.forEach((segment, i) => {
    if (segment.endMs - from >= w.windowMs || i === segments.length - 1) {
      picked.push({ startMs: from, endMs: segment.endMs });
      from = segment.endMs;
    }
  });
  return picked;
}

/** The one result an aggregation rule type asked for, or an error naming the rule. */
export function resultOf(rule: RuleDefinition, results: readonly KeyCountResult[], id: string): KeyCountResult {
  const result = results[0];
  if (result === undefined || result.id !== id)
    throw new Error(`rule "${rule.name}" (${rule.file}): ${rule.type} expected the result of request "${id}"`);
  return result;
}

/**
 * A match of metric_aggregation or percentage_match, as ElastAlert2 builds it: the range's match
 * time, the rule type's fields, the query_key value(s); with the key's documents of the range as
 * the place to take example documents from.
 */
export function calcMatch(rule: RuleDefinition, group: KeyCounts, range: CalcRange, fields: Readonly<Record<string, unknown>>): RuleMatch {
  const qk = queryKeyEntries(rule, group.values);
  const body: Record<string, unknown> = { [rule.timestampField]: formatEsTimestamp(range.matchTimeMs), ...fields, ...qk.body };
  return { timestampMs: range.matchTimeMs, key: qk.key, body, sample: { startMs: range.startMs, endMs: range.endMs, fields: qk.fields } };
}
