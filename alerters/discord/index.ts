/**
 * ElastAlert2's `discord` alerter: one message per alert to a Discord webhook
 * (https://discord.com/developers/docs/resources/webhook#execute-webhook), as ElastAlert2 builds
 * it: `content` is the title between two `discord_emoji_title`, the alert text is the embed's
 * description, with `discord_embed_color` and an optional footer.
 *
 * Differences, on purpose:
 * - Document values are Markdown-escaped (escapeMarkdown) and `allowed_mentions` is empty, so a
 *   log line can neither format the message, hide a link behind a label, nor ping @everyone,
 *   a user or a role.
 * - Limits are Discord's documented ones, with a visible truncation mark: content 2,000
 *   characters, description 4,096 (ElastAlert2 cut at 1,950 of the old 2,048), footer 2,048.
 * - `discord_webhook_url` may list several webhooks; `_ca_certs`, `_ignore_ssl_errors` and
 *   `_timeout` are accepted as for every HTTP alerter.
 */
import { capText } from '../../src/alert/display.ts';
import { escapeMarkdown, escapeSafeCut } from '../../src/escape/index.ts';
import { httpUrls } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { discordSchema } from './schema.ts';

interface DiscordOptions {
  discord_webhook_url: string | string[];
  discord_emoji_title?: string;
  discord_proxy_password?: string;
  discord_embed_color?: number;
  discord_embed_footer?: string;
  discord_embed_icon_url?: string;
}

/** Discord's documented limits (characters). */
export const DISCORD_LIMITS = { content: 2000, description: 4096, footer: 2048 } as const;

export const createDiscordAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<DiscordOptions>(discordSchema, ref, rule);
  const emoji = o.discord_emoji_title ?? ':warning:';
  const cap = (text: string, max: number): string => capText(text, max, escapeSafeCut);

  const render = (alert: AlertPayload): unknown => {
    const shown = alert.render(escapeMarkdown);
    const embed: Record<string, unknown> = {
      description: cap(shown.text, DISCORD_LIMITS.description),
      color: o.discord_embed_color ?? 0xffffff,
    };
    if (o.discord_embed_footer) {
      embed['footer'] = {
        text: cap(o.discord_embed_footer, DISCORD_LIMITS.footer),
        ...(o.discord_embed_icon_url ? { icon_url: o.discord_embed_icon_url } : {}),
      };
    }
    return {
      content: cap(`${emoji} ${shown.subject} ${emoji}`, DISCORD_LIMITS.content),
      embeds: [embed],
      // Nothing in the message may notify anyone: the rule's text does not either (ElastAlert2 has no mention option).
      allowed_mentions: { parse: [] },
    };
  };

  return webhookAlerter(
    {
      type: 'discord',
      urls: httpUrls(rule, 'discord_webhook_url', o.discord_webhook_url),
      transport: transportOf(rule, o, 'discord', ['discord_proxy_login', 'discord_proxy_password']),
      render,
      secrets: o.discord_proxy_password ? [o.discord_proxy_password] : [],
    },
    deps,
  );
};
