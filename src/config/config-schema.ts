import { RUN_EVERY } from './bounds.ts';
import type { Schema } from './validate.ts';

const duration: Schema = { 'x-duration': true };
const str: Schema = { type: 'string', minLength: 1 };
const secret: Schema = { type: 'string', 'x-secret': true };

/** Keys read from config.yaml; names follow ElastAlert2's config where it has one. */
export const globalConfigProperties: Record<string, Schema> = {
  rules_folder: str,
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

/** Rule options that may also be given globally as defaults for every rule (ElastAlert2 allows any). */
export const ruleDefaultProperties: Record<string, Schema> = {
  query_delay: duration,
  realert: duration,
  exponential_realert: duration,
  timestamp_field: str,
  timestamp_type: { enum: ['iso', 'unix', 'unix_ms', 'custom'] },
  timestamp_format: str,
  alert_text_type: { enum: ['alert_text_only', 'exclude_fields', 'aggregation_summary_only', 'alert_text_jinja'] },
  alert_missing_value: { type: 'string' },
  use_strftime_index: { type: 'boolean' },
  max_alerts_per_hour: { type: 'integer', minimum: 1 },
};

export const configSchema: Schema = {
  type: 'object',
  properties: { ...globalConfigProperties, ...ruleDefaultProperties },
  additionalProperties: false,
};
