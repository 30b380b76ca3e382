import { MAX_COUNT, RUN_EVERY } from '../config/bounds.ts';
import type { Schema } from '../config/validate.ts';
import { alerterOptionProperties, otherAlerterOptionPatterns } from './alerter-options.ts';

/** Every rule type ElastAlert2 ships; all lint, the engine decides which it can run. */
export const RULE_TYPES = [
  'any', 'frequency', 'spike', 'flatline', 'new_term', 'cardinality', 'metric_aggregation',
  'spike_aggregation', 'percentage_match', 'blacklist', 'whitelist', 'change',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const TIMESTAMP_TYPES = ['iso', 'unix', 'unix_ms', 'custom'] as const;
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

const str: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const bool: Schema = { type: 'boolean' };
const int: Schema = { type: 'integer' };
const atLeastOne: Schema = { type: 'integer', minimum: 1, maximum: MAX_COUNT };
const atLeastZero: Schema = { type: 'integer', minimum: 0, maximum: MAX_COUNT };
const num: Schema = { type: 'number' };
const duration: Schema = { 'x-duration': true };
const mapping: Schema = { type: 'object' };
const strList: Schema = { type: 'array', items: str };
const strOrList: Schema = { type: ['string', 'array'], items: str };
const secret: Schema = { type: 'string', 'x-secret': true };
// Query DSL is Elasticsearch's to check; a clause only has to be a mapping.
const clauses: Schema = { type: 'array', items: mapping };
const metricAggType: Schema = { enum: ['min', 'max', 'avg', 'sum', 'cardinality', 'value_count', 'percentiles'] };
const spikeType: Schema = { enum: ['up', 'down', 'both'] };

const common: Record<string, Schema> = {
  name: nonEmpty,
  type: { enum: RULE_TYPES },
  index: nonEmpty,
  use_strftime_index: bool,
  search_extra_index: bool,
  filter: clauses,
  timestamp_field: nonEmpty,
  timestamp_type: { enum: TIMESTAMP_TYPES },
  timestamp_format: str,
  timestamp_format_expr: str,
  timestamp_to_datetime_format_expr: str,
  query_key: strOrList,
  // ElastAlert2 derives it from a list query_key; a rule may also give it itself.
  compound_query_key: strList,
  run_every: { 'x-duration': RUN_EVERY },
  buffer_time: duration,
  query_delay: duration,
  realert: duration,
  realert_key: str,
  exponential_realert: duration,
  // Either a duration or {schedule: cron}; checked in code, where both forms get a clear message.
  aggregation: { type: ['object', 'string'] },
  aggregation_key: strOrList,
  aggregate_by_match_time: bool,
  aggregation_alert_time_compared_with_timestamp_field: bool,
  // A field name, or {path: field, header: column title} (ElastAlert2 2.31).
  summary_table_fields: {
    type: ['string', 'array'],
    items: { anyOf: [str, { type: 'object', properties: { path: nonEmpty, header: str }, required: ['path'], additionalProperties: false }] },
  },
  summary_table_type: { enum: ['ascii', 'html', 'markdown'] },
  summary_table_max_rows: atLeastZero,
  summary_prefix: str,
  summary_suffix: str,
  // Entries are checked in code: names against the known alerters, options against alerter schemas.
  alert: { type: ['string', 'array'] },
  import: strOrList,
  is_enabled: bool,
  description: str,
  owner: str,
  priority: int,
  category: str,
  tags: strList,
  severity: { enum: SEVERITIES },
  references: strList,
  alert_text: str,
  alert_text_args: strList,
  alert_text_kw: mapping,
  alert_text_type: { enum: ['alert_text_only', 'alert_text_jinja', 'exclude_fields', 'aggregation_summary_only'] },
  alert_subject: str,
  alert_subject_args: strList,
  alert_subject_max_len: atLeastOne,
  alert_missing_value: str,
  jinja_root_name: str,
  jinja_template_path: str,
  max_query_size: atLeastOne,
  max_scrolling: atLeastZero,
  include: strList,
  include_fields: strList,
  include_rule_params_in_matches: strList,
  include_rule_params_in_first_match_only: bool,
  top_count_keys: strList,
  top_count_number: atLeastOne,
  raw_count_keys: bool,
  scan_entire_timeframe: bool,
  use_local_time: bool,
  custom_pretty_ts_format: str,
  query_timezone: str,
  match_enhancements: strList,
  run_enhancements_first: bool,
  jinja_filters: strList,
  replace_dots_in_field_names: bool,
  _source_enabled: bool,
  include_match_in_root: bool,
  limit_execution: str,
  misfire_grace_time: int,
  max_threads: atLeastOne,
  // Ours.
  max_alerts_per_hour: atLeastOne,
  notify_on_recovery: bool,
};

const kibana: Record<string, Schema> = {
  generate_kibana_discover_url: bool,
  shorten_kibana_discover_url: bool,
  kibana_url: str,
  kibana_username: str,
  kibana_password: secret,
  kibana_verify_certs: bool,
  kibana_discover_app_url: str,
  kibana_discover_version: str,
  kibana_discover_index_pattern_id: nonEmpty,
  kibana_discover_columns: { type: 'array', items: nonEmpty, minItems: 1 },
  kibana_discover_from_timedelta: duration,
  kibana_discover_to_timedelta: duration,
  kibana_discover_security_tenant: str,
  generate_opensearch_discover_url: bool,
  opensearch_url: str,
  opensearch_discover_app_url: str,
  opensearch_discover_version: str,
  opensearch_discover_index_pattern_id: nonEmpty,
  opensearch_discover_columns: { type: 'array', items: nonEmpty, minItems: 1 },
  opensearch_discover_from_timedelta: duration,
  opensearch_discover_to_timedelta: duration,
};

// ElastAlert2 lets a rule name its own cluster; accepted so such files lint.
const perRuleConnection: Record<string, Schema> = {
  es_host: str,
  es_port: { type: 'integer', minimum: 1, maximum: 65535 },
  es_hosts: strList,
  es_url_prefix: str,
  es_send_get_body_as: str,
  use_ssl: bool,
  verify_certs: bool,
  ssl_show_warn: bool,
  ca_certs: str,
  client_cert: str,
  client_key: str,
  es_username: str,
  es_password: secret,
  es_bearer: secret,
  es_api_key: secret,
  statsd_instance_tag: str,
  statsd_host: str,
};

/** Options of the rule types; any type may carry them, as in ElastAlert2. */
const typeOptions: Record<string, Schema> = {
  timeframe: duration,
  num_events: atLeastOne,
  use_count_query: bool,
  use_terms_query: bool,
  terms_size: atLeastOne,
  attach_related: bool,
  doc_type: str,
  compare_key: strOrList,
  blacklist: strList,
  whitelist: strList,
  ignore_null: bool,
  // blacklist/whitelist: false keeps the list out of the Elasticsearch query (ElastAlert2's enhance_filter).
  filter_by_list: bool,
  spike_height: { type: 'number', exclusiveMinimum: 0 },
  spike_type: spikeType,
  alert_on_new_data: bool,
  threshold_ref: { type: 'number', minimum: 0 },
  threshold_cur: { type: 'number', minimum: 0 },
  field_value: nonEmpty,
  threshold: atLeastZero,
  forget_keys: bool,
  known_keys_lookback: duration,
  fields: { type: ['string', 'array'], items: { type: ['string', 'array'], items: str } },
  terms_window_size: duration,
  window_step_size: duration,
  alert_on_missing_field: bool,
  use_keyword_postfix: bool,
  cardinality_field: nonEmpty,
  max_cardinality: atLeastZero,
  min_cardinality: atLeastZero,
  metric_agg_key: nonEmpty,
  metric_agg_type: metricAggType,
  metric_agg_script: mapping,
  percentile_range: { type: 'number', minimum: 0, maximum: 100 },
  max_threshold: num,
  min_threshold: num,
  min_doc_count: atLeastOne,
  use_run_every_query_size: bool,
  allow_buffer_time_overlap: bool,
  bucket_interval: duration,
  sync_bucket_interval: bool,
  metric_format_string: str,
  match_bucket_filter: { type: ['array', 'object'], items: mapping },
  min_percentage: num,
  max_percentage: num,
  percentage_format_string: str,
  min_denominator: atLeastZero,
};

/** Options each type cannot run without (ElastAlert2's per-type required lists). */
export const REQUIRED_BY_TYPE: Readonly<Record<RuleType, readonly string[]>> = {
  any: [],
  frequency: ['num_events', 'timeframe'],
  spike: ['spike_height', 'spike_type', 'timeframe'],
  spike_aggregation: ['metric_agg_key', 'metric_agg_type', 'spike_height', 'spike_type', 'timeframe'],
  flatline: ['threshold', 'timeframe'],
  new_term: [],
  cardinality: ['cardinality_field', 'timeframe'],
  metric_aggregation: ['metric_agg_key', 'metric_agg_type'],
  percentage_match: ['match_bucket_filter'],
  blacklist: ['blacklist', 'compare_key'],
  whitelist: ['whitelist', 'compare_key', 'ignore_null'],
  change: ['query_key', 'compare_key', 'ignore_null'],
};

/** Every option a rule file (or an alerter entry under `alert`) may set. */
export const ruleProperties: Record<string, Schema> = {
  ...common,
  ...kibana,
  ...perRuleConnection,
  ...typeOptions,
  ...alerterOptionProperties,
};

export const ruleSchema: Schema = {
  type: 'object',
  properties: ruleProperties,
  patternProperties: otherAlerterOptionPatterns,
  additionalProperties: false,
  required: ['name', 'type', 'index', 'alert'],
  allOf: Object.entries(REQUIRED_BY_TYPE)
    .filter(([, required]) => required.length > 0)
    .map(([type, required]) => ({
      if: { properties: { type: { const: type } }, required: ['type'] },
      then: { required: [...required] },
    })),
};

/** Options under `alert: [{slack: {...}}]`: any rule option may be overridden per alerter. */
export const alerterEntrySchema: Schema = {
  type: 'object',
  properties: ruleProperties,
  patternProperties: otherAlerterOptionPatterns,
  additionalProperties: false,
};

/** Only the shape of `import`, checked per file because imports are resolved before the rule is whole. */
export const importSchema: Schema = { type: 'object', properties: { import: strOrList } };
