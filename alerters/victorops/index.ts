/**
 * ElastAlert2's `victorops` alerter: an incident through the Splunk On-Call (VictorOps) REST
 * endpoint, `POST <base>/<api key>/<routing key>`, with ElastAlert2's body: `message_type`,
 * `entity_display_name` (default "no entity display name"), `monitoring_tool` "ElastAlert",
 * `state_message` (the alert text) and `entity_id` when set.
 *
 * Differences, on purpose: `entity_id` without `victorops_entity_id` is the rule name plus the
 * query_key value, so repeats of one problem update one incident (ElastAlert2 lets the service
 * pick a new one each time); a `{"result": "failure"}` answer is a permanent failure (ElastAlert2
 * counts any 2xx as sent); the state message loses bidi and control characters and is capped at
 * 64 KiB with a visible mark. The key is part of the URL and never shown.
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { HttpFailure, httpUrl, quoteBody } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { victoropsSchema } from './schema.ts';

interface VictorOpsOptions {
  victorops_api_key: string;
  victorops_routing_key: string;
  victorops_message_type: string;
  victorops_entity_id?: string;
  victorops_entity_display_name?: string;
  victorops_api_url?: string;
}

export const VICTOROPS_DEFAULT_URL = 'https://alert.victorops.com/integrations/generic/20131114/alert';
export const MAX_STATE_MESSAGE_BYTES = 64 * 1024;

export const createVictorOpsAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<VictorOpsOptions>(victoropsSchema, ref, rule);
  const base = httpUrl(rule, 'victorops_api_url', o.victorops_api_url ?? VICTOROPS_DEFAULT_URL);
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${encodeURIComponent(o.victorops_api_key)}/${encodeURIComponent(o.victorops_routing_key)}`;

  const render = (alert: AlertPayload): unknown => ({
    message_type: o.victorops_message_type,
    entity_display_name: o.victorops_entity_display_name ?? 'no entity display name',
    monitoring_tool: 'ElastAlert',
    state_message: capBytes(displayText(alert.text), MAX_STATE_MESSAGE_BYTES),
    entity_id: o.victorops_entity_id ?? (alert.queryKey === undefined ? rule.name : `${rule.name}:${displayText(alert.queryKey)}`),
  });

  return webhookAlerter(
    {
      type: 'victorops',
      urls: [url],
      transport: transportOf(rule, o, 'victorops'),
      render,
      secrets: [o.victorops_api_key],
      check(result) {
        let answer: { result?: unknown; message?: unknown } = {};
        try {
          answer = JSON.parse(result.body) as typeof answer;
        } catch {
          return;
        }
        if (answer.result === 'failure') {
          throw new HttpFailure(
            'victorops',
            `the REST endpoint refused the alert: ${quoteBody(String(answer.message ?? result.body), [o.victorops_api_key])}`,
            false,
            undefined,
            result.status,
          );
        }
      },
    },
    deps,
  );
};
