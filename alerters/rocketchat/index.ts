/**
 * ElastAlert2's `rocketchat` alerter: a Rocket.Chat incoming-webhook message
 * (https://docs.rocket.chat/docs/integrations) to each URL, once per
 * `rocket_chat_channel_override` entry, as ElastAlert2 builds it: username and emoji, the
 * author's `rocket_chat_text_string` as the message, one attachment with the subject as title,
 * the alert text, the colour and the fields (each `value` names a document field), and an
 * attachment with the Kibana Discover link when asked.
 *
 * Differences, on purpose:
 * - Document values are Markdown-escaped with a backslash (Rocket.Chat's parser honours it for
 *   punctuation, `<` and `>` included) and "@" is followed by a word joiner (U+2060), so a log
 *   line can neither format, link, nor notify @all, @here or a user.
 * - Texts are cut at Rocket.Chat's default maximum message size, 5,000 characters.
 * - A field whose document value is missing shows `alert_missing_value` (ElastAlert2 sends null).
 * - The OpenSearch Discover options are not offered (LogWarden runs on Elasticsearch).
 */
import { capText } from '../../src/alert/display.ts';
import { escapeMarkdown, escapeSafeCut } from '../../src/escape/index.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { httpUrls, missingValue } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { rocketchatSchema } from './schema.ts';

interface RocketChatOptions {
  rocket_chat_webhook_url: string | string[];
  rocket_chat_username_override?: string;
  rocket_chat_channel_override?: string | string[];
  rocket_chat_emoji_override?: string;
  rocket_chat_msg_color?: string;
  rocket_chat_text_string?: string;
  rocket_chat_alert_fields?: { title: string; value: string; short?: boolean }[];
  rocket_chat_attach_kibana_discover_url?: boolean;
  rocket_chat_kibana_discover_color?: string;
  rocket_chat_kibana_discover_title?: string;
}

/** Rocket.Chat's default Message_MaxAllowedSize (characters). */
export const ROCKETCHAT_MAX_CHARS = 5000;

/** A document value in a Rocket.Chat message: as written, formatting and notifying nothing. */
export function escapeRocketChat(value: string): string {
  return escapeMarkdown(value).replace(/@/g, '@\u2060');
}

export const createRocketChatAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<RocketChatOptions>(rocketchatSchema, ref, rule);
  const channels = o.rocket_chat_channel_override === undefined ? [''] : [o.rocket_chat_channel_override].flat();
  const missing = missingValue(rule);
  const cap = (text: string): string => capText(text, ROCKETCHAT_MAX_CHARS, escapeSafeCut);

  const render = (alert: AlertPayload): Record<string, unknown> => {
    const shown = alert.render(escapeRocketChat);
    const fields = (o.rocket_chat_alert_fields ?? []).map((f) => {
      const value = lookupField(alert.match, f.value);
      return { ...f, value: cap(escapeRocketChat(value === undefined || value === null ? missing : pyStr(value))) };
    });
    const attachments: Record<string, unknown>[] = [
      { color: o.rocket_chat_msg_color ?? 'danger', title: cap(shown.subject), text: cap(shown.text), fields },
    ];
    if (o.rocket_chat_attach_kibana_discover_url && alert.kibanaDiscoverUrl) {
      attachments.push({
        color: o.rocket_chat_kibana_discover_color ?? '#ec4b98',
        title: o.rocket_chat_kibana_discover_title ?? 'Discover in Kibana',
        title_link: alert.kibanaDiscoverUrl,
      });
    }
    const payload: Record<string, unknown> = {
      username: o.rocket_chat_username_override ?? 'elastalert2',
      text: o.rocket_chat_text_string ?? '',
      attachments,
    };
    const emoji = o.rocket_chat_emoji_override ?? ':ghost:';
    if (emoji !== '') payload['emoji'] = emoji;
    return payload;
  };

  return webhookAlerter(
    {
      type: 'rocketchat',
      urls: httpUrls(rule, 'rocket_chat_webhook_url', o.rocket_chat_webhook_url),
      transport: transportOf(rule, o, 'rocket_chat'),
      render,
      // ElastAlert2 always sets channel: '' posts to the integration's own channel.
      variants: channels.map((channel) => ({ channel })),
    },
    deps,
  );
};
