/**
 * ElastAlert2's `line` alerter: a push message through the LINE Messaging API
 * (`POST https://api.line.me/v2/bot/message/push`, `Authorization: Bearer <channel access
 * token>`), `{"to": line_to, "messages": [{"type": "text", "text": <alert text>}]}`.
 *
 * Differences, on purpose:
 * - Every attempt of one alert carries the same `X-Line-Retry-Key` (a UUID derived from the
 *   alert id), so a retry after a lost answer is not delivered twice: LINE answers 409 to a key
 *   it already accepted, which counts as sent.
 * - The text loses bidi and control characters (a text message has no markup; mentions need
 *   substitution objects, never sent) and is cut at LINE's documented 5,000 characters
 *   (ElastAlert2 crops at 4,700).
 * - `line_to` is required (ElastAlert2 misspells `required_options` and fails at send time).
 */
import { createHash } from 'node:crypto';
import { capText, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { clientFor } from '../kit/client.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { lineSchema } from './schema.ts';

export const LINE_MAX_CHARS = 5000;

/** A version-4-shaped UUID from the alert id: the same for every attempt of one alert. */
export function retryKey(alertId: string): string {
  const h = createHash('sha256').update(`logwarden-line:${alertId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16] ?? '0', 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const createLineAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<{ line_channel_access_token: string; line_to: string; line_api_url?: string }>(lineSchema, ref, rule);
  const base = httpUrl(rule, 'line_api_url', o.line_api_url ?? 'https://api.line.me');
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/v2/bot/message/push`, base);
  const transport = transportOf(rule, o, 'line');
  const render = (alert: AlertPayload): unknown => ({
    to: o.line_to,
    messages: [{ type: 'text', text: capText(displayText(alert.text), LINE_MAX_CHARS) }],
  });
  const client = clientFor('line', transport, deps);
  const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${o.line_channel_access_token}` };
  return {
    type: 'line',
    async send(alert) {
      const body = JSON.stringify(render(alert));
      await client.post(
        url,
        body,
        { ...headers, 'X-Line-Retry-Key': retryKey(alert.alertId) },
        { secrets: [o.line_channel_access_token], accept: (status) => status === 409 },
      );
    },
    async close() {
      client.close();
    },
  };
};
