/**
 * ElastAlert2's `gitter` alerter: an activity-feed event through a Gitter custom webhook
 * (`POST <gitter_webhook_url>` with JSON `{"message", "level"}`) with the alert text as the message
 * and `gitter_msg_level` (default `error`) as the level. Gitter has since moved onto Matrix;
 * rooms there are reached with `matrixhookshot`.
 *
 * Differences, on purpose: the activity feed renders Markdown and `@user` / `@/all` mentions, so
 * document values are backslash-escaped and their "@" is followed by a word joiner (U+2060); the
 * message is cut at 4,096 characters, as Gitter documents no limit for activity events.
 */
import { capText } from '../../src/alert/display.ts';
import { escapeMarkdown, escapeSafeCut } from '../../src/escape/index.ts';
import { httpUrl } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { gitterSchema } from './schema.ts';

export const GITTER_MAX_CHARS = 4096;

/** A document value in Gitter's Markdown: shown as written, notifying nobody. */
export function escapeGitter(value: string): string {
  return escapeMarkdown(value).replace(/@/g, '@\u2060');
}

export const createGitterAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<{ gitter_webhook_url: string; gitter_msg_level?: string }>(gitterSchema, ref, rule);
  const render = (alert: AlertPayload): unknown => ({
    message: capText(alert.render(escapeGitter).text, GITTER_MAX_CHARS, escapeSafeCut),
    level: o.gitter_msg_level ?? 'error',
  });
  return webhookAlerter(
    {
      type: 'gitter',
      urls: [httpUrl(rule, 'gitter_webhook_url', o.gitter_webhook_url)],
      transport: transportOf(rule, o, 'gitter'),
      render,
    },
    deps,
  );
};
