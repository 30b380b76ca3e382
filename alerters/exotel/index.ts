/**
 * ElastAlert2's `exotel` alerter: an SMS through Exotel's API
 * (`POST https://api.exotel.com/v1/Accounts/<sid>/Sms/send`, basic auth with the account SID and
 * token, form-encoded `From`, `To`, `Body`). As in ElastAlert2, the body is the rule name followed
 * by `exotel_message_body`, never document content.
 *
 * Differences, on purpose: the body is cut at 2,000 characters, Exotel's limit for an SMS body;
 * any 2xx is success (ElastAlert2 wants exactly 200). Exotel has no idempotency key: an attempt
 * whose answer was lost and is retried sends a second SMS.
 */
import { capText, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { clientFor } from '../kit/client.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import type { AlerterFactory } from '../types.ts';
import { exotelSchema } from './schema.ts';

interface ExotelOptions {
  exotel_account_sid: string;
  exotel_auth_token: string;
  exotel_to_number: string;
  exotel_from_number: string;
  exotel_message_body?: string;
  exotel_api_url?: string;
}

export const EXOTEL_MAX_CHARS = 2000;

export const createExotelAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<ExotelOptions>(exotelSchema, ref, rule);
  const base = httpUrl(rule, 'exotel_api_url', o.exotel_api_url ?? 'https://api.exotel.com');
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/v1/Accounts/${encodeURIComponent(o.exotel_account_sid)}/Sms/send`, base);
  const client = clientFor('exotel', transportOf(rule, o, 'exotel'), deps);
  const basic = Buffer.from(`${o.exotel_account_sid}:${o.exotel_auth_token}`).toString('base64');
  const headers = { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' };
  const text = capText(displayText(rule.name + (o.exotel_message_body ?? '')), EXOTEL_MAX_CHARS);
  const body = new URLSearchParams({ From: o.exotel_from_number, To: o.exotel_to_number, Body: text }).toString();

  return {
    type: 'exotel',
    async send() {
      await client.post(url, body, headers, { secrets: [o.exotel_auth_token, basic] });
    },
    async close() {
      client.close();
    },
  };
};
