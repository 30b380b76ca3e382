/**
 * ElastAlert2's `datadog` alerter: an event through Datadog's Events API v1
 * (`POST /api/v1/events`, `DD-API-KEY` and `DD-APPLICATION-KEY`), `{title, text}` with the alert
 * subject and text.
 *
 * Differences, on purpose: an "@" in a document value gets a word joiner, because "@user" or
 * "@slack-channel" in an event's text notifies that user or integration; a text that would begin
 * with "%%%" (Datadog's Markdown switch) gets a space first; title and text are cut to Datadog's
 * documented 100 and 4,000 characters with a visible mark.
 */
import { capText } from '../../src/alert/display.ts';
import { escapeMentions } from '../../src/escape/index.ts';
import { httpUrl } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { datadogSchema } from './schema.ts';

interface DatadogOptions {
  datadog_api_key: string;
  datadog_app_key: string;
  datadog_api_url?: string;
}

export const DATADOG_LIMITS = { title: 100, text: 4000 } as const;

/** A document value in an event: shown as written, notifying nobody. */
export const escapeDatadog: (value: string) => string = escapeMentions;

export const createDatadogAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<DatadogOptions>(datadogSchema, ref, rule);
  const render = (alert: AlertPayload): unknown => {
    const shown = alert.render(escapeDatadog);
    const text = shown.text.startsWith('%%%') ? ` ${shown.text}` : shown.text;
    const title = shown.subject.length <= DATADOG_LIMITS.title ? shown.subject : `${shown.subject.slice(0, DATADOG_LIMITS.title - 1)}…`;
    return { title, text: capText(text, DATADOG_LIMITS.text) };
  };
  return webhookAlerter(
    {
      type: 'datadog',
      urls: [httpUrl(rule, 'datadog_api_url', o.datadog_api_url ?? 'https://api.datadoghq.com/api/v1/events')],
      transport: transportOf(rule, o, 'datadog'),
      render,
      headers: { 'DD-API-KEY': o.datadog_api_key, 'DD-APPLICATION-KEY': o.datadog_app_key },
      secrets: [o.datadog_api_key, o.datadog_app_key],
    },
    deps,
  );
};
