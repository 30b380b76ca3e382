/**
 * ElastAlert2's `googlechat` alerter: the alert text to Google Chat incoming webhooks
 * (https://developers.google.com/workspace/chat/quickstart/webhooks), either as a plain `text`
 * message (`googlechat_format: basic`, the default) or as a v1 card whose one paragraph holds
 * the text, with the optional header and a "VISIT KIBANA" button (`card`), as ElastAlert2 builds
 * them. Several webhook URLs each get the message.
 *
 * Differences, on purpose:
 * - Basic text: Google Chat documents no escape for its text syntax, where `<users/all>` notifies
 *   a whole space and `<url|label>` hides a link. A document value's "<" is followed by a word
 *   joiner (U+2060, invisible), which breaks both; its `* _ ~ \`` are followed by one too, so they
 *   do not pair into formatting. The rule's own text is kept as written.
 * - Card: the paragraph is the card's HTML subset, so document values are entity-escaped.
 * - Limits: text 4,096 characters; the card paragraph 24 KiB (a message is at most 32,000 bytes).
 */
import { capBytes, capText, displayText } from '../../src/alert/display.ts';
import { httpUrls } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { googlechatSchema } from './schema.ts';

interface GoogleChatOptions {
  googlechat_webhook_url: string | string[];
  googlechat_format?: 'basic' | 'card';
  googlechat_header_title?: string;
  googlechat_header_subtitle?: string;
  googlechat_header_image?: string;
  googlechat_footer_kibanalink?: string;
}

export const GOOGLECHAT_LIMITS = { textChars: 4096, cardBytes: 24 * 1024 } as const;

/** A document value in a basic text message: shown as written, mentioning and linking nobody. */
export function escapeGoogleChatText(value: string): string {
  return displayText(value).replace(/[<*_~`]/g, '$&\u2060');
}

/** A document value in a card paragraph (Google Chat's HTML subset). */
export function escapeGoogleChatCard(value: string): string {
  return displayText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const createGoogleChatAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<GoogleChatOptions>(googlechatSchema, ref, rule);

  const card = (alert: AlertPayload): unknown => {
    const text = capBytes(alert.render(escapeGoogleChatCard).text, GOOGLECHAT_LIMITS.cardBytes);
    const sections: unknown[] = [{ widgets: [{ textParagraph: { text } }] }];
    if (o.googlechat_footer_kibanalink) {
      sections.push({
        widgets: [{ buttons: [{ textButton: { text: 'VISIT KIBANA', onClick: { openLink: { url: o.googlechat_footer_kibanalink } } } }] }],
      });
    }
    const header = o.googlechat_header_title
      ? { header: { title: o.googlechat_header_title, subtitle: o.googlechat_header_subtitle, imageUrl: o.googlechat_header_image } }
      : {};
    return { cards: [{ ...header, sections }] };
  };
  const basic = (alert: AlertPayload): unknown => ({ text: capText(alert.render(escapeGoogleChatText).text, GOOGLECHAT_LIMITS.textChars) });

  return webhookAlerter(
    {
      type: 'googlechat',
      urls: httpUrls(rule, 'googlechat_webhook_url', o.googlechat_webhook_url),
      transport: transportOf(rule, o, 'googlechat'),
      render: o.googlechat_format === 'card' ? card : basic,
    },
    deps,
  );
};
