/**
 * ElastAlert2's `twilio` alerter: an SMS through Twilio's REST API
 * (`POST https://api.twilio.com/2010-04-01/Accounts/<sid>/Messages.json`, basic auth with the
 * account SID and auth token, form-encoded `To`, `From` or `MessagingServiceSid`, `Body`). As in
 * ElastAlert2, the body is the rule name, never document content; `twilio_use_copilot` sends
 * through a Messaging Service instead of a number.
 *
 * Differences, on purpose: a rule missing the sender (`twilio_from_number`, or
 * `twilio_message_service_sid` with copilot) is refused when it loads (ElastAlert2 fails each
 * alert); the body is cut at Twilio's 1,600 characters. Twilio has no idempotency key: an attempt
 * whose answer was lost and is retried sends a second SMS.
 */
import { capText, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { clientFor } from '../kit/client.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import { optionError, type AlerterFactory } from '../types.ts';
import { twilioSchema } from './schema.ts';

interface TwilioOptions {
  twilio_account_sid: string;
  twilio_auth_token: string;
  twilio_to_number: string;
  twilio_from_number?: string;
  twilio_message_service_sid?: string;
  twilio_use_copilot?: boolean;
  twilio_api_url?: string;
}

export const TWILIO_MAX_CHARS = 1600;

export const createTwilioAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<TwilioOptions>(twilioSchema, ref, rule);
  const sender: [string, string | undefined] = o.twilio_use_copilot
    ? ['MessagingServiceSid', o.twilio_message_service_sid]
    : ['From', o.twilio_from_number];
  if (!sender[1])
    throw optionError(
      rule,
      o.twilio_use_copilot ? 'twilio_message_service_sid' : 'twilio_from_number',
      o.twilio_use_copilot ? 'is required with twilio_use_copilot' : 'is required (or twilio_use_copilot with twilio_message_service_sid)',
    );
  const base = httpUrl(rule, 'twilio_api_url', o.twilio_api_url ?? 'https://api.twilio.com');
  const url = new URL(
    `${base.pathname.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(o.twilio_account_sid)}/Messages.json`,
    base,
  );
  const client = clientFor('twilio', transportOf(rule, o, 'twilio'), deps);
  const basic = Buffer.from(`${o.twilio_account_sid}:${o.twilio_auth_token}`).toString('base64');
  const headers = { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  const body = new URLSearchParams({
    To: o.twilio_to_number,
    [sender[0]]: sender[1],
    Body: capText(displayText(rule.name), TWILIO_MAX_CHARS),
  }).toString();

  return {
    type: 'twilio',
    async send() {
      await client.post(url, body, headers, { secrets: [o.twilio_auth_token, basic] });
    },
    async close() {
      client.close();
    },
  };
};
