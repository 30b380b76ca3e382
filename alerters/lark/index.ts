/**
 * ElastAlert2's `lark` alerter: a text message to a Lark / Feishu custom bot
 * (`POST https://open.feishu.cn/open-apis/bot/v2/hook/<bot id>`) with ElastAlert2's body:
 * `{"msg_type": "text", "content": {"title": <subject>, "text": <alert text>}}`.
 *
 * Differences, on purpose:
 * - Lark answers HTTP 200 with `{"code": ..., "msg": ...}`: anything but 0 is a failure
 *   (ElastAlert2 counts it as sent); 11232 (rate limited) is retryable.
 * - In a text message `<at user_id="all"></at>` notifies everyone: a document value's "<" is
 *   followed by a word joiner (U+2060, invisible), which keeps it text.
 * - The text is cut to keep the request under Lark's 20 KB limit (18 KiB).
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { codeCheck } from '../kit/answer.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { larkSchema } from './schema.ts';

interface LarkOptions {
  lark_bot_id: string;
  lark_msgtype?: 'text';
  lark_api_url?: string;
}

export const LARK_LIMITS = { textBytes: 18 * 1024, titleBytes: 1024 } as const;

/** A document value in a Lark text message: no `<at>` tag can form. */
export function escapeLark(value: string): string {
  return displayText(value).replace(/</g, '<\u2060');
}

export const createLarkAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<LarkOptions>(larkSchema, ref, rule);
  const base = httpUrl(rule, 'lark_api_url', o.lark_api_url ?? 'https://open.feishu.cn/open-apis/bot/v2/hook');
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${encodeURIComponent(o.lark_bot_id)}`;

  const render = (alert: AlertPayload): unknown => {
    const shown = alert.render(escapeLark);
    return {
      msg_type: o.lark_msgtype ?? 'text',
      content: { title: capBytes(shown.subject, LARK_LIMITS.titleBytes), text: capBytes(shown.text, LARK_LIMITS.textBytes) },
    };
  };

  return webhookAlerter(
    {
      type: 'lark',
      urls: [url],
      transport: transportOf(rule, o, 'lark'),
      render,
      headers: { Accept: 'application/json;charset=utf-8' },
      secrets: [o.lark_bot_id],
      check: codeCheck({ type: 'lark', field: 'code', ok: [0], retryable: [11232], message: 'msg', secrets: [o.lark_bot_id] }),
    },
    deps,
  );
};
