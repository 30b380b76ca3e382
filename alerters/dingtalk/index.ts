/**
 * ElastAlert2's `dingtalk` alerter: a DingTalk group robot message
 * (`POST https://oapi.dingtalk.com/robot/send?access_token=...`) as ElastAlert2 builds it: `text`,
 * `markdown` (title and text), or an action card with one button (`single_action_card`) or with
 * `dingtalk_btns`. With `dingtalk_sign`, each request carries `timestamp` and `sign` (HMAC-SHA256
 * of "<timestamp>\n<secret>", base64), computed on the engine's clock.
 *
 * Differences, on purpose:
 * - DingTalk answers HTTP 200 with `{"errcode", "errmsg"}`: anything but 0 is a failure
 *   (ElastAlert2 counts it as sent); 130101 (over 20 messages a minute) is retryable.
 * - Text notifies only the numbers listed in an `at` field, which is never sent. In Markdown and
 *   action cards, document values are backslash-escaped (no links, images or formatting).
 * - The text is cut at 20,000 bytes, DingTalk's message limit.
 */
import { systemClock } from '../../src/schedule/clock.ts';
import { createHmac } from 'node:crypto';
import { capBytes, displayText } from '../../src/alert/display.ts';
import { escapeMarkdown } from '../../src/escape/index.ts';
import { httpUrl } from '../http.ts';
import { clientFor } from '../kit/client.ts';
import { codeCheck } from '../kit/answer.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import { AlerterError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { dingtalkSchema } from './schema.ts';

interface DingTalkOptions {
  dingtalk_access_token: string;
  dingtalk_sign?: string;
  dingtalk_msgtype?: 'text' | 'markdown' | 'single_action_card' | 'action_card';
  dingtalk_single_title?: string;
  dingtalk_single_url?: string;
  dingtalk_btn_orientation?: string;
  dingtalk_btns?: { title: string; actionURL: string }[];
  dingtalk_proxy_pass?: string;
  dingtalk_api_url?: string;
}

export const DINGTALK_MAX_BYTES = 20_000;

/** DingTalk's signature of `timestamp` (ms) with the robot's secret. */
export function dingtalkSignature(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export const createDingTalkAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<DingTalkOptions>(dingtalkSchema, ref, rule);
  const base = httpUrl(rule, 'dingtalk_api_url', o.dingtalk_api_url ?? 'https://oapi.dingtalk.com/robot/send');
  base.searchParams.set('access_token', o.dingtalk_access_token);
  const transport = transportOf(rule, o, 'dingtalk', ['dingtalk_proxy_login', 'dingtalk_proxy_pass']);
  const client = clientFor('dingtalk', transport, deps);
  const secrets = [
    o.dingtalk_access_token,
    ...(o.dingtalk_sign ? [o.dingtalk_sign] : []),
    ...(o.dingtalk_proxy_pass ? [o.dingtalk_proxy_pass] : []),
  ];
  const check = codeCheck({ type: 'dingtalk', field: 'errcode', ok: [0], retryable: [130101, -1], message: 'errmsg', secrets });
  const type = o.dingtalk_msgtype ?? 'text';
  const now = (): number => (deps.clock ?? systemClock).now();

  const render = (alert: AlertPayload): unknown => {
    if (type === 'text') return { msgtype: 'text', text: { content: capBytes(alert.render(displayText).text, DINGTALK_MAX_BYTES) } };
    const title = displayText(alert.subject);
    const text = capBytes(alert.render(escapeMarkdown).text, DINGTALK_MAX_BYTES);
    if (type === 'markdown') return { msgtype: 'markdown', markdown: { title, text } };
    if (type === 'single_action_card')
      return {
        msgtype: 'actionCard',
        actionCard: { title, text, singleTitle: o.dingtalk_single_title ?? 'elastalert', singleURL: o.dingtalk_single_url ?? '' },
      };
    const card: Record<string, unknown> = { title, text };
    if (o.dingtalk_btn_orientation) card['btnOrientation'] = o.dingtalk_btn_orientation;
    if (o.dingtalk_btns && o.dingtalk_btns.length > 0) card['btns'] = o.dingtalk_btns;
    return { msgtype: 'actionCard', actionCard: card };
  };

  return {
    type: 'dingtalk',
    async send(alert) {
      let body: string;
      try {
        body = JSON.stringify(render(alert));
      } catch (error) {
        throw new AlerterError('dingtalk', `cannot build the message: ${(error as Error).message}`, false);
      }
      const url = new URL(base.href);
      if (o.dingtalk_sign) {
        const timestamp = now();
        url.searchParams.set('timestamp', String(timestamp));
        url.searchParams.set('sign', dingtalkSignature(timestamp, o.dingtalk_sign));
      }
      check(await client.post(url, body, { 'Content-Type': 'application/json', Accept: 'application/json;charset=utf-8' }, { secrets }));
    },
    async close() {
      client.close();
    },
  };
};
