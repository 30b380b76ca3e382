import type { Schema } from '../config/validate.ts';

// Alerter options may sit at the top level of a rule or under its `alert` entry, so they are rule
// properties as well as the schema of `alert: [{slack: {...}}]` entries. Names and types follow
// ElastAlert2's rule schema so that rules written for it lint clean.

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const int: Schema = { type: 'integer' };
const port: Schema = { type: 'integer', minimum: 1, maximum: 65535 };
const mapping: Schema = { type: 'object' };
const strList: Schema = { type: 'array', items: str };
const strOrList: Schema = { type: ['string', 'array'], items: str };
const secret: Schema = { type: 'string', 'x-secret': true };
const secretOrList: Schema = { type: ['string', 'array'], items: str, 'x-secret': true };
const certs: Schema = { type: ['boolean', 'string'] };
// Slack's named colours, or any #rrggbb (the alerter accepts both).
const color: Schema = { anyOf: [{ enum: ['good', 'warning', 'danger'] }, { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' }] };
// Seconds; fractions allowed (Python's requests takes a float).
const seconds: Schema = { type: 'number', exclusiveMinimum: 0 };

const slack: Record<string, Schema> = {
  // The webhook URL is the credential: whoever has it can post to the channel.
  slack_webhook_url: secretOrList,
  // Ours: the Web API with a bot token (also SLACK_BOT_TOKEN), instead of a webhook.
  slack_token: secret,
  slack_token_file: str,
  slack_channel: strOrList,
  slack_api_url: str,
  slack_thread_repeats: bool,
  slack_username_override: str,
  slack_channel_override: strOrList,
  slack_emoji_override: str,
  slack_icon_url_override: str,
  slack_msg_color: color,
  slack_parse_override: { enum: ['none', 'full'] },
  slack_text_string: str,
  slack_proxy: str,
  slack_alert_fields: {
    type: 'array',
    items: { type: 'object', properties: { title: str, value: str, short: bool }, additionalProperties: false },
  },
  slack_ignore_ssl_errors: bool,
  slack_title: str,
  slack_title_link: str,
  slack_timeout: { type: 'number', exclusiveMinimum: 0 },
  slack_attach_kibana_discover_url: bool,
  slack_kibana_discover_color: str,
  slack_kibana_discover_title: str,
  slack_attach_opensearch_discover_url: bool,
  slack_opensearch_discover_color: str,
  slack_opensearch_discover_title: str,
  slack_attach_jira_ticket_url: bool,
  slack_jira_ticket_color: str,
  slack_jira_ticket_title: str,
  slack_ca_certs: certs,
  slack_footer: str,
  slack_footer_icon: str,
  slack_image_url: str,
  slack_thumb_url: str,
  slack_author_name: str,
  slack_author_link: str,
  slack_author_icon: str,
  slack_msg_pretext: str,
};

const email: Record<string, Schema> = {
  email: strOrList,
  email_from_field: str,
  email_add_domain: str,
  smtp_host: str,
  smtp_port: port,
  smtp_ssl: bool,
  smtp_auth_file: str,
  smtp_cert_file: str,
  smtp_key_file: str,
  email_reply_to: str,
  from_addr: str,
  cc: strOrList,
  bcc: strOrList,
  email_format: str,
  assets_dir: str,
  email_image_keys: strList,
  email_image_values: strList,
  notify_email: strOrList,
  // LogWarden's own: TLS policy, certificate checks and timeout (seconds).
  smtp_starttls: bool,
  smtp_ca_certs: str,
  smtp_verify_certs: bool,
  smtp_timeout: { type: 'number', exclusiveMinimum: 0 },
};

const httpPost: Record<string, Schema> = {
  http_post_url: secretOrList,
  http_post_proxy: str,
  http_post_ca_certs: certs,
  http_post_ignore_ssl_errors: bool,
  http_post_timeout: seconds,
  http_post_payload: mapping,
  http_post_static_payload: mapping,
  http_post_all_values: bool,
  // Headers usually carry an API key.
  http_post_headers: { type: 'object', 'x-secret': true },
  http_post2_url: secretOrList,
  http_post2_proxy: str,
  http_post2_ca_certs: certs,
  http_post2_ignore_ssl_errors: bool,
  http_post2_timeout: seconds,
  // A mapping, or (ElastAlert2 2.10+) a JSON object written as a string.
  http_post2_payload: { type: ['object', 'string'] },
  http_post2_raw_fields: mapping,
  http_post2_all_values: bool,
  http_post2_headers: { type: ['object', 'string'], 'x-secret': true },
};

const pagerduty: Record<string, Schema> = {
  pagerduty_service_key: secret,
  // LogWarden: the key from a file or an environment variable instead of the rule file.
  pagerduty_service_key_file: str,
  pagerduty_service_key_env: str,
  // LogWarden: another Events API host (EU region, a relay, tests) and the request timeout.
  pagerduty_api_url: str,
  pagerduty_timeout: seconds,
  pagerduty_client_name: str,
  // ElastAlert2 also has 'none'; we refuse it: an alert that pages nobody should not use this alerter.
  pagerduty_event_type: { enum: ['trigger', 'resolve', 'acknowledge'] },
  pagerduty_incident_key: str,
  pagerduty_incident_key_args: strList,
  pagerduty_proxy: str,
  pagerduty_ca_certs: certs,
  pagerduty_ignore_ssl_errors: bool,
  pagerduty_api_version: { enum: ['v1', 'v2'] },
  pagerduty_v2_payload_class: str,
  pagerduty_v2_payload_class_args: strList,
  pagerduty_v2_payload_component: str,
  pagerduty_v2_payload_component_args: strList,
  pagerduty_v2_payload_group: str,
  pagerduty_v2_payload_group_args: strList,
  pagerduty_v2_payload_severity: { enum: ['critical', 'error', 'warning', 'info'] },
  pagerduty_v2_payload_source: str,
  pagerduty_v2_payload_source_args: strList,
  pagerduty_v2_payload_custom_details: mapping,
  pagerduty_v2_payload_include_all_info: bool,
};

const hive: Record<string, Schema> = {
  // Holds hive_apikey.
  hive_connection: { type: 'object', 'x-secret': true },
  hive_alert_config: mapping,
  // The original ElastAlert's `{match[field]}` format strings when `classic`.
  hive_alert_config_type: { enum: ['custom', 'classic'] },
  hive_observable_data_mapping: { type: 'array', items: mapping },
  severity_scale: { type: 'array', items: mapping },
};

// ServiceNow and the command alerter use names without a prefix.
const unprefixed: Record<string, Schema> = {
  command: strOrList,
  pipe_match_json: bool,
  pipe_alert_text: bool,
  fail_on_non_zero_exit: bool,
  servicenow_rest_url: str,
  username: str,
  password: secret,
  short_description: str,
  comments: str,
  assignment_group: str,
  subcategory: str,
  cmdb_ci: str,
  caller_id: str,
};

/** Options of the alerters LogWarden knows by name, with their types. */
export const alerterOptionProperties: Record<string, Schema> = { ...slack, ...email, ...httpPost, ...pagerduty, ...hive, ...unprefixed };

/**
 * Options of ElastAlert2's other alerters are accepted by prefix so that such rules still lint;
 * their values are not checked here.
 */
export const otherAlerterOptionPatterns: Record<string, Schema> = {
  '^(alerta|alertmanager|ses|sns|chatwork|datadog|dingtalk|discord|exotel|gitter|gelf|googlechat|indexer|iris|jira|lark|linenotify|matrixhookshot|mattermost|ms_teams|ms_power_automate|opsgenie|pagertree|rocket_chat|servicenow|smseagle|victorops|stomp|telegram|tencent_sms|twilio|zbx)_': {},
};

/** ElastAlert2's built-in alerter names, plus our `stdout`. */
export const KNOWN_ALERTERS: readonly string[] = [
  'debug', 'stdout', 'slack', 'email', 'post', 'post2', 'pagerduty', 'hivealerter',
  'alerta', 'alertmanager', 'chatwork', 'command', 'datadog', 'dingtalk', 'discord', 'exotel', 'gelf', 'gitter',
  'googlechat', 'indexer', 'iris', 'jira', 'lark', 'linenotify', 'matrixhookshot', 'mattermost', 'ms_power_automate',
  'ms_teams', 'opsgenie', 'pagertree', 'rocketchat', 'servicenow', 'ses', 'smseagle', 'sns', 'stomp', 'telegram',
  'tencent_sms', 'twilio', 'victorops', 'zabbix',
];

/** Options an alerter cannot work without; ElastAlert2 refuses to load the rule when one is missing. */
export const REQUIRED_ALERTER_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  // slack needs a webhook or a token (which may come from SLACK_BOT_TOKEN): the alerter checks it.
  email: ['email'],
  post: ['http_post_url'],
  post2: ['http_post2_url'],
  // The service key may also come from pagerduty_service_key_file / _env: the alerter checks one is set.
  pagerduty: ['pagerduty_client_name'],
  hivealerter: ['hive_connection', 'hive_alert_config'],
  command: ['command'],
  ms_teams: ['ms_teams_webhook_url'],
  mattermost: ['mattermost_webhook_url'],
  telegram: ['telegram_bot_token', 'telegram_room_id'],
  opsgenie: ['opsgenie_key'],
  alerta: ['alerta_api_url'],
  discord: ['discord_webhook_url'],
  gitter: ['gitter_webhook_url'],
};
