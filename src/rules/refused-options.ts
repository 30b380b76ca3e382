/**
 * Rule options LogWarden accepts in the schema (so ElastAlert2 files parse) but cannot honour:
 * lint refuses each by name with the reason and, where there is one, the nearest built-in way.
 * `when` narrows a refusal to the values LogWarden cannot honour (the others are honoured).
 */
export interface Refusal {
  reason: string;
  when?: (value: unknown) => boolean;
}

/** Reasons shared with config.yaml's refusals (src/config/refused-config.ts). */
export const STATSD = 'statsd is not supported: scrape the Prometheus endpoint /metrics of the ops server instead (ops_enabled, ops_port)';
export const NO_MISFIRE = 'LogWarden never queues a missed run: a late run queries the whole gap since the previous one, so there is no grace period to set';
export const ALL_TERMS = 'LogWarden counts every term (it pages through all of them), so there is no top-N cut to size; remove it';

const CONNECTION = 'a rule cannot name its own cluster in LogWarden: every rule queries the cluster of config.yaml; set this there';

export const REFUSED_RULE_OPTIONS: Readonly<Record<string, Refusal>> = {
  match_enhancements: { reason: 'Python enhancement modules cannot run in LogWarden; add fields at ingest (an ingest pipeline) or shape the alert with alert_text_jinja' },
  run_enhancements_first: { reason: 'goes with match_enhancements, which LogWarden cannot run (Python modules)' },
  statsd_instance_tag: { reason: STATSD },
  statsd_host: { reason: STATSD },
  es_host: { reason: CONNECTION },
  es_port: { reason: CONNECTION },
  es_hosts: { reason: CONNECTION },
  es_url_prefix: { reason: CONNECTION },
  es_send_get_body_as: { reason: CONNECTION },
  use_ssl: { reason: CONNECTION },
  verify_certs: { reason: CONNECTION },
  ssl_show_warn: { reason: CONNECTION },
  ca_certs: { reason: CONNECTION },
  client_cert: { reason: CONNECTION },
  client_key: { reason: CONNECTION },
  es_username: { reason: CONNECTION },
  es_password: { reason: CONNECTION },
  es_bearer: { reason: CONNECTION },
  es_api_key: { reason: CONNECTION },
  doc_type: { reason: 'mapping types were removed in Elasticsearch 7; LogWarden searches the index as a whole, remove it' },
  terms_size: { reason: ALL_TERMS },
  max_scrolling: { reason: 'ElastAlert2 accepts but never reads this name; the limit on pages per window is max_scrolling_count in config.yaml' },
  misfire_grace_time: { reason: NO_MISFIRE },
  _source_enabled: { reason: 'LogWarden always reads _source; a rule over indices without it cannot be run (use an index with _source, or a count-based rule type)', when: (v) => v === false },
  shorten_kibana_discover_url: { reason: 'shortening needs Kibana\'s API with kibana_url/kibana_username/kibana_password, which LogWarden does not call; the full Discover URL is sent' },
  kibana_url: { reason: 'only used by ElastAlert2 to shorten Discover URLs, which LogWarden does not do; give kibana_discover_app_url for the link itself' },
  kibana_username: { reason: 'only used by ElastAlert2 to shorten Discover URLs, which LogWarden does not do' },
  kibana_password: { reason: 'only used by ElastAlert2 to shorten Discover URLs, which LogWarden does not do' },
  kibana_verify_certs: { reason: 'only used by ElastAlert2 to shorten Discover URLs, which LogWarden does not do' },
  generate_opensearch_discover_url: { reason: 'LogWarden works with Elasticsearch only; use generate_kibana_discover_url' },
  opensearch_url: { reason: 'LogWarden works with Elasticsearch only' },
  opensearch_discover_app_url: { reason: 'LogWarden works with Elasticsearch only; use kibana_discover_app_url' },
  opensearch_discover_version: { reason: 'LogWarden works with Elasticsearch only; use kibana_discover_version' },
  opensearch_discover_index_pattern_id: { reason: 'LogWarden works with Elasticsearch only; use kibana_discover_index_pattern_id' },
  opensearch_discover_columns: { reason: 'LogWarden works with Elasticsearch only; use kibana_discover_columns' },
  opensearch_discover_from_timedelta: { reason: 'LogWarden works with Elasticsearch only; use kibana_discover_from_timedelta' },
  opensearch_discover_to_timedelta: { reason: 'LogWarden works with Elasticsearch only; use kibana_discover_to_timedelta' },
  timestamp_format_expr: { reason: 'a Python expression, which LogWarden cannot evaluate; write the whole format in timestamp_format' },
  timestamp_to_datetime_format_expr: { reason: 'a Python expression, which LogWarden cannot evaluate; write the whole format in timestamp_format' },
  jinja_filters: { reason: 'custom Jinja filters are Python functions, which LogWarden cannot load; the built-in Jinja filters are available in alert_text_jinja' },
  include_match_in_root: { reason: 'the writeback index has a strict mapping, so match fields stay under match_body', when: (v) => v === true },
  include_rule_params_in_first_match_only: { reason: 'not supported yet: include_rule_params_in_matches adds the options to every match', when: (v) => v === true },
  include_fields: { reason: 'not an option ElastAlert2 reads; use include to restrict the fields read' },
  aggregation_alert_time_compared_with_timestamp_field: { reason: 'not supported yet: aggregation windows start at the time of the first match\'s processing (use aggregate_by_match_time for event time)', when: (v) => v === true },
  kibana_discover_security_tenant: { reason: 'only used by ElastAlert2 when shortening Discover URLs through Kibana\'s API, which LogWarden does not do; open the full link in the right tenant' },
};

/** The refusal that applies to this value of `key`, if any. */
export function refusalOf(key: string, value: unknown): Refusal | undefined {
  const refusal = Object.hasOwn(REFUSED_RULE_OPTIONS, key) ? REFUSED_RULE_OPTIONS[key] : undefined;
  if (!refusal || value === undefined || value === null) return undefined;
  return refusal.when && !refusal.when(value) ? undefined : refusal;
}
