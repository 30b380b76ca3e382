import type { RuleDefinition } from '../rules/types.ts';
import { failFor, metricOption, minDocCountOption } from './metric-options.ts';
import { SpikeRule } from './spike.ts';

/**
 * Options of ElastAlert2's per-run calculation window. spike_aggregation computes the metric over
 * each of its two timeframe windows directly, so there is no per-run window for them to shape.
 */
const NOT_APPLICABLE: Readonly<Record<string, string>> = {
  bucket_interval: 'spike_aggregation compares two whole timeframe windows (ElastAlert2 refuses it too)',
  sync_bucket_interval: 'spike_aggregation has no buckets',
  use_run_every_query_size: 'spike_aggregation computes the metric over each timeframe window in Elasticsearch, not per run',
  allow_buffer_time_overlap: 'spike_aggregation computes the metric over each timeframe window in Elasticsearch, not per run',
  field_value: 'spike_aggregation compares metric_agg_type of metric_agg_key; field_value belongs to spike',
};

/**
 * ElastAlert2's SpikeMetricAggregationRule: spike's two windows (current: the last timeframe,
 * reference: the timeframe before it), compared on a metric of metric_agg_key instead of a
 * document count, with spike_height, spike_type, threshold_cur, threshold_ref,
 * alert_on_new_data and min_doc_count (documents of the key in the current window). Everything
 * spike keeps or changes holds here too (see spike.ts).
 *
 * Changed, deliberately: ElastAlert2 computes the metric once per run over that run's query
 * window and feeds those values into spike's windows, where avg, min and max are the mean,
 * minimum and maximum of the per-run values and every other type their sum (so cardinality
 * counts a value again in every run it occurs in, and percentiles add up). Here Elasticsearch
 * computes the metric over each window itself: the true average, distinct count or percentile
 * of the window's documents. The match carries spike_count and reference_count as metric values.
 */
export function createSpikeAggregationRule(rule: RuleDefinition): SpikeRule {
  const fail = failFor(rule);
  for (const [option, why] of Object.entries(NOT_APPLICABLE)) {
    if (rule.options[option] !== undefined) throw fail(option, `not supported: ${why}`);
  }
  return new SpikeRule(rule, { metric: metricOption(rule, fail), minDocCount: minDocCountOption(rule, fail) });
}
