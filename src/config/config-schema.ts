import { RUN_EVERY } from './bounds.ts';
import { otherAlerterOptionPatterns } from '../rules/alerter-options.ts';
import { ruleProperties } from '../rules/schema.ts';
import type { Schema } from './validate.ts';

const duration: Schema = { 'x-duration': true };
const str: Schema = { type: 'string', minLength: 1 };
const secret: Schema = { type: 'string', 'x-secret': true };

/** Keys read from config.yaml; names follow ElastAlert2's config where it has one. */
export const globalConfigProperties: Record<string, Schema> = {
  // ElastAlert2 takes one folder or a list of them.
  rules_folder: { anyOf: [str, { type: 'array', items: str, minItems: 1 }] },
  scan_subdirectories: { type: 'boolean' },
  run_every: { 'x-duration': RUN_EVERY },
  buffer_time: duration,
  writeback_index: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$' },
  alert_time_limit: duration,
  old_query_limit: duration,
  max_query_size: { type: 'integer', minimum: 1, maximum: 10000 },
  scroll_keepalive: str,
  max_scrolling_count: { type: 'integer', minimum: 0 },
  terms_size: { type: 'integer', minimum: 1 },
  max_threads: { type: 'integer', minimum: 1, maximum: 256 },
  disable_rules_on_error: { type: 'boolean' },
  es_url: { type: 'string', pattern: '^https?://' },
  es_host: str,
  es_port: { type: 'integer', minimum: 1, maximum: 65535 },
  use_ssl: { type: 'boolean' },
  verify_certs: { type: 'boolean' },
  ca_certs: str,
  client_cert: str,
  client_key: str,
  es_url_prefix: { type: 'string' },
  es_conn_timeout: { type: 'number', exclusiveMinimum: 0 },
  es_username: str,
  es_password: secret,
  es_password_file: str,
  es_api_key: secret,
  es_api_key_file: str,
  es_bearer: secret,
  // ElastAlert2's extra nodes ("host:port"), tried with es_host.
  es_hosts: { type: 'array', items: str },
  es_send_get_body_as: { enum: ['GET', 'POST', 'source'] },
  ssl_show_warn: { type: 'boolean' },
  skip_invalid: { type: 'boolean' },
  add_metadata_alert: { type: 'boolean' },
  max_aggregation: { type: 'integer', minimum: 1 },
  string_multi_field_name: str,
  misfire_grace_time: { type: 'integer', minimum: 0 },
  // Python's logging.config.dictConfig mapping; src/config/logging.ts reads what maps onto our logger.
  logging: { type: 'object' },
  statsd_instance_tag: { type: 'string' },
  statsd_host: { type: 'string' },
  notify_email: { type: ['string', 'array'], items: { type: 'string' } },
  notify_all_errors: { type: 'boolean' },
  // The ops server (metrics, health, status page): src/ops/settings.ts holds the defaults.
  ops_enabled: { type: 'boolean' },
  ops_port: { type: 'integer', minimum: 0, maximum: 65535 },
  ops_bind: str,
  status_page: { type: 'boolean' },
  status_page_actions: { type: 'boolean' },
  // Long enough that guessing is hopeless; `openssl rand -hex 32` gives 64.
  status_page_token: { type: 'string', minLength: 16, 'x-secret': true },
  status_page_token_file: str,
};

/**
 * Rule options that make no sense as a default for every rule: they name the rule itself. Any
 * other rule option may be set in config.yaml (ElastAlert2 copies its whole config into each rule).
 */
export const RULE_ONLY_OPTIONS: readonly string[] = [
  'name',
  'type',
  'index',
  'alert',
  'import',
  'filter',
  'query_key',
  'compound_query_key',
];

/** Rule options that may also be given globally as defaults for every rule (ElastAlert2 allows any). */
export const ruleDefaultProperties: Record<string, Schema> = Object.fromEntries(
  Object.entries(ruleProperties).filter(([key]) => !RULE_ONLY_OPTIONS.includes(key) && !Object.hasOwn(globalConfigProperties, key)),
);

export const configSchema: Schema = {
  type: 'object',
  properties: { ...ruleDefaultProperties, ...globalConfigProperties },
  patternProperties: otherAlerterOptionPatterns,
  additionalProperties: false,
};
