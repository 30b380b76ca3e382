import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The telegram alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const telegramSchema: AlerterSchema = {
  name: 'telegram',
  required: ['telegram_bot_token', 'telegram_room_id'],
  options: {
    telegram_bot_token: secret,
    // A chat id (-100…) or @channelusername.
    telegram_room_id: { type: ['string', 'integer'] },
    // ElastAlert2: a host name (https:// is added); LogWarden also takes a whole http(s) URL.
    telegram_api_url: str,
    telegram_proxy_login: str,
    telegram_proxy_pass: secret,
    telegram_parse_mode: { enum: ['markdown', 'markdownV2', 'html'] },
    ...transportSchema('telegram'),
  },
};
