import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { AggregatingRuleType, EvaluationPoint, KeyCountRequest, KeyCountResult, KeyCounts, TimeRangeSpecLike } from './aggregating.ts';
import { calcMatch, calcRanges, calcWindowOf, pickCalcSegments, resultOf, type CalcRange, type CalcWindow } from './calc-window.ts';
import { pyStr } from '../pycompat/index.ts';
import {
  boundsOption,
  failFor,
  formatOption,
  metricIsInteger,
  metricOption,
  minDocCountOption,
  numberOption,
  outOfBounds,
  pyFloat,
  type Bounds,
  type NamedMetric,
} from './metric-options.ts';
import type { StepResult } from './rule-type.ts';

const REQUEST_ID = 'metric';

/** Nothing is remembered between evaluations: each one is computed from Elasticsearch whole. */
export type MetricAggregationState = Record<string, never>;

/**
 * ElastAlert2's MetricAggregationRule: a metric (min, max, avg, sum, cardinality, value_count or
 * one percentile) of metric_agg_key over the calculation window, per query_key value, compared
 * with max_threshold / min_threshold (both exclusive). Computed by Elasticsearch: one size-0
 * search per evaluation, the groups paged with a composite aggregation, the window (or each
 * bucket_interval bucket) a filter sub-aggregation holding the metric.
 *
 * Kept from ElastAlert2: the window is buffer_time (run_every with use_run_every_query_size) and
 * ends at the evaluated time, every run; each bucket is checked; a match carries
 * `metric_<key>_<type>` and `metric_agg_value` (and their `_formatted` twins with
 * metric_format_string), the query_key value(s), and the bucket's start (else the window end) as
 * its time; keys with fewer than min_doc_count documents in the window are skipped; without
 * query_key a window without documents still has a metric (a sum of 0), which min_threshold sees.
 *
 * Changed: every query_key value is evaluated (composite paging), not the top terms_size (50);
 * compound query_key values are grouped by all fields at once; a metric Elasticsearch leaves
 * empty (the average of no documents) never matches. The match gets example documents of its
 * key and range (the run's samples), so alert text can name a user or a destination; the fields
 * ElastAlert2 sets always win over a sample's.
 */
export class MetricAggregationRule implements AggregatingRuleType<MetricAggregationState> {
  readonly needs = 'aggregations' as const;
  readonly #rule: RuleDefinition;
  readonly #metric: NamedMetric;
  readonly #window: CalcWindow;
  readonly #bounds: Bounds;
  readonly #minDocCount: number;
  readonly #format: ((value: number) => string) | undefined;

  constructor(rule: RuleDefinition) {
    this.#rule = rule;
    const fail = failFor(rule);
    this.#metric = metricOption(rule, fail);
    this.#window = calcWindowOf(rule, fail);
    this.#bounds = boundsOption(rule, { max: 'max_threshold', min: 'min_threshold', type: 'metric_aggregation' }, numberOption, fail);
    this.#minDocCount = minDocCountOption(rule, fail);
    this.#format = formatOption(rule, 'metric_format_string', fail);
  }

  initialState(): MetricAggregationState {
    return {};
  }

  plan(_state: MetricAggregationState, at: EvaluationPoint): KeyCountRequest[] {
    return [{ id: REQUEST_ID, fields: [...(this.#rule.queryKey ?? [])], ranges: calcRanges(this.#window, at.endMs), metric: this.#metric }];
  }

  pickSegments(segments: readonly TimeRangeSpecLike[]): TimeRangeSpecLike[] {
    return pickCalcSegments(this.#window, segments);
  }

  evaluate(state: MetricAggregationState, results: readonly KeyCountResult[], at: EvaluationPoint): StepResult<MetricAggregationState> {
    const result = resultOf(this.#rule, results, REQUEST_ID);
    const ranges = calcRanges(this.#window, at.endMs);
    const matches: RuleMatch[] = [];
    for (const group of result.groups) {
      if (!passesMinDocCount(this.#rule, group, this.#minDocCount)) continue;
      for (const range of ranges) {
        const value = group.metrics?.[range.name] ?? null;
        if (value !== null && this.#crossed(value)) matches.push(this.#match(group, range, value));
      }
    }
    return { state, matches };
  }

  describeMatch(match: RuleMatch): string {
    const value = match.body[this.#metric.name];
    const shown =
      this.#format && typeof value === 'number' ? this.#format(value) : metricIsInteger(this.#metric.type) ? pyStr(value) : pyFloat(value);
    return `Threshold violation, ${this.#metric.type}:${this.#metric.field} ${shown} (min: ${pyStr(this.#bounds.min)} max : ${pyStr(this.#bounds.max)})`;
  }

  /** ElastAlert2's crossed_thresholds: strictly above max or strictly below min. */
  #crossed(value: number): boolean {
    return outOfBounds(this.#bounds, value);
  }

  #match(group: KeyCounts, range: CalcRange, value: number): RuleMatch {
    const fields: Record<string, unknown> = { [this.#metric.name]: value, metric_agg_value: value };
    if (this.#format) {
      fields[`${this.#metric.name}_formatted`] = this.#format(value);
      fields['metric_agg_value_formatted'] = this.#format(value);
    }
    return calcMatch(this.#rule, group, range, fields);
  }
}

/** ElastAlert2's terms min_doc_count: with query_key, a key needs this many documents in the evaluated window. */
export function passesMinDocCount(rule: RuleDefinition, group: KeyCounts, minDocCount: number): boolean {
  if (rule.queryKey === undefined) return true;
  return Object.values(group.counts).reduce((n, c) => n + c, 0) >= minDocCount;
}
