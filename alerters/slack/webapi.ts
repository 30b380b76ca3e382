/**
 * The Web API transport: chat.postMessage through @slack/web-api's WebClient with a bot token.
 *
 * Its requests go through the kit's HTTP client (WebClient's `fetch` option), so `slack_proxy`,
 * `slack_ca_certs`, `slack_ignore_ssl_errors` and `slack_timeout` apply to the Web API exactly as
 * to webhooks (ElastAlert2 has no Web API; its webhooks honour all four).
 *
 * The client is configured to try exactly once (`retryConfig: { retries: 0 }`) and to reject a
 * 429 instead of waiting (`rejectRateLimitedCalls: true`): retries belong to the delivery layer,
 * which records each attempt, so a message is never posted twice behind its back.
 * The token never appears in errors or logs.
 */
import http from 'node:http';
import { LogLevel, WebClient, type ChatPostMessageArguments, type FetchFunction, type Logger as SlackLogger } from '@slack/web-api';
import { redact } from '../../src/escape/index.ts';
import type { Logger } from '../../src/log.ts';
import { HttpFailure, type HttpClient } from '../http.ts';
import { AlerterError } from '../types.ts';
import type { BlockMessage } from './format.ts';
import { connectionProblem, transportProblem } from './webhook.ts';

export interface WebApiPost extends BlockMessage {
  channel: string;
  thread_ts?: string | undefined;
  username?: string | undefined;
  icon_emoji?: string | undefined;
  icon_url?: string | undefined;
}

export interface WebApiPosted {
  /** The message's timestamp (its id), to reply in its thread. */
  ts: string | undefined;
  /** The channel ID Slack resolved the name to. */
  channel: string | undefined;
}

export interface WebApiSender {
  post(message: WebApiPost): Promise<WebApiPosted>;
}

export interface WebApiSenderOptions {
  token: string;
  apiUrl: string | undefined;
  /** The kit's HTTP client with this rule's timeout, TLS settings and proxy. */
  client: HttpClient;
  log: Logger;
}

/** chat.postMessage answers with the message it posted (up to 50 blocks of 3,000 characters): read it whole. */
const ANSWER_BYTES = 1024 * 1024;

/**
 * WebClient's `fetch`, over the kit's HTTP client. Every answer is handed back (WebClient reads
 * 429 and Slack's `ok: false` itself); only a failure before any answer throws, as fetch does.
 */
export function kitFetch(client: HttpClient, secrets: readonly string[]): FetchFunction {
  return async (url, init) => {
    if (init?.body !== undefined && typeof init.body !== 'string')
      throw new Error('multipart bodies (file uploads) are not sent by this alerter');
    const target = new URL(url);
    const answer = await client.request(init?.method ?? 'POST', target, init?.body, init?.headers ?? {}, {
      accept: () => true,
      secrets,
      maxBodyBytes: ANSWER_BYTES,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      statusText: http.STATUS_CODES[answer.status] ?? '',
      url: target.href,
      headers,
      text: async () => answer.body,
      json: async () => JSON.parse(answer.body) as unknown,
      arrayBuffer: async () => new TextEncoder().encode(answer.body).buffer,
    };
  };
}

/** Slack error codes that say "try again later". */
const TRANSIENT = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);
/** Codes after which the token must be read again (a rotated token file). */
export const AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/** An AlerterError from the Web API, with Slack's error code when it gave one. */
export class SlackWebApiError extends AlerterError {
  override name = 'SlackWebApiError';
  readonly slackCode: string | undefined;
  constructor(message: string, retryable: boolean, retryAfterMs: number | undefined, slackCode: string | undefined) {
    super('slack', message, retryable, retryAfterMs);
    this.slackCode = slackCode;
  }
}

/** A WebClient that posts once per call and reports failures as AlerterError. */
export function createWebApiSender(opts: WebApiSenderOptions): WebApiSender {
  const client = new WebClient(opts.token, {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // slack_timeout is the kit client's: no second timer here.
    fetch: kitFetch(opts.client, [opts.token]),
    // Method names only: a URL in place of a method would be sent the token.
    allowAbsoluteUrls: false,
    logger: clientLogger(opts.log, [opts.token]),
  });
  return {
    async post(message: WebApiPost): Promise<WebApiPosted> {
      try {
        const result = await client.chat.postMessage(toArguments(message));
        return {
          ts: typeof result.ts === 'string' ? result.ts : undefined,
          channel: typeof result.channel === 'string' ? result.channel : undefined,
        };
      } catch (error) {
        throw webApiFailure(error, `channel ${message.channel}`, opts.client.timeoutMs, [opts.token]);
      }
    },
  };
}

function toArguments(m: WebApiPost): ChatPostMessageArguments {
  const base = {
    channel: m.channel,
    text: m.text,
    blocks: m.blocks,
    attachments: m.attachments,
    // No parsing of names and no unfurling: a URL or "@channel" from a log line stays inert.
    parse: 'none' as const,
    link_names: false,
    unfurl_links: false,
    unfurl_media: false,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.username ? { username: m.username } : {}),
  };
  // As ElastAlert2: an icon URL wins over an emoji (Slack takes one or the other).
  if (m.icon_url) return { ...base, icon_url: m.icon_url };
  if (m.icon_emoji) return { ...base, icon_emoji: m.icon_emoji };
  return base;
}

/** Maps what WebClient throws to AlerterError: retryable when waiting may help, with Slack's Retry-After. */
export function webApiFailure(error: unknown, where: string, timeoutMs: number, secrets: readonly string[]): SlackWebApiError {
  const e = error as
    | {
        code?: unknown;
        data?: { error?: unknown; response_metadata?: { retryAfter?: unknown } };
        retryAfter?: unknown;
        statusCode?: unknown;
        original?: unknown;
      }
    | undefined;
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : undefined;
      return new SlackWebApiError(
        `${where}: rate limited by Slack (HTTP 429)`,
        true,
        seconds === undefined ? undefined : seconds * 1000,
        'ratelimited',
      );
    }
    case 'slack_webapi_platform_error': {
      const raw = e.data?.error;
      const code = typeof raw === 'string' && /^[a-z][a-z0-9_.-]{0,99}$/.test(raw) ? raw : 'unknown_error';
      if (TRANSIENT.has(code)) {
        const after = e.data?.response_metadata?.retryAfter;
        return new SlackWebApiError(`${where}: ${code}`, true, typeof after === 'number' ? after * 1000 : undefined, code);
      }
      return new SlackWebApiError(`${where}: ${code}${hint(code)}`, false, undefined, code);
    }
    case 'slack_webapi_http_error': {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      return new SlackWebApiError(`${where}: HTTP ${status}`, status >= 500 || status === 408 || status === 0, undefined, undefined);
    }
    case 'slack_webapi_request_error': {
      const problem =
        e.original instanceof HttpFailure ? transportProblem(e.original.detail, timeoutMs) : connectionProblem(e.original, timeoutMs);
      return new SlackWebApiError(`${where}: ${problem}`, true, undefined, undefined);
    }
    default: {
      // WebClient's own plain errors, e.g. a 429 without a usable Retry-After header.
      const message = error instanceof Error ? redact(error.message, secrets) : 'unexpected error';
      if (/rate limit|retry header/i.test(message)) {
        return new SlackWebApiError(`${where}: rate limited by Slack (HTTP 429, no usable Retry-After)`, true, undefined, 'ratelimited');
      }
      return new SlackWebApiError(`${where}: unexpected error: ${truncated(message)}`, true, undefined, undefined);
    }
  }
}

function hint(code: string): string {
  switch (code) {
    case 'not_in_channel':
      return ' (invite the bot to the channel)';
    case 'channel_not_found':
      return ' (check the channel name or ID, and that the bot can see it)';
    case 'missing_scope':
      return ' (the bot token needs the chat:write scope; chat:write.customize for username/icon overrides)';
    default:
      return '';
  }
}

function truncated(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** WebClient's own log lines go to ours at debug level (its warnings repeat what the AlerterError says). */
function clientLogger(log: Logger, secrets: readonly string[]): SlackLogger {
  const write =
    (level: string) =>
    (...msg: unknown[]): void => {
      log.debug({ slack_client: level }, redact(msg.map((m) => (typeof m === 'string' ? m : safeJson(m))).join(' '), secrets));
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
