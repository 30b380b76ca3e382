import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import type {
  AggregatingRuleType,
  EvaluationPoint,
  KeyCountRequest,
  KeyCountResult,
  KeyCounts,
  TimeRangeSpec,
  TimeRangeSpecLike,
} from './aggregating.ts';
import { calcMatch, calcRanges, calcWindowOf, pickCalcSegments, resultOf, type CalcRange, type CalcWindow } from './calc-window.ts';
import { isPlainObject, pyStr } from '../pycompat/index.ts';
import {
  boundsOption,
  failFor,
  formatOption,
  minDocCountOption,
  numberOption,
  outOfBounds,
  pyFloat,
  show,
  type Bounds,
} from './metric-options.ts';
import type { StepResult } from './rule-type.ts';

const REQUEST_ID = 'percentage';
/** Suffix of the range that counts only the match bucket's documents. */
const MATCHING = ':match';

export type PercentageMatchState = Record<string, never>;

/**
 * ElastAlert2's PercentageMatchRule: of the documents the rule's filter finds in the calculation
 * window (per query_key value, per bucket with bucket_interval), the percentage that also match
 * match_bucket_filter, compared with max_percentage / min_percentage (exclusive). Counted by
 * Elasticsearch in one size-0 search per evaluation: per group and range two filter
 * sub-aggregations, all documents and the matching ones (ElastAlert2 asks for a filters
 * aggregation with an "other" bucket, which adds up to the same two numbers).
 *
 * Kept: no match when the window has no documents or fewer than min_denominator; the match carries
 * `percentage` (0-100), `denominator` (the documents counted), `percentage_formatted` with
 * percentage_format_string, the query_key value(s), and the bucket's start (else the window end)
 * as its time; the window options (use_run_every_query_size, bucket_interval,
 * sync_bucket_interval, allow_buffer_time_overlap, min_doc_count) are those of metric_aggregation.
 * Changed: every query_key value is evaluated, not the top terms_size (50); a compound query_key
 * works (ElastAlert2's fails on it).
 */
export class PercentageMatchRule implements AggregatingRuleType<PercentageMatchState> {
  readonly needs = 'aggregations' as const;
  readonly #rule: RuleDefinition;
  readonly #window: CalcWindow;
  readonly #matchFilter: Record<string, unknown>[];
  readonly #bounds: Bounds;
  readonly #minDenominator: number;
  readonly #minDocCount: number;
  readonly #format: ((value: number) => string) | undefined;

  constructor(rule: RuleDefinition) {
    this.#rule = rule;
    const fail = failFor(rule);
    const filter = rule.options['match_bucket_filter'];
    if (isPlainObject(filter)) this.#matchFilter = [filter];
    else if (Array.isArray(filter) && filter.length > 0 && filter.every(isPlainObject)) this.#matchFilter = filter;
    else throw fail('match_bucket_filter', `expected query DSL (a mapping or a list of mappings), got ${show(filter)}`);
    this.#window = calcWindowOf(rule, fail);
    this.#bounds = boundsOption(rule, { max: 'max_percentage', min: 'min_percentage', type: 'percentage_match' }, numberOption, fail);
    const minDenominator = numberOption(rule, 'min_denominator', fail) ?? 0;
    if (minDenominator < 0) throw fail('min_denominator', `expected a number >= 0, got ${minDenominator}`);
    this.#minDenominator = minDenominator;
    this.#minDocCount = minDocCountOption(rule, fail);
    this.#format = formatOption(rule, 'percentage_format_string', fail);
  }

  initialState(): PercentageMatchState {
    return {};
  }

  plan(_state: PercentageMatchState, at: EvaluationPoint): KeyCountRequest[] {
    const ranges: TimeRangeSpec[] = [];
    for (const r of calcRanges(this.#window, at.endMs)) {
      ranges.push({ name: r.name, startMs: r.startMs, endMs: r.endMs });
      ranges.push({ name: r.name + MATCHING, startMs: r.startMs, endMs: r.endMs, filter: this.#matchFilter });
    }
    return [{ id: REQUEST_ID, fields: [...(this.#rule.queryKey ?? [])], ranges }];
  }

  pickSegments(segments: readonly TimeRangeSpecLike[]): TimeRangeSpecLike[] {
    return pickCalcSegments(this.#window, segments);
  }

  evaluate(state: PercentageMatchState, results: readonly KeyCountResult[], at: EvaluationPoint): StepResult<PercentageMatchState> {
    const result = resultOf(this.#rule, results, REQUEST_ID);
    const ranges = calcRanges(this.#window, at.endMs);
    const matches: RuleMatch[] = [];
    for (const group of result.groups) {
      const docs = ranges.reduce((n, r) => n + (group.counts[r.name] ?? 0), 0);
      if (this.#rule.queryKey !== undefined && docs < this.#minDocCount) continue;
      for (const range of ranges) {
        const total = group.counts[range.name] ?? 0;
        if (total === 0 || total < this.#minDenominator) continue;
        const percentage = ((group.counts[range.name + MATCHING] ?? 0) / total) * 100;
        if (this.#violated(percentage)) matches.push(this.#match(group, range, percentage, total));
      }
    }
    return { state, matches };
  }

  describeMatch(match: RuleMatch): string {
    const value = match.body['percentage'];
    const shown = this.#format && typeof value === 'number' ? this.#format(value) : pyFloat(value);
    return `Percentage violation, value: ${shown} (min: ${pyStr(this.#bounds.min)} max : ${pyStr(this.#bounds.max)}) of ${pyStr(match.body['denominator'])} items`;
  }

  #violated(percentage: number): boolean {
    return outOfBounds(this.#bounds, percentage);
  }

  #match(group: KeyCounts, range: CalcRange, percentage: number, total: number): RuleMatch {
    const fields: Record<string, unknown> = { percentage, denominator: total };
    if (this.#format) fields['percentage_formatted'] = this.#format(percentage);
    return calcMatch(this.#rule, group, range, fields);
  }
}
