/**
 * The Slack alerter's options: ElastAlert2's `slack_*` options plus ours (slack_token,
 * slack_token_file, slack_channel, slack_api_url, slack_thread_repeats). Types and values are
 * checked by the schema beside it (the one lint uses, through the kit's readOptions); this file
 * checks what involves several options or the file system, when the rule is loaded.
 *
 * Error messages never quote a token or a webhook URL: a Slack webhook URL is itself a credential.
 */
import { readFileSync } from 'node:fs';
import type { AlerterRef, RuleDefinition } from '../../src/rules/types.ts';
import { proxyOption, tlsOptions, type TlsSettings } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { optionError } from '../types.ts';
import { slackSchema } from './schema.ts';

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
  /** slack_ca_certs / slack_ignore_ssl_errors, as for every HTTP alerter of the kit. */
  tls: TlsSettings;
  /** slack_proxy: https:// requests (Slack's Web API and webhooks) tunnel through it. */
  proxy: URL | undefined;
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
}

export type SlackOptions = WebApiOptions | WebhookOptions;

const DEFAULT_TIMEOUT_S = 10;

/** The options as the schema (slack/schema.ts) checked them; what it cannot say is checked below. */
interface SlackRaw {
  slack_webhook_url?: string | string[];
  slack_token?: string;
  slack_token_file?: string;
  slack_channel?: string | string[];
  slack_channel_override?: string | string[];
  slack_api_url?: string;
  slack_thread_repeats?: boolean;
  slack_timeout?: number;
  slack_parse_override?: 'none' | 'full';
  slack_alert_fields?: { title: string; value: string; short?: boolean }[];
  slack_attach_kibana_discover_url?: boolean;
  slack_attach_jira_ticket_url?: boolean;
  slack_attach_opensearch_discover_url?: boolean;
}

/**
 * Reads the options against the alerter's schema (the one lint uses) and fills in defaults.
 * `warn` receives notes about options that are accepted but have no effect. `env` supplies
 * SLACK_BOT_TOKEN.
 */
export function parseSlackOptions(
  ref: AlerterRef,
  rule: RuleDefinition,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): SlackOptions {
  const o = readOptions<SlackRaw>(slackSchema, ref, rule);
  const fail = (option: string, message: string): Error => optionError(rule, option, message);
  const note = (message: string): void => warn(`${rule.file}: rule ${JSON.stringify(rule.name)}: ${message}`);
  // ElastAlert2 treats an empty string as "not set" for every slack_* text option.
  const str = (option: string): string | undefined => {
    const v = o[option];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const list = (v: string | string[] | undefined): string[] =>
    (v === undefined ? [] : typeof v === 'string' ? [v] : v).map((item) => item.trim()).filter((item) => item !== '');
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
    if (parsed.protocol === 'http:')
      throw fail(option, `${what} must use https (plain http would expose it on the network); http is accepted for localhost only`);
    throw fail(option, `${what} must be an https URL`);
  };

  // Transport: a bot token (ours) or incoming webhooks (ElastAlert2's).
  const webhookList = list(o.slack_webhook_url);
  const webhookUrls = webhookList.map((u, i) => secretUrl('slack_webhook_url', u, webhookList.length > 1 ? `entry ${i + 1}` : 'the URL'));
  const tokenText = o.slack_token?.trim() ?? '';
  const tokenFile = str('slack_token_file');
  if (tokenText && tokenFile) throw fail('slack_token', 'set slack_token or slack_token_file, not both');
  if ((tokenText || tokenFile) && webhookUrls.length > 0) {
    throw fail(
      'slack_webhook_url',
      'set either incoming webhooks (slack_webhook_url) or a bot token (slack_token / slack_token_file), not both',
    );
  }
  let token: TokenSource | undefined;
  const envToken = env['SLACK_BOT_TOKEN']?.trim();
  if (tokenText) token = { kind: 'value', token: tokenText };
  else if (tokenFile !== undefined)
    token = { kind: 'file', path: tokenFile, token: readTokenFile(tokenFile, (m) => fail('slack_token_file', m)) };
  // The environment's token is the fallback only for rules that do not name webhooks.
  else if (webhookUrls.length === 0 && envToken) token = { kind: 'value', token: envToken };
  if (!token && webhookUrls.length === 0) {
    throw fail(
      'slack_webhook_url',
      'is required (or a bot token for the Web API: slack_token, slack_token_file, or SLACK_BOT_TOKEN in the environment)',
    );
  }

  // Channels: ElastAlert2's slack_channel_override (string or list) or our slack_channel.
  if (o.slack_channel_override !== undefined && o.slack_channel !== undefined)
    throw fail('slack_channel', 'set slack_channel or slack_channel_override, not both');
  const channels = [...new Set(list(o.slack_channel ?? o.slack_channel_override))];

  if (o.slack_parse_override === 'full') {
    // With parse=full Slack would turn "@channel" or "#general" written in a log line into a mention or link.
    note('slack_parse_override: "full" is ignored; messages are sent with parse "none" so that text from log data cannot notify anyone');
  }
  const noJira = 'Jira tickets are not created by this version';
  const noOpenSearch = 'OpenSearch Discover links are not generated by this version';
  for (const [option, what] of [
    ['slack_attach_jira_ticket_url', noJira],
    ['slack_jira_ticket_color', noJira],
    ['slack_jira_ticket_title', noJira],
    ['slack_attach_opensearch_discover_url', noOpenSearch],
    ['slack_opensearch_discover_color', noOpenSearch],
    ['slack_opensearch_discover_title', noOpenSearch],
  ] as const) {
    // The attach flags say "no link" when false; their colour and title mean nothing without it.
    if (option.startsWith('slack_attach_') ? o[option] === true : o[option] !== undefined) note(`${option} is ignored: ${what}`);
  }
  const alertFields = o.slack_alert_fields?.map((f) => ({ title: f.title, value: f.value, short: f.short ?? false }));

  const common: CommonOptions = {
    channels,
    timeoutMs: Math.round((o.slack_timeout ?? DEFAULT_TIMEOUT_S) * 1000),
    // The Web API and webhooks both go through the kit's HTTP client: proxy and TLS apply to both.
    tls: tlsOptions(rule, o, 'slack_ca_certs', 'slack_ignore_ssl_errors'),
    proxy: proxyOption(rule, o, 'slack_proxy'),
    color: str('slack_msg_color'),
    title: str('slack_title'),
    titleLink: url('slack_title_link'),
    textString: str('slack_text_string'),
    pretext: str('slack_msg_pretext'),
    alertFields: alertFields && alertFields.length > 0 ? alertFields : undefined,
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
      attach: o.slack_attach_kibana_discover_url ?? token !== undefined,
      color: str('slack_kibana_discover_color') ?? '#ec4b98',
      title: str('slack_kibana_discover_title') ?? 'Discover in Kibana',
    },
  };

  if (token) {
    if (channels.length === 0)
      throw fail(
        'slack_channel_override',
        'is required with a bot token: the channel (name or ID) to post to; slack_channel is accepted too',
      );
    const apiUrlValue = str('slack_api_url');
    const apiUrl = apiUrlValue === undefined ? undefined : secretUrl('slack_api_url', apiUrlValue, 'the URL');
    return { ...common, transport: 'webapi', token, apiUrl, threadRepeats: o.slack_thread_repeats ?? false };
  }
  if (o.slack_thread_repeats === true)
    throw fail('slack_thread_repeats', 'needs the Web API (a bot token): incoming webhooks cannot reply in a thread');
  if (o.slack_api_url !== undefined) throw fail('slack_api_url', 'applies to the Web API (a bot token), not to incoming webhooks');
  return {
    ...common,
    transport: 'webhook',
    webhookUrls,
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
