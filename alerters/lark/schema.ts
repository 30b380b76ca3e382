import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The lark alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const larkSchema: AlerterSchema = {
  name: 'lark',
  required: ['lark_bot_id'],
  options: {
    // The custom bot's hook id: whoever has it can post to the group.
    lark_bot_id: secret,
    // ElastAlert2 sends `{title, text}` content whatever the type; only text is accepted here.
    lark_msgtype: { enum: ['text'] },
    // Ours: the bot hook base (Lark international: https://open.larksuite.com/open-apis/bot/v2/hook); the id is appended.
    lark_api_url: str,
    ...transportSchema('lark'),
  },
};
