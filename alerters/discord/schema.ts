import type { AlerterSchema } from '../kit/contract.ts';
import { secret, secretOrList, str, transportSchema } from '../kit/schema-types.ts';

/** The discord alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const discordSchema: AlerterSchema = {
  name: 'discord',
  required: ['discord_webhook_url'],
  options: {
    // The webhook URL holds its token: whoever has it can post.
    discord_webhook_url: secretOrList,
    discord_emoji_title: str,
    discord_proxy_login: str,
    discord_proxy_password: secret,
    discord_embed_color: { type: 'integer', minimum: 0, maximum: 0xffffff },
    discord_embed_footer: str,
    discord_embed_icon_url: str,
    ...transportSchema('discord'),
  },
};
