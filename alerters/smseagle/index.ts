/**
 * ElastAlert2's `smseagle` alerter: an SMS, a ring or a text-to-speech call through an SMSEagle
 * device's API v2 (`POST <smseagle_url>/api/v2/messages/sms`, `/calls/ring`, `/calls/tts`,
 * `/calls/tts_advanced`, header `access-token`), with `text` (the alert text, or
 * `smseagle_text`), the recipients `to` / `contacts` / `groups`, and `duration` (calls) and
 * `voice_id` (advanced TTS), as ElastAlert2 builds it.
 *
 * Differences, on purpose: a rule without any recipient is refused when it loads (ElastAlert2
 * fails each alert); the text loses bidi and control characters and is cut at 1,530 characters,
 * the longest multipart SMS (10 parts of 153 GSM characters).
 */
import { capText, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { smseagleSchema } from './schema.ts';

type Ids = (string | number)[];
interface SmsEagleOptions {
  smseagle_url: string;
  smseagle_token: string;
  smseagle_message_type: 'sms' | 'ring' | 'tts' | 'tts_adv';
  smseagle_text?: string;
  smseagle_to?: Ids;
  smseagle_contacts?: Ids;
  smseagle_groups?: Ids;
  smseagle_duration?: number;
  smseagle_voice_id?: number;
}

export const SMSEAGLE_MAX_CHARS = 1530;
const ENDPOINTS = {
  sms: '/api/v2/messages/sms',
  ring: '/api/v2/calls/ring',
  tts: '/api/v2/calls/tts',
  tts_adv: '/api/v2/calls/tts_advanced',
} as const;

export const createSmsEagleAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<SmsEagleOptions>(smseagleSchema, ref, rule);
  const type = o.smseagle_message_type;
  const recipients = { to: o.smseagle_to, contacts: o.smseagle_contacts, groups: o.smseagle_groups };
  if (!Object.values(recipients).some((list) => list && list.length > 0))
    throw optionError(rule, 'smseagle_to', 'no recipient: set smseagle_to, smseagle_contacts or smseagle_groups');
  const base = httpUrl(rule, 'smseagle_url', o.smseagle_url);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${ENDPOINTS[type]}`, base);

  const render = (alert: AlertPayload): unknown => {
    const payload: Record<string, unknown> = { text: o.smseagle_text || capText(displayText(alert.text), SMSEAGLE_MAX_CHARS) };
    for (const [name, list] of Object.entries(recipients)) if (list && list.length > 0) payload[name] = list;
    if (type !== 'sms') payload['duration'] = o.smseagle_duration ?? 10;
    if (type === 'tts_adv') payload['voice_id'] = o.smseagle_voice_id ?? 1;
    return payload;
  };

  return webhookAlerter(
    {
      type: 'smseagle',
      urls: [url],
      transport: transportOf(rule, o, 'smseagle'),
      render,
      headers: { 'access-token': o.smseagle_token },
      secrets: [o.smseagle_token],
    },
    deps,
  );
};
