/**
 * ElastAlert2's `chatwork` alerter: a message to a Chatwork room through API v2
 * (`POST https://api.chatwork.com/v2/rooms/<room id>/messages`, header `x-chatworktoken`, a form
 * with `body` and `self_unread=0`), the body being the alert text.
 *
 * Differences, on purpose:
 * - Chatwork's message notation acts on `[To:id]`, `[toall]`, `[rp ...]`, `[info]`, `[code]`...:
 *   a document value's "[" is followed by a word joiner (U+2060, invisible), so no tag forms and
 *   nobody is notified.
 * - The text is cut at 2,047 characters with the kit's visible mark, where ElastAlert2 crops too.
 */
import { capText, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { clientFor } from '../kit/client.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import type { AlerterFactory } from '../types.ts';
import { chatworkSchema } from './schema.ts';

export const CHATWORK_MAX_CHARS = 2047;

/** A document value in a Chatwork message: no notation tag can form. */
export function escapeChatwork(value: string): string {
  return displayText(value).replace(/\[/g, '[\u2060');
}

export const createChatworkAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<{
    chatwork_apikey: string;
    chatwork_room_id: string | number;
    chatwork_proxy_pass?: string;
    chatwork_api_url?: string;
  }>(chatworkSchema, ref, rule);
  const base = httpUrl(rule, 'chatwork_api_url', o.chatwork_api_url ?? 'https://api.chatwork.com');
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/v2/rooms/${encodeURIComponent(String(o.chatwork_room_id))}/messages`, base);
  const transport = transportOf(rule, o, 'chatwork', ['chatwork_proxy_login', 'chatwork_proxy_pass']);
  const client = clientFor('chatwork', transport, deps);
  const secrets = [o.chatwork_apikey, ...(o.chatwork_proxy_pass ? [o.chatwork_proxy_pass] : [])];
  const headers = { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'x-chatworktoken': o.chatwork_apikey };

  return {
    type: 'chatwork',
    async send(alert) {
      const body = new URLSearchParams({
        self_unread: '0',
        body: capText(alert.render(escapeChatwork).text, CHATWORK_MAX_CHARS),
      }).toString();
      await client.post(url, body, headers, { secrets });
    },
    async close() {
      client.close();
    },
  };
};
