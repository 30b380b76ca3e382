/**
 * ElastAlert2's `ms_power_automate` alerter: an Adaptive Card to a Microsoft Teams workflow
 * (Power Automate "When a Teams webhook request is received"), as ElastAlert2 builds it: the
 * summary (default the alert subject) large and bold, the alert text below, the facts, an
 * "Open URL" action for the Kibana Discover link, full width when asked.
 *
 * Differences, on purpose:
 * - Text that holds document values (summary, body, fact values) is sent as RichTextBlock
 *   TextRuns, which Adaptive Cards render without Markdown, instead of Markdown TextBlocks: a
 *   log line cannot add links or formatting. Facts are lines of name (bold) and value. No
 *   mention entities are ever sent, so nobody is mentioned.
 * - The card stays under Teams' 28 KB message limit: the body is capped at 20 KiB and each fact
 *   and the summary at 1 KiB, with a visible truncation mark.
 * - `ms_power_automate_webhook_url_from_field` is refused: a log document must never choose
 *   where an alert is sent. The OpenSearch Discover options are refused (no such links here).
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { httpUrls } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { msPowerAutomateSchema } from './schema.ts';

interface PowerAutomateOptions {
  ms_power_automate_webhook_url: string | string[];
  ms_power_automate_alert_summary?: string;
  ms_power_automate_summary_text_size?: string;
  ms_power_automate_body_text_size?: string;
  ms_power_automate_alert_facts?: { name: string; value: string }[];
  ms_power_automate_kibana_discover_attach_url?: boolean;
  ms_power_automate_kibana_discover_color?: string;
  ms_power_automate_kibana_discover_title?: string;
  ms_power_automate_teams_card_width_full?: boolean;
}

export const POWER_AUTOMATE_LIMITS = { bodyBytes: 20 * 1024, summaryBytes: 1024, factBytes: 1024 } as const;

const REFUSED: Readonly<Record<string, string>> = {
  ms_power_automate_webhook_url_from_field:
    'is refused: a log document must never choose where an alert is sent; list the workflow URLs in ms_power_automate_webhook_url',
  ms_power_automate_opensearch_discover_attach_url:
    'is refused: LogWarden makes Kibana Discover links only (ms_power_automate_kibana_discover_attach_url)',
  ms_power_automate_opensearch_discover_color: 'is refused: LogWarden makes Kibana Discover links only',
  ms_power_automate_opensearch_discover_title: 'is refused: LogWarden makes Kibana Discover links only',
};

const run = (text: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'TextRun', text, ...extra });

export const createPowerAutomateAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<PowerAutomateOptions>(msPowerAutomateSchema, ref, rule);
  for (const [option, why] of Object.entries(REFUSED))
    if (o[option] !== undefined && o[option] !== false) throw optionError(rule, option, why);
  const bodySize = o.ms_power_automate_body_text_size;

  const render = (alert: AlertPayload): unknown => {
    const summary = capBytes(displayText(o.ms_power_automate_alert_summary ?? alert.subject), POWER_AUTOMATE_LIMITS.summaryBytes);
    const body: Record<string, unknown>[] = [
      { type: 'RichTextBlock', inlines: [run(summary, { weight: 'Bolder', size: o.ms_power_automate_summary_text_size ?? 'large' })] },
      {
        type: 'RichTextBlock',
        spacing: 'Large',
        inlines: [run(capBytes(displayText(alert.text), POWER_AUTOMATE_LIMITS.bodyBytes), bodySize ? { size: bodySize } : {})],
      },
    ];
    const facts = o.ms_power_automate_alert_facts ?? [];
    if (facts.length > 0) {
      body.push({
        type: 'RichTextBlock',
        inlines: facts.flatMap((f, i) => {
          // ElastAlert2: the field's value, or the text itself when the match has no such field.
          const found = lookupField(alert.match, f.value);
          const value = capBytes(displayText(found === undefined ? f.value : pyStr(found)), POWER_AUTOMATE_LIMITS.factBytes);
          return [run(`${i > 0 ? '\n' : ''}${f.name}: `, { weight: 'Bolder' }), run(value)];
        }),
      });
    }
    const actions: Record<string, unknown>[] = [];
    if (o.ms_power_automate_kibana_discover_attach_url && alert.kibanaDiscoverUrl && /^https?:\/\//.test(alert.kibanaDiscoverUrl)) {
      actions.push({
        type: 'Action.OpenUrl',
        title: o.ms_power_automate_kibana_discover_title ?? 'Discover in Kibana',
        url: alert.kibanaDiscoverUrl,
        style: o.ms_power_automate_kibana_discover_color ?? 'default',
      });
    }
    const content: Record<string, unknown> = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body,
      actions,
    };
    if (o.ms_power_automate_teams_card_width_full) content['msteams'] = { width: 'Full' };
    return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content }] };
  };

  return webhookAlerter(
    {
      type: 'ms_power_automate',
      urls: httpUrls(rule, 'ms_power_automate_webhook_url', o.ms_power_automate_webhook_url),
      transport: transportOf(rule, o, 'ms_power_automate'),
      render,
    },
    deps,
  );
};
