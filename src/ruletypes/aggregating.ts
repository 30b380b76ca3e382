import type { RuleMatch } from '../rules/types.ts';
import type { StepResult } from './rule-type.ts';

/** A named time range: start exclusive, end inclusive, as every LogWarden window. */
export interface TimeRangeSpec {
  name: string;
  startMs: number;
  endMs: number;
  /** Query DSL clauses (ANDed) a document must also match to count in this range (percentage_match's match bucket). */
  filter?: readonly Record<string, unknown>[];
}

/** Elasticsearch metric aggregations a rule can compute per group and range (ElastAlert2's metric_agg_type). */
export const METRIC_TYPES = ['min', 'max', 'avg', 'sum', 'cardinality', 'value_count', 'percentiles'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/** One metric per group and range, computed by Elasticsearch. */
export interface MetricSpec {
  type: MetricType;
  /** The field aggregated; ignored by Elasticsearch when `script` is given. */
  field: string;
  /** metric_agg_script: the aggregation body (e.g. `{script: "..."}`) used instead of `{field}`. */
  script?: Readonly<Record<string, unknown>>;
  /** percentile_range, for percentiles. */
  percent?: number;
}

/**
 * A count a rule type asks the run to make in Elasticsearch: documents matching the rule's
 * filter, grouped by the values of `fields` (every combination that occurs, paged with a
 * composite aggregation, never a top-N), counted per named time range. No documents are read.
 */
export interface KeyCountRequest {
  /** The rule type's own name for the request, echoed in the result. */
  id: string;
  /** Fields to group by; [] gives a single group for all documents. */
  fields: readonly string[];
  ranges: readonly TimeRangeSpec[];
  /** Also count, per range, the documents that lack any of `fields` (new_term alert_on_missing_field). */
  countMissing?: boolean;
  /**
   * Each range holds the sum or the average of this numeric field instead of a document count
   * (spike's field_value compares averages, as ElastAlert2); the average of no documents is 0.
   */
  value?: { field: string; agg: 'sum' | 'avg' };
  /**
   * Also compute this metric per range; the result's `metrics` hold it (null where Elasticsearch
   * has no value, e.g. the average of no documents), while `counts` stay document counts.
   */
  metric?: MetricSpec;
  /**
   * Count distinct values of this field per group and range instead of documents (cardinality).
   * Exact while the distinct (group, value) pairs are few, else Elasticsearch's approximate
   * cardinality aggregation; the result says which in `approximate`.
   */
  distinct?: string;
}

/** One group: the values of the request's fields (in order) and its count per range name. */
export interface KeyCounts {
  values: readonly (string | number | boolean)[];
  /** Count per range name; a range with no document in this group is 0. */
  counts: Readonly<Record<string, number>>;
  /** With a metric request: the metric per range name (null: no value). */
  metrics?: Readonly<Record<string, number | null>>;
}

export interface KeyCountResult {
  id: string;
  /** Groups with at least one document in at least one range. */
  groups: readonly KeyCounts[];
  /** With countMissing: documents lacking a field, per range name. */
  missing?: Readonly<Record<string, number>>;
  /** With a distinct request: true when the counts came from the approximate cardinality aggregation. */
  approximate?: boolean;
}

/** What an evaluation looks at: the end of the time being evaluated and the run's window. */
export interface EvaluationPoint {
  /** Evaluate "as of" this time (a segment end); trailing windows end here. */
  endMs: number;
  /** The part of time that is new since the previous evaluation (start exclusive). */
  startMs: number;
}

/**
 * A rule type that counts in Elasticsearch instead of reading documents (spike, flatline,
 * new_term). Pure like RuleType: `plan` says what to count, the run executes it, `evaluate`
 * turns the counts into matches. The run calls plan/evaluate once per run_every-sized segment
 * between the last evaluated end and now, so an outage is caught up step by step.
 */
export interface AggregatingRuleType<S> {
  readonly needs: 'aggregations';
  initialState(): S;
  plan(state: S, at: EvaluationPoint): KeyCountRequest[];
  /** `results` are in the order of plan()'s requests. */
  evaluate(state: S, results: readonly KeyCountResult[], at: EvaluationPoint): StepResult<S>;
  describeMatch(match: RuleMatch): string;
  /**
   * Which of the run's evaluation points to evaluate (each given one covers the time since the
   * previous one); all of them when absent. Returned points must cover the same time, in order.
   */
  pickSegments?(segments: readonly TimeRangeSpecLike[]): TimeRangeSpecLike[];
}

/** A time range (start exclusive, end inclusive). */
export interface TimeRangeSpecLike {
  startMs: number;
  endMs: number;
}
