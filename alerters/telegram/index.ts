/**
 * ElastAlert2's `telegram` alerter: `sendMessage` of the Bot API
 * (https://core.telegram.org/bots/api#sendmessage) to `telegram_room_id`, with ElastAlert2's
 * text, `parse_mode` and `disable_web_page_preview`.
 *
 * Differences, on purpose:
 * - Document values are escaped for the parse mode (format.ts); the message is cut at 4,096
 *   characters with a visible mark (ElastAlert2 cut at 4,000 with a note).
 * - When Telegram cannot parse the formatting ("can't parse entities", usually Markdown in the
 *   rule's own text), the alert is sent again at once as plain text rather than lost.
 * - Telegram answers errors as JSON: 429 waits `parameters.retry_after`; 5xx is retryable; other
 *   4xx (chat not found, bot blocked, bad token) are permanent, quoted without the token.
 */
import { HttpClient, HttpFailure, quoteBody, type HttpResult } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import { AlerterError, optionError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { API_PARSE_MODE, plainText, telegramText, type ParseMode } from './format.ts';
import { telegramSchema } from './schema.ts';

interface TelegramOptions {
  telegram_bot_token: string;
  telegram_room_id: string | number;
  telegram_api_url?: string;
  telegram_proxy_pass?: string;
  telegram_parse_mode?: ParseMode;
}

interface BotAnswer {
  ok?: boolean;
  description?: string;
  parameters?: { retry_after?: number };
}

function sendMessageUrl(api: string, token: string): URL {
  const base = api.includes('://') ? api : `https://${api}`;
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/bot${token}/sendMessage`;
  return url;
}

export const createTelegramAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  const o = readOptions<TelegramOptions>(telegramSchema, ref, rule);
  let url: URL;
  try {
    url = sendMessageUrl(o.telegram_api_url ?? 'api.telegram.org', o.telegram_bot_token);
  } catch {
    throw optionError(rule, 'telegram_api_url', 'must be a host name or an http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw optionError(rule, 'telegram_api_url', 'must be a host name or an http(s) URL');
  const mode = o.telegram_parse_mode ?? 'markdown';
  const transport = transportOf(rule, o, 'telegram', ['telegram_proxy_login', 'telegram_proxy_pass']);
  const client = new HttpClient({ alerter: 'telegram', ...transport, clock: deps.clock });
  const secrets = [o.telegram_bot_token, ...(o.telegram_proxy_pass ? [o.telegram_proxy_pass] : [])];

  const post = (body: Record<string, unknown>): Promise<HttpResult> =>
    // Every answer is read here: Telegram's JSON says what went wrong better than the status.
    client.post(url, JSON.stringify(body), { 'Content-Type': 'application/json' }, { secrets, accept: () => true });

  const failure = (result: HttpResult): AlerterError | undefined => {
    let answer: BotAnswer = {};
    try {
      answer = JSON.parse(result.body) as BotAnswer;
    } catch {
      // not JSON (a proxy's page): the status decides
    }
    if (result.status >= 200 && result.status < 300 && answer.ok !== false) return undefined;
    const detail = `sendMessage failed: HTTP ${result.status}: ${quoteBody(answer.description ?? result.body, secrets)}`;
    if (result.status === 429) {
      const after = answer.parameters?.retry_after;
      return new HttpFailure('telegram', detail, true, typeof after === 'number' ? after * 1000 : undefined, 429);
    }
    return new HttpFailure('telegram', detail, result.status >= 500 || result.status === 408, undefined, result.status);
  };

  return {
    type: 'telegram',
    async send(alert: AlertPayload): Promise<void> {
      const base = { chat_id: o.telegram_room_id, disable_web_page_preview: true };
      const first = await post({ ...base, text: telegramText(alert, mode), parse_mode: API_PARSE_MODE[mode] });
      let error = failure(first);
      if (error && first.status === 400 && /can't parse entities/i.test(first.body)) {
        deps.log.warn(
          { rule: rule.name, alert_id: alert.alertId },
          `telegram: the message could not be parsed as ${API_PARSE_MODE[mode]}; sent as plain text`,
        );
        error = failure(await post({ ...base, text: plainText(alert) }));
      }
      if (error) throw error;
    },
    async close(): Promise<void> {
      client.close();
    },
  };
};
