/**
 * The Slack alerter's options: ElastAlert2's `slack_*` options plus ours (slack_token,
 * slack_token_file, slack_channel, slack_api_url, slack_thread_repeats), checked when the rule is
 * loaded so that lint reports what would fail at send time.
 *
 * Error messages never quote a token or a webhook URL: a Slack webhook URL is itself a credential.
 */
import { readFileSync } from 'node:fs';
import type { RuleDefinition } from '../../src/rules/types.ts';
import { proxyOption, tlsOptions, type TlsSettings } from '../http.ts';
import { optionError } from '../types.ts';

export interface SlackAlertField {
  title: string;
  /** Name of the match field whose value is shown (dotted paths work). */
  value: string;
  short: boolean;
}

/**
 * The bot token. A file is read when the rule is loaded (so lint reports a missing one) and read
 * again after Slack refused the token, in case it was rotated.
 */
export type TokenSource = { kind: 'value'; token: string } | { kind: 'file'; path: string; token: string };

interface CommonOptions {
  /** Channels to post to; empty for a webhook means "the webhook's own channel". */
  channels: readonly string[];
  timeoutMs: number;
  /** slack_msg_color when given; otherwise the colour follows the rule's severity. */
  color: string | undefined;
  title: string | undefined;
  titleLink: string | undefined;
  textString: string | undefined;
  pretext: string | undefined;
  alertFields: readonly SlackAlertField[] | undefined;
  username: string | undefined;
  iconEmoji: string | undefined;
  iconUrl: string | undefined;
  footer: string | undefined;
  footerIcon: string | undefined;
  imageUrl: string | undefined;
  thumbUrl: string | undefined;
  authorName: string | undefined;
  authorLink: string | undefined;
  authorIcon: string | undefined;
  kibana: { attach: boolean; color: string; title: string };
}

export interface WebApiOptions extends CommonOptions {
  transport: 'webapi';
  token: TokenSource;
  /** Base URL of the Web API (tests, proxies); Slack's own when undefined. */
  apiUrl: string | undefined;
  threadRepeats: boolean;
}

export interface WebhookOptions extends CommonOptions {
  transport: 'webhook';
  webhookUrls: readonly string[];
  /** slack_ca_certs / slack_ignore_ssl_errors, as for every HTTP alerter of the kit. */
  tls: TlsSettings;
  /** slack_proxy, for https:// webhooks. */
  proxy: URL | undefined;
}

export type SlackOptions = WebApiOptions | WebhookOptions;

const DEFAULT_TIMEOUT_S = 10;
const COLORS = new Set(['good', 'warning', 'danger']);

/**
 * Validates the options and fills in defaults. `warn` receives notes about options that are
 * accepted but have no effect. `env` supplies SLACK_BOT_TOKEN.
 */
export function parseSlackOptions(rule: RuleDefinition, options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv, warn: (message: string) => void): SlackOptions {
  const fail = (option: string, message: string): Error => optionError(rule, option, message);
  const has = (option: string): boolean => options[option] !== undefined && options[option] !== null;

  const str = (option: string): string | undefined => {
    const v = options[option];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw fail(option, `must be a string, got ${describe(v)}`);
    // ElastAlert2 treats an empty string as "not set" for every slack_* text option.
    return v === '' ? undefined : v;
  };
  const bool = (option: string, fallback: boolean): boolean => {
    const v = options[option];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw fail(option, `must be true or false, got ${describe(v)}`);
    return v;
  };
  const strList = (option: string, secret: boolean): string[] | undefined => {
    const v = options[option];
    if (v === undefined || v === null) return undefined;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) throw fail(option, `must be a string or a list of strings, got ${secret ? typeof v : describe(v)}`);
    return list.map((item: unknown, i) => {
      if (typeof item !== 'string') throw fail(option, `entry ${i + 1} must be a string, got ${secret ? typeof item : describe(item)}`);
      return item.trim();
    });
  };
  const url = (option: string): string | undefined => {
    const v = str(option);
    if (v !== undefined && !isHttpUrl(v)) throw fail(option, 'must be an http(s) URL');
    return v;
  };
  const secretUrl = (option: string, value: string, what: string): string => {
    // The value is a credential (or carries one to it): never quoted, and only sent over TLS.
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw fail(option, `${what} is not a valid URL`);
    }
    if (parsed.protocol === 'https:') return value;
    if (parsed.protocol === 'http:' && isLoopback(parsed.hostname)) return value;
    if (parsed.protocol === 'http:') throw fail(option, `${what} must use https (plain http would expose it on the network); http is accepted for localhost only`);
    throw fail(option, `${what} must be an https URL`);
  };

  // Transport: a bot token (ours) or incoming webhooks (ElastAlert2's).
  const webhookList = (strList('slack_webhook_url', true) ?? []).filter((u) => u !== '');
  const webhookUrls = webhookList.map((u, i) => secretUrl('slack_webhook_url', u, webhookList.length > 1 ? `entry ${i + 1}` : 'the URL'));
  const tokenValue = options['slack_token'];
  if (tokenValue !== undefined && tokenValue !== null && typeof tokenValue !== 'string') throw fail('slack_token', `must be a string, got ${typeof tokenValue}`);
  const tokenText = typeof tokenValue === 'string' ? tokenValue.trim() : '';
  const tokenFile = str('slack_token_file');
  if (tokenText && tokenFile) throw fail('slack_token', 'set slack_token or slack_token_file, not both');
  if ((tokenText || tokenFile) && webhookUrls.length > 0) {
    throw fail('slack_webhook_url', 'set either incoming webhooks (slack_webhook_url) or a bot token (slack_token / slack_token_file), not both');
  }
  let token: TokenSource | undefined;
  const envToken = env['SLACK_BOT_TOKEN']?.trim();
  if (tokenText) token = { kind: 'value', token: tokenText };
  else if (tokenFile !== undefined) token = { kind: 'file', path: tokenFile, token: readTokenFile(tokenFile, (m) => fail('slack_token_file', m)) };
  // The environment's token is the fallback only for rules that do not name webhooks.
  else if (webhookUrls.length === 0 && envToken) token = { kind: 'value', token: envToken };
  if (!token && webhookUrls.length === 0) {
    throw fail('slack_webhook_url', 'is required (or a bot token for the Web API: slack_token, slack_token_file, or SLACK_BOT_TOKEN in the environment)');
  }

  // Channels: ElastAlert2's slack_channel_override (string or list) or our slack_channel.
  if (has('slack_channel_override') && has('slack_channel')) throw fail('slack_channel', 'set slack_channel or slack_channel_override, not both');
  const channelOption = has('slack_channel') ? 'slack_channel' : 'slack_channel_override';
  const channels = [...new Set((strList(channelOption, false) ?? []).filter((c) => c !== ''))];

  const timeout = options['slack_timeout'];
  let timeoutMs = DEFAULT_TIMEOUT_S * 1000;
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) throw fail('slack_timeout', `must be a positive number of seconds, got ${describe(timeout)}`);
    timeoutMs = Math.round(timeout * 1000);
  }

  const color = str('slack_msg_color');
  if (color !== undefined && !COLORS.has(color) && !/^#[0-9a-fA-F]{6}$/.test(color)) throw fail('slack_msg_color', `must be good, warning, danger or a #rrggbb colour, got ${JSON.stringify(color)}`);

  const parse = str('slack_parse_override');
  if (parse !== undefined && parse !== 'none' && parse !== 'full') throw fail('slack_parse_override', `must be "none" or "full", got ${JSON.stringify(parse)}`);
  if (parse === 'full') {
    // With parse=full Slack would turn "@channel" or "#general" written in a log line into a mention or link.
    warn(`${rule.file}: rule ${JSON.stringify(rule.name)}: slack_parse_override: "full" is ignored; messages are sent with parse "none" so that text from log data cannot notify anyone`);
  }

  const alertFields = parseAlertFields(options['slack_alert_fields'], (m) => fail('slack_alert_fields', m));

  for (const [flag, what] of [
    ['slack_attach_jira_ticket_url', 'Jira tickets are not created by this version'],
    ['slack_attach_opensearch_discover_url', 'OpenSearch Discover links are not generated by this version'],
  ] as const) {
    if (bool(flag, false)) warn(`${rule.file}: rule ${JSON.stringify(rule.name)}: ${flag} is ignored: ${what}`);
  }
  for (const option of ['slack_jira_ticket_color', 'slack_jira_ticket_title', 'slack_opensearch_discover_color', 'slack_opensearch_discover_title']) str(option);

  const common: CommonOptions = {
    channels,
    timeoutMs,
    color,
    title: str('slack_title'),
    titleLink: url('slack_title_link'),
    textString: str('slack_text_string'),
    pretext: str('slack_msg_pretext'),
    alertFields,
    username: str('slack_username_override'),
    iconEmoji: str('slack_emoji_override'),
    iconUrl: url('slack_icon_url_override'),
    footer: str('slack_footer'),
    footerIcon: url('slack_footer_icon'),
    imageUrl: url('slack_image_url'),
    thumbUrl: url('slack_thumb_url'),
    authorName: str('slack_author_name'),
    authorLink: url('slack_author_link'),
    authorIcon: url('slack_author_icon'),
    kibana: {
      // Our Block Kit layout shows the link whenever the rule generates one; webhooks keep ElastAlert2's opt-in.
      attach: bool('slack_attach_kibana_discover_url', token !== undefined),
      color: str('slack_kibana_discover_color') ?? '#ec4b98',
      title: str('slack_kibana_discover_title') ?? 'Discover in Kibana',
    },
  };

  if (token) {
    // The Web API client (WebClient over fetch) takes neither a proxy nor a CA per client; webhooks do.
    if (has('slack_proxy')) {
      if (typeof options['slack_proxy'] !== 'string') throw fail('slack_proxy', 'must be a string');
      // The value may hold proxy credentials: not repeated.
      if (options['slack_proxy'] !== '') {
        warn(`${rule.file}: rule ${JSON.stringify(rule.name)}: slack_proxy is ignored with a bot token (it applies to webhooks); to reach Slack through a proxy run LogWarden with HTTPS_PROXY set and NODE_USE_ENV_PROXY=1`);
      }
    }
    const ignoreSsl = bool('slack_ignore_ssl_errors', false);
    if (ignoreSsl) warn(`${rule.file}: rule ${JSON.stringify(rule.name)}: slack_ignore_ssl_errors is ignored with a bot token (it applies to webhooks); certificates are verified`);
    const caCerts = options['slack_ca_certs'];
    if (caCerts !== undefined && caCerts !== null && typeof caCerts !== 'boolean' && typeof caCerts !== 'string') throw fail('slack_ca_certs', 'must be true, false or a file path');
    if (typeof caCerts === 'string' && caCerts !== '') {
      warn(`${rule.file}: rule ${JSON.stringify(rule.name)}: slack_ca_certs (a file) is ignored with a bot token (it applies to webhooks); add the CA with NODE_EXTRA_CA_CERTS for the whole process`);
    }
    if (channels.length === 0) throw fail('slack_channel_override', 'is required with a bot token: the channel (name or ID) to post to; slack_channel is accepted too');
    const apiUrlValue = str('slack_api_url');
    const apiUrl = apiUrlValue === undefined ? undefined : secretUrl('slack_api_url', apiUrlValue, 'the URL');
    return { ...common, transport: 'webapi', token, apiUrl, threadRepeats: bool('slack_thread_repeats', false) };
  }
  if (bool('slack_thread_repeats', false)) throw fail('slack_thread_repeats', 'needs the Web API (a bot token): incoming webhooks cannot reply in a thread');
  if (has('slack_api_url')) throw fail('slack_api_url', 'applies to the Web API (a bot token), not to incoming webhooks');
  return {
    ...common,
    transport: 'webhook',
    webhookUrls,
    tls: tlsOptions(rule, options, 'slack_ca_certs', 'slack_ignore_ssl_errors'),
    proxy: proxyOption(rule, options, 'slack_proxy'),
    // ElastAlert2's defaults for webhooks (a webhook created by a Slack app ignores both).
    username: common.username ?? 'elastalert',
    iconEmoji: common.iconEmoji ?? ':ghost:',
  };
}

/** The token in a file, trimmed; `fail` builds the error (the path is shown, never the content). */
export function readTokenFile(path: string, fail: (message: string) => Error): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(`cannot read ${JSON.stringify(path)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const token = text.trim();
  if (token === '') throw fail(`${JSON.stringify(path)} is empty`);
  return token;
}

function parseAlertFields(value: unknown, fail: (message: string) => Error): SlackAlertField[] | undefined {
  // ElastAlert2's default is '' (no fields).
  if (value === undefined || value === null || value === '') return undefined;
  if (!Array.isArray(value)) throw fail(`must be a list of {title, value, short} mappings, got ${describe(value)}`);
  return value.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw fail(`entry ${i + 1} must be a {title, value, short} mapping`);
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (key !== 'title' && key !== 'value' && key !== 'short') throw fail(`entry ${i + 1}: unknown key ${JSON.stringify(key)} (expected title, value, short)`);
    }
    const { title, value: field, short } = entry;
    if (typeof title !== 'string') throw fail(`entry ${i + 1}: title must be a string`);
    if (typeof field !== 'string' || field === '') throw fail(`entry ${i + 1}: value must name a match field`);
    if (short !== undefined && typeof short !== 'boolean') throw fail(`entry ${i + 1}: short must be true or false`);
    return { title, value: field, short: short ?? false };
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
