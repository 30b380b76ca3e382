import { formatDuration } from '../config/duration.ts';
import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { AggregatingRuleType, EvaluationPoint, KeyCountRequest, KeyCountResult, KeyCounts } from './aggregating.ts';
import { formatEsTimestamp, pyStr, pyTruthy } from '../pycompat/index.ts';
import { failFor, metricIsInteger, pyFloat, type Fail, type NamedMetric } from './metric-options.ts';
import { durationOptionMs, queryKeyField, type StepResult } from './rule-type.ts';

export type SpikeType = 'up' | 'down' | 'both';

const SPIKE_TYPES: readonly SpikeType[] = ['up', 'down', 'both'];

function isSpikeType(value: unknown): value is SpikeType {
  return SPIKE_TYPES.some((t) => t === value);
}

/** The id of spike's one count request, and the names of its two ranges. */
const REQUEST_ID = 'spike';
const REF = 'ref';
const CUR = 'cur';

/** What is remembered of one query_key value (or of all documents, without query_key). */
export interface SpikeKey {
  /** The group's values in query_key order ([] without query_key): the key's identity. */
  values: (string | number | boolean)[];
  /**
   * The latest time the key's first document can have had, from what evaluations saw: the end
   * of the reference range when its first evaluation found documents (a non-zero value) there,
   * else that evaluation's end. Its reference window is full once it starts at or after this.
   */
  firstSeenMs: number;
  /** End of the evaluation that last alerted for this key; null if it never has. */
  lastAlertMs: number | null;
}

/**
 * Keys are an array, not an object keyed by value (as FrequencyState): key values become neither
 * JSON property names nor Elasticsearch field names when the state is persisted.
 *
 * Bound: per key its values and two numbers. After each evaluation the state holds the keys that
 * had documents in the last 2 x timeframe (the groups of that evaluation) plus the keys that
 * alerted less than 2 x timeframe ago (their reference restart is pending); the latter had
 * documents within the last 4 x timeframe, so the number of keys never exceeds the keys active
 * in the last 4 x timeframe, and is usually the keys active in the last 2 x timeframe.
 */
export interface SpikeState {
  keys: SpikeKey[];
}

/**
 * ElastAlert2's SpikeRule, counted in Elasticsearch. Per key, the documents (or the sum of
 * field_value) in the current window, the last timeframe, are compared with the reference
 * window, the timeframe before it. Kept from ElastAlert2: threshold_cur/threshold_ref gates,
 * "up" when cur >= ref * spike_height, "down" when cur <= ref / spike_height, "both" either;
 * no alert until a key has a full reference window unless alert_on_new_data (query_key only);
 * after an alert the key's reference window starts again.
 *
 * Design: the windows are exact ranges ending at the evaluated time, shared by all keys
 * (ElastAlert2 slides in-memory event windows, so its windows follow the newest event). The
 * per-key parts, "is the reference window full" and "has it restarted", are decided from the
 * state alone, no extra ranges are asked for: a key is ready when the reference range
 * (end - 2 x timeframe, end - timeframe] starts at or after both its firstSeenMs and its last
 * alert. After an alert at A the next possible alert is thus at A + 2 x timeframe, and its
 * reference range holds only documents after A: exactly a reference window restarted at A.
 *
 * "Full" made precise for counts: the key is known to have had a document at or before the
 * start of the reference range. ElastAlert2 asks that the newest event be 2 x timeframe after
 * the key's first event; with firstSeenMs an upper bound of that first event's time, LogWarden
 * never alerts before the key's first document is 2 x timeframe old, and, evaluating every
 * run_every, at most one run_every later than that.
 *
 * Kept or changed, with reasons:
 * - Changed: ElastAlert2 matches when both windows are 0 (0 >= 0 * spike_height). Here "up"
 *   needs cur > 0 and "down" needs ref > 0, so 0 against 0 never matches. Growth from nothing
 *   (ref 0, cur > 0) still is an "up" spike, as in ElastAlert2; threshold_ref prevents it.
 * - Changed: ElastAlert2 keeps a key's first event forever (unbounded memory) and so lets a key
 *   that returns after a long silence alert at once against its empty reference. Here a key
 *   without documents in the last 2 x timeframe (and no pending restart) is forgotten and
 *   has to fill its reference window again.
 * - Changed: ElastAlert2's process-wide "some reference window was filled once" gate for
 *   alert_on_new_data is dropped: it guards against in-memory windows that are empty after a
 *   start, while these counts come from Elasticsearch and are complete from the first run.
 *   A new rule (empty state) otherwise waits like ElastAlert2 after a start: keys with documents
 *   in the first reference range are ready one timeframe later, others two.
 * - Kept: alert_on_new_data waives the wait for new keys only (and only with query_key); the
 *   restart after an alert applies to every key (ElastAlert2's skip_checks).
 * - Kept: with field_value the field's averages per window are compared, as ElastAlert2 does
 *   (computed by Elasticsearch); threshold_cur/threshold_ref are ignored and both values must be
 *   non-zero. Negative averages never match: ratios of them mean nothing.
 * - Changed: the match time is the evaluated time, not the oldest document of the current window.
 * - Not kept: ElastAlert2 counts documents without the query_key field under the key "other";
 *   the count request groups only documents that have the fields, so those are not counted.
 */
export class SpikeRule implements AggregatingRuleType<SpikeState> {
  readonly needs = 'aggregations' as const;
  readonly #rule: RuleDefinition;
  readonly #timeframeMs: number;
  readonly #height: number;
  readonly #type: SpikeType;
  readonly #thresholdRef: number;
  readonly #thresholdCur: number;
  readonly #alertOnNewData: boolean;
  readonly #fieldValue: string | undefined;
  /** spike_aggregation: the metric compared instead of document counts (see spike-aggregation.ts). */
  readonly #metric: NamedMetric | undefined;
  readonly #minDocCount: number;

  constructor(rule: RuleDefinition, metric?: { metric: NamedMetric; minDocCount: number }) {
    this.#rule = rule;
    this.#metric = metric?.metric;
    this.#minDocCount = metric?.minDocCount ?? 0;
    const fail = failFor(rule);
    this.#timeframeMs = durationOptionMs(rule, 'timeframe');
    // Zero would make both windows empty ranges that can never hold a document.
    if (this.#timeframeMs <= 0) throw fail('timeframe', 'must be greater than 0', true);

    const height = rule.options['spike_height'];
    if (height === undefined) throw fail('spike_height', 'is required', true);
    if (typeof height !== 'number' || !Number.isFinite(height) || height <= 0) {
      throw fail('spike_height', `expected a number > 0, got ${show(height)}`);
    }
    this.#height = height;

    // Required as in ElastAlert2's schema; there it has no default either.
    const type = rule.options['spike_type'];
    if (type === undefined) throw fail('spike_type', 'is required', true);
    if (!isSpikeType(type)) throw fail('spike_type', `expected one of ${SPIKE_TYPES.join(', ')}, got ${show(type)}`);
    this.#type = type;

    this.#thresholdRef = thresholdOption(rule, 'threshold_ref', fail);
    this.#thresholdCur = thresholdOption(rule, 'threshold_cur', fail);
    // ElastAlert2 reads alert_on_new_data only with a query_key; without one there is one key,
    // which is never "new data".
    this.#alertOnNewData = rule.queryKey !== undefined && pyTruthy(rule.options['alert_on_new_data']);

    const fieldValue = rule.options['field_value'];
    if (fieldValue === undefined) this.#fieldValue = undefined;
    else if (typeof fieldValue === 'string' && fieldValue !== '') this.#fieldValue = fieldValue;
    else throw fail('field_value', `expected a field name, got ${show(fieldValue)}`);
    // use_count_query and use_terms_query are accepted and change nothing: ElastAlert2 uses them
    // to avoid fetching documents, and LogWarden always counts spikes in Elasticsearch anyway.
  }

  initialState(): SpikeState {
    return { keys: [] };
  }

  plan(_state: SpikeState, at: EvaluationPoint): KeyCountRequest[] {
    const tf = this.#timeframeMs;
    const request: KeyCountRequest = {
      id: REQUEST_ID,
      fields: [...(this.#rule.queryKey ?? [])],
      ranges: [
        { name: REF, startMs: at.endMs - 2 * tf, endMs: at.endMs - tf },
        { name: CUR, startMs: at.endMs - tf, endMs: at.endMs },
      ],
    };
    if (this.#fieldValue !== undefined) request.value = { field: this.#fieldValue, agg: 'avg' };
    if (this.#metric !== undefined) request.metric = this.#metric;
    return [request];
  }

  evaluate(state: SpikeState, results: readonly KeyCountResult[], at: EvaluationPoint): StepResult<SpikeState> {
    const result = results[0];
    if (result === undefined || result.id !== REQUEST_ID) {
      throw new Error(
        `rule "${this.#rule.name}" (${this.#rule.file}): spike expected the counts of request "${REQUEST_ID}", got ${result === undefined ? 'none' : JSON.stringify(result.id)}`,
      );
    }
    const refStartMs = at.endMs - 2 * this.#timeframeMs;
    const remembered = new Map(state.keys.map((k) => [JSON.stringify(k.values), k]));
    const keys: SpikeKey[] = [];
    const matches: RuleMatch[] = [];

    for (const group of result.groups) {
      const id = JSON.stringify(group.values);
      const ref = group.counts[REF] ?? 0;
      const cur = group.counts[CUR] ?? 0;
      // With a metric, counts stay document counts (for readiness and min_doc_count) and the
      // metric is compared; a metric Elasticsearch leaves empty (an average of nothing) never spikes.
      const refValue = this.#metric ? (group.metrics?.[REF] ?? null) : ref;
      const curValue = this.#metric ? (group.metrics?.[CUR] ?? null) : cur;
      const counted = this.#rule.queryKey === undefined || cur >= this.#minDocCount;
      // Entries are shared with `state` until they change, and then replaced, never modified.
      let key = remembered.get(id) ?? {
        values: [...group.values],
        firstSeenMs: ref !== 0 ? at.endMs - this.#timeframeMs : at.endMs,
        lastAlertMs: null,
      };
      remembered.delete(id);
      const direction =
        refValue !== null && curValue !== null && counted && this.#isReady(key, refStartMs)
          ? this.#direction(refValue, curValue)
          : undefined;
      if (direction !== undefined && refValue !== null && curValue !== null) {
        matches.push(this.#match(group, refValue, curValue, direction, at));
        key = { ...key, lastAlertMs: at.endMs };
      }
      keys.push(key);
    }
    // Keys without documents in either range cannot match (0 against 0); they are kept only
    // while their restart is pending, so that coming back soon does not skip it.
    for (const key of remembered.values()) {
      if (key.lastAlertMs !== null && refStartMs < key.lastAlertMs) keys.push(key);
    }
    return { state: { keys }, matches };
  }

  describeMatch(match: RuleMatch): string {
    const tf = formatDuration(this.#timeframeMs);
    const time = formatEsTimestamp(match.timestampMs);
    const cur = pyStr(match.body['spike_count']);
    const ref = pyStr(match.body['reference_count']);
    const forKey = match.key === undefined ? '' : ` for ${match.key}`;
    if (this.#metric !== undefined) {
      const what = `${this.#metric.type} of ${this.#metric.field}`;
      const round = (v: unknown): string =>
        typeof v !== 'number' ? pyStr(v) : metricIsInteger(this.#metric?.type ?? 'sum') ? pyStr(v) : pyFloat(Math.round(v * 100) / 100);
      return `An abnormal ${what} (${round(match.body['spike_count'])}) occurred in the ${tf} up to ${time}${forKey}.\nIn the ${tf} before that, the ${what} was (${round(match.body['reference_count'])}).`;
    }
    if (this.#fieldValue === undefined) {
      return `An abnormal number of events, ${cur}, occurred in the ${tf} up to ${time}${forKey}.\nIn the ${tf} before that, there were ${ref}.`;
    }
    return `An abnormal average of field '${this.#fieldValue}', ${cur}, occurred in the ${tf} up to ${time}${forKey}.\nIn the ${tf} before that, the average was ${ref}.`;
  }

  /** Whether the key's reference range starts after both its first document and its last alert. */
  #isReady(key: SpikeKey, refStartMs: number): boolean {
    if (key.lastAlertMs !== null && refStartMs < key.lastAlertMs) return false;
    return this.#alertOnNewData || refStartMs >= key.firstSeenMs;
  }

  /** ElastAlert2's find_matches, with 0 against 0 never a spike; "up" wins when both hold. */
  #direction(ref: number, cur: number): 'up' | 'down' | undefined {
    if (this.#fieldValue === undefined) {
      if (cur < this.#thresholdCur || ref < this.#thresholdRef) return undefined;
    } else if (ref === 0 || cur === 0) {
      return undefined;
    }
    // Multiplied and divided in doubles as ElastAlert2 does, so borderline cases (e.g. a height
    // of 1.1) come out the same.
    const up = cur > 0 && cur >= ref * this.#height;
    const down = ref > 0 && cur <= ref / this.#height;
    if (up && this.#type !== 'down') return 'up';
    if (down && this.#type !== 'up') return 'down';
    return undefined;
  }

  /**
   * The match as ElastAlert2 builds one from counts (a timestamp and the query_key value, plus
   * spike_count and reference_count), with the raw value of each query_key field and, for a
   * compound key, the joined value under "a,b". spike_type says which way this key spiked
   * ("up" or "down", also for spike_type both); ElastAlert2 has no such field.
   */
  #match(group: KeyCounts, ref: number, cur: number, direction: 'up' | 'down', at: EvaluationPoint): RuleMatch {
    const queryKey = this.#rule.queryKey;
    const keyFields: [string, string | number | boolean][] = [];
    queryKey?.forEach((field, i) => {
      const value = group.values[i];
      if (value !== undefined) keyFields.push([field, value]);
    });
    const key = queryKey === undefined ? undefined : group.values.map((v) => pyStr(v)).join(', ');
    const entries: [string, unknown][] = [[this.#rule.timestampField, formatEsTimestamp(at.endMs)], ...keyFields];
    const joinedField = queryKeyField(this.#rule);
    if (queryKey !== undefined && queryKey.length > 1 && joinedField !== undefined) entries.push([joinedField, key]);
    entries.push(['spike_count', cur], ['reference_count', ref], ['spike_type', direction]);
    return {
      timestampMs: at.endMs,
      key,
      // fromEntries: a field named like "__proto__" stays a field.
      body: Object.fromEntries(entries),
      sample: { startMs: at.endMs - this.#timeframeMs, endMs: at.endMs, fields: Object.fromEntries(keyFields) },
    };
  }
}

function thresholdOption(rule: RuleDefinition, name: string, fail: Fail): number {
  const value = rule.options[name];
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw fail(name, `expected a number >= 0, got ${show(value)}`);
  return value;
}

/** JSON.stringify would show NaN and Infinity as null. */
function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
