import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { AggregatingRuleType, EvaluationPoint, KeyCountRequest, KeyCountResult } from './aggregating.ts';
import { resultOf } from './calc-window.ts';
import { formatEsTimestamp, pyStr } from '../pycompat/index.ts';
import { boundsOption, failFor, show, type Bounds, type Fail } from './metric-options.ts';
import { durationOptionMs, queryKeyField, type StepResult } from './rule-type.ts';

const REQUEST_ID = 'cardinality';
const WINDOW = 'w';
/** The part of the window new since the previous evaluation: max_cardinality matches only with documents in it. */
const FRESH = 'new';

type Value = string | number | boolean;

/** A key min_cardinality watches: seen with documents, and since when its timeframe counts. */
export interface CardinalityKey {
  values: Value[];
  /** The evaluation that first saw it (or saw it again after its last alert). */
  sinceMs: number;
}

/**
 * Only min_cardinality needs memory: which keys exist, so that one whose values dry up (to none
 * at all) is still checked. Bound: a key enters when an evaluation finds documents for it and
 * leaves when it alerts; a key without documents has cardinality 0 and alerts (leaves) one
 * timeframe after it entered, so the state holds at most the keys with documents in the last
 * timeframe plus those seen within the timeframe before. With only max_cardinality it holds only
 * the previous evaluation's end.
 */
export interface CardinalityState {
  keys: CardinalityKey[];
  /**
   * The previous evaluation's end. Before the first evaluation there is none, and every document
   * in the window counts as new: ElastAlert2's first run reads buffer_time back and matches at
   * the events it finds there.
   */
  evaluatedMs?: number;
}

/**
 * ElastAlert2's CardinalityRule: the number of distinct values of cardinality_field per
 * query_key value within timeframe; a match when it is above max_cardinality or below
 * min_cardinality (both exclusive).
 *
 * Counted in Elasticsearch at each evaluation over (end - timeframe, end]: exactly, from a
 * composite aggregation over the (query_key..., cardinality_field) pairs, while the window holds
 * at most 20,000 such pairs; beyond that with the cardinality aggregation (near-exact below 3000
 * values per key), and the match says so in `cardinality_approximate`.
 *
 * Changed, deliberately: ElastAlert2 re-checks after every event over the timeframe before that
 * event, on documents it has read. LogWarden checks the timeframe that ends at each evaluation
 * (every run_every), so a burst is seen up to run_every later, and a burst spread so that no
 * evaluation window holds all of it can be missed (choose run_every well below timeframe). In
 * return no document is read, and counts survive restarts because they come from Elasticsearch.
 *
 * Kept: with max_cardinality an evaluation is a match when the key is above the limit and has
 * documents new since the previous evaluation, as ElastAlert2 matches at every event of the key
 * while above it (one match per evaluation, not per event; realert keeps the alerts apart). A key
 * that stays above only because old values are still in the window, with no new event, does not
 * match again (the conformance case cardinality-repeat found LogWarden alerting every run_every
 * until the window emptied). With min_cardinality a key is
 * checked only once timeframe has passed since it was first seen, and after a match it has to
 * be seen again and wait a timeframe again; a key that went quiet (no values) alerts once.
 * Changed: the match is not the newest document but the evaluated time, the query_key value(s)
 * and `cardinality` (the count), filled in with the newest document of the key in the window
 * (the run's samples) where there is one; a key is known from documents that carry the
 * cardinality field (ElastAlert2 also counts documents without it as the key's first event).
 */
export class CardinalityRule implements AggregatingRuleType<CardinalityState> {
  readonly needs = 'aggregations' as const;
  readonly #rule: RuleDefinition;
  readonly #field: string;
  readonly #timeframeMs: number;
  readonly #bounds: Bounds;

  constructor(rule: RuleDefinition) {
    this.#rule = rule;
    const fail = failFor(rule);
    const field = rule.options['cardinality_field'];
    if (typeof field !== 'string' || field === '') throw fail('cardinality_field', `expected a field name, got ${show(field)}`);
    this.#field = field;
    this.#timeframeMs = durationOptionMs(rule, 'timeframe');
    if (this.#timeframeMs <= 0) throw fail('timeframe', 'must be greater than 0', true);
    this.#bounds = boundsOption(rule, { max: 'max_cardinality', min: 'min_cardinality', type: 'cardinality' }, countOption, fail);
  }

  initialState(): CardinalityState {
    return { keys: [] };
  }

  plan(state: CardinalityState, at: EvaluationPoint): KeyCountRequest[] {
    const windowStartMs = at.endMs - this.#timeframeMs;
    const freshStartMs = state.evaluatedMs === undefined ? windowStartMs : Math.min(state.evaluatedMs, at.startMs);
    return [
      {
        id: REQUEST_ID,
        fields: [...(this.#rule.queryKey ?? [])],
        ranges: [
          { name: WINDOW, startMs: windowStartMs, endMs: at.endMs },
          ...(this.#bounds.max !== undefined ? [{ name: FRESH, startMs: freshStartMs, endMs: at.endMs }] : []),
        ],
        distinct: this.#field,
      },
    ];
  }

  evaluate(state: CardinalityState, results: readonly KeyCountResult[], at: EvaluationPoint): StepResult<CardinalityState> {
    const result = resultOf(this.#rule, results, REQUEST_ID);
    const approximate = result.approximate === true;
    const matches: RuleMatch[] = [];
    const remembered = new Map(state.keys.map((k) => [JSON.stringify(k.values), k]));
    const keys: CardinalityKey[] = [];
    for (const group of result.groups) {
      const n = group.counts[WINDOW] ?? 0;
      if (n === 0) continue;
      const id = JSON.stringify(group.values);
      if (this.#bounds.max !== undefined && n > this.#bounds.max && (group.counts[FRESH] ?? 0) > 0)
        matches.push(this.#match(group.values, n, approximate, at));
      if (this.#bounds.min === undefined) continue;
      const key = remembered.get(id) ?? { values: [...group.values], sinceMs: at.endMs };
      remembered.delete(id);
      if (this.#belowMin(key, n, at)) matches.push(this.#match(group.values, n, approximate, at));
      else keys.push(key);
    }
    // Keys with no value in the window: cardinality 0.
    for (const key of remembered.values()) {
      if (this.#belowMin(key, 0, at)) matches.push(this.#match(key.values, 0, approximate, at));
      else keys.push(key);
    }
    return { state: { keys, evaluatedMs: at.endMs }, matches };
  }

  describeMatch(match: RuleMatch): string {
    const start = formatEsTimestamp(match.timestampMs - this.#timeframeMs);
    const end = formatEsTimestamp(match.timestampMs);
    const limit = this.#bounds.max !== undefined ? `A maximum of ${this.#bounds.max}` : `Less than ${pyStr(this.#bounds.min)}`;
    return `${limit} unique ${this.#field}(s) occurred since last alert or between ${start} and ${end}`;
  }

  /** Below min_cardinality once timeframe has passed since the key was first seen (ElastAlert2's timeframe_elapsed). */
  #belowMin(key: CardinalityKey, n: number, at: EvaluationPoint): boolean {
    return this.#bounds.min !== undefined && n < this.#bounds.min && at.endMs - key.sinceMs > this.#timeframeMs;
  }

  #match(values: readonly Value[], n: number, approximate: boolean, at: EvaluationPoint): RuleMatch {
    const queryKey = this.#rule.queryKey;
    const keyFields: [string, Value][] = [];
    queryKey?.forEach((field, i) => {
      const value = values[i];
      if (value !== undefined) keyFields.push([field, value]);
    });
    // As ElastAlert2 keys documents: str() of one value, a compound key joined with ", " under "a,b".
    const key = queryKey === undefined ? undefined : values.map((v) => pyStr(v)).join(', ');
    const entries: [string, unknown][] = [[this.#rule.timestampField, formatEsTimestamp(at.endMs)], ...keyFields];
    const joined = queryKeyField(this.#rule);
    if (queryKey !== undefined && queryKey.length > 1 && joined !== undefined) entries.push([joined, key]);
    entries.push(['cardinality', n]);
    if (approximate) entries.push(['cardinality_approximate', true]);
    return {
      timestampMs: at.endMs,
      key,
      body: Object.fromEntries(entries),
      sample: { startMs: at.endMs - this.#timeframeMs, endMs: at.endMs, fields: Object.fromEntries(keyFields) },
    };
  }
}

function countOption(rule: RuleDefinition, name: string, fail: Fail): number | undefined {
  const value = rule.options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw fail(name, `expected an integer >= 0, got ${show(value)}`);
  return value;
}
