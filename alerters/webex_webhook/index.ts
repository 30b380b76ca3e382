/**
 * ElastAlert2's `webex_webhook` alerter: the alert text to a Webex incoming webhook
 * (`POST https://webexapis.com/v1/webhooks/incoming/<id>`), as `{"text": ...}` or, with
 * `webex_webhook_msgtype: markdown`, `{"markdown": ...}`.
 *
 * Differences, on purpose: in Markdown, document values are backslash-escaped (no formatting,
 * masked links or `<@all>` / `<@personEmail:…>` mentions from a log line); plain text needs no
 * escaping, only the removal of bidi and control characters. The text is cut to stay under
 * Webex's 7,439-byte message limit (7,000 bytes). The id is part of the URL and never shown.
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { escapeMarkdown } from '../../src/escape/index.ts';
import { httpUrl } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { webexWebhookSchema } from './schema.ts';

interface WebexOptions {
  webex_webhook_id: string;
  webex_webhook_msgtype?: 'text' | 'markdown';
  webex_webhook_api_url?: string;
}

export const WEBEX_MAX_BYTES = 7000;

export const createWebexWebhookAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<WebexOptions>(webexWebhookSchema, ref, rule);
  const base = httpUrl(rule, 'webex_webhook_api_url', o.webex_webhook_api_url ?? 'https://webexapis.com/v1/webhooks/incoming');
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${encodeURIComponent(o.webex_webhook_id)}`;
  const markdown = o.webex_webhook_msgtype === 'markdown';

  const render = (alert: AlertPayload): unknown => {
    const text = capBytes(alert.render(markdown ? escapeMarkdown : displayText).text, WEBEX_MAX_BYTES);
    return markdown ? { markdown: text } : { text };
  };

  return webhookAlerter(
    {
      type: 'webex_webhook',
      urls: [url],
      transport: transportOf(rule, o, 'webex_webhook'),
      render,
      headers: { Accept: 'application/json;charset=utf-8' },
      secrets: [o.webex_webhook_id],
    },
    deps,
  );
};
