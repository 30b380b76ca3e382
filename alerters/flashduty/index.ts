/**
 * ElastAlert2's `flashduty` alerter: a standard alert event to Flashduty
 * (`POST https://api.flashcat.cloud/event/push/alert/standard?integration_key=...`, the whole URL
 * being `flashduty_url`) with ElastAlert2's body: title (default "ElastAlert Alert"),
 * description, event_status (default Info), alert_key, and labels check, service, cluster,
 * resource, metric, group, env, app and `information` (the alert text).
 *
 * Differences, on purpose: labels that are not set are left out (ElastAlert2 sends null, which
 * Flashduty refuses as a label value); without `flashduty_alert_key` the rule name and query key
 * value make the key, so repeats of one problem merge into one incident; Flashduty's answer
 * `{"error": {...}}` is a failure even with HTTP 200 (retryable for its rate-limit code); the
 * information label loses bidi and control characters and is cut at Flashduty's 2,048-character
 * label limit.
 */
import { capText, displayText, keyWithin } from '../../src/alert/display.ts';
import { HttpFailure, httpUrl, quoteBody } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { flashdutySchema } from './schema.ts';

const LABELS = ['check', 'service', 'cluster', 'resource', 'metric', 'group', 'env', 'app'] as const;
export const FLASHDUTY_LIMITS = { label: 2048, title: 512, alertKey: 255 } as const;

type Options = Readonly<Record<string, unknown>> & {
  flashduty_url: string;
  flashduty_title?: string;
  flashduty_alert_key?: string;
  flashduty_description?: string;
  flashduty_event_status?: string;
};

export const createFlashdutyAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<Options>(flashdutySchema, ref, rule);
  const url = httpUrl(rule, 'flashduty_url', o.flashduty_url);
  const key = url.searchParams.get('integration_key') ?? '';

  const render = (alert: AlertPayload): unknown => {
    const labels: Record<string, string> = {};
    for (const name of LABELS) {
      const value = o[`flashduty_${name}`];
      if (typeof value === 'string') labels[name] = value;
    }
    labels['information'] = capText(displayText(alert.text), FLASHDUTY_LIMITS.label);
    const alertKey = o.flashduty_alert_key ?? (alert.queryKey === undefined ? rule.name : `${rule.name}:${displayText(alert.queryKey)}`);
    return {
      title: capText(o.flashduty_title ?? 'ElastAlert Alert', FLASHDUTY_LIMITS.title),
      ...(o.flashduty_description === undefined ? {} : { description: o.flashduty_description }),
      event_status: o.flashduty_event_status ?? 'Info',
      alert_key: keyWithin(alertKey, FLASHDUTY_LIMITS.alertKey),
      labels,
    };
  };

  return webhookAlerter(
    {
      type: 'flashduty',
      urls: [url],
      transport: transportOf(rule, o, 'flashduty'),
      render,
      secrets: key ? [key] : [],
      check(result) {
        let answer: { error?: { code?: unknown; message?: unknown } } = {};
        try {
          answer = JSON.parse(result.body) as typeof answer;
        } catch {
          return;
        }
        if (!answer.error) return;
        const code = String(answer.error.code ?? '');
        throw new HttpFailure(
          'flashduty',
          `Flashduty refused the event: ${quoteBody(`${code} ${String(answer.error.message ?? '')}`, [key])}`,
          code === 'RequestTooFrequently',
          result.retryAfterMs,
          result.status,
        );
      },
    },
    deps,
  );
};
