/**
 * ElastAlert2's `matrixhookshot` alerter: a message to a Matrix room through a hookshot generic
 * webhook (https://matrix-org.github.io/matrix-hookshot/latest/setup/webhooks.html), to each URL:
 * `{"text": <alert text>}`, with `username` and `html` when set; `matrixhookshot_text`, when set,
 * replaces the alert text, as in ElastAlert2.
 *
 * Differences, on purpose: hookshot renders `text` as Markdown when no `html` is given, and
 * "@room" in a message notifies the whole room. Document values are therefore backslash-escaped
 * (no formatting, links or HTML) and their "@" is followed by a word joiner (U+2060, invisible).
 * The text is cut at 32 KiB, half of Matrix's 65,536-byte event, which also carries the HTML
 * rendering of the same text.
 */
import { capBytes } from '../../src/alert/display.ts';
import { escapeMarkdown } from '../../src/escape/index.ts';
import { httpUrls } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { matrixhookshotSchema } from './schema.ts';

interface HookshotOptions {
  matrixhookshot_webhook_url: string | string[];
  matrixhookshot_username?: string;
  matrixhookshot_text?: string;
  matrixhookshot_html?: string;
}

export const MATRIX_MAX_TEXT_BYTES = 32 * 1024;

/** A document value in hookshot's Markdown: shown as written, notifying nobody. */
export function escapeMatrix(value: string): string {
  return escapeMarkdown(value).replace(/@/g, '@\u2060');
}

export const createMatrixHookshotAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<HookshotOptions>(matrixhookshotSchema, ref, rule);

  const render = (alert: AlertPayload): unknown => {
    const payload: Record<string, unknown> = {
      text: o.matrixhookshot_text || capBytes(alert.render(escapeMatrix).text, MATRIX_MAX_TEXT_BYTES),
    };
    if (o.matrixhookshot_username) payload['username'] = o.matrixhookshot_username;
    if (o.matrixhookshot_html) payload['html'] = o.matrixhookshot_html;
    return payload;
  };

  return webhookAlerter(
    {
      type: 'matrixhookshot',
      urls: httpUrls(rule, 'matrixhookshot_webhook_url', o.matrixhookshot_webhook_url),
      transport: transportOf(rule, o, 'matrixhookshot'),
      render,
    },
    deps,
  );
};
