/**
 * ElastAlert2's `iris` alerter: an alert in DFIR-IRIS (`POST https://<iris_host>/alerts/add`,
 * `Authorization: Bearer <iris_api_token>`) as ElastAlert2 builds it: title (the alert subject),
 * description (`iris_description`, else the alert text), source, severity, status, event time
 * (now, or the match's `@timestamp` with `iris_overwrite_timestamp`), note, tags, customer,
 * source link, IOCs (each `ioc_value` names a document field; IOCs whose field is missing are left
 * out) and context (key -> the field's value, else the rule option of that name, else empty).
 *
 * Differences, on purpose:
 * - `iris_type: case` is refused: ElastAlert2 creates the case and then its IOCs one request at a
 *   time, so a failure in between leaves a case without IOCs and a retry opens a second case.
 * - IRIS renders the description as Markdown: document values in it are backslash-escaped. IOC
 *   and context values are data and are sent exactly (bidi and controls removed from context).
 * - The description is cut at 64 KiB (IRIS documents no limit). IRIS answers 200 on success;
 *   any other 2xx counts too.
 */
import { systemClock } from '../../src/schedule/clock.ts';
import { capBytes, displayText } from '../../src/alert/display.ts';
import { escapeMarkdown } from '../../src/escape/index.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { DEFAULT_TIMEOUT_MS, httpUrl, ruleValue, tlsOptions } from '../http.ts';
import { hostOption } from '../kit/host.ts';
import { readOptions } from '../kit/options.ts';
import { webhookAlerter } from '../kit/webhook.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { irisSchema } from './schema.ts';

type IrisOptions = Readonly<Record<string, unknown>> & {
  iris_host: string;
  iris_api_token: string;
  iris_type?: 'alert' | 'case';
  iris_description?: string;
  iris_overwrite_timestamp?: boolean;
  iris_alert_context?: Record<string, string>;
  iris_iocs?: ({ ioc_value: string } & Record<string, unknown>)[];
};

export const IRIS_MAX_DESCRIPTION_BYTES = 64 * 1024;

const REFUSED: Readonly<Record<string, string>> = {
  iris_case_template_id: 'is refused: it applies to iris_type: case, which is refused (see iris_type)',
};

/** Python's datetime.now().strftime("%Y-%m-%dT%H:%M:%S"), in UTC. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

export const createIrisAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<IrisOptions>(irisSchema, ref, rule);
  if (o.iris_type === 'case')
    throw optionError(
      rule,
      'iris_type',
      'case is refused: a case and its IOCs take several requests, so a failure in between would leave a case without IOCs and a retry would open a second case; use iris_type: alert',
    );
  for (const [option, why] of Object.entries(REFUSED)) if (o[option] !== undefined) throw optionError(rule, option, why);
  const url = httpUrl(rule, 'iris_host', `https://${hostOption(rule, 'iris_host', o.iris_host)}/alerts/add`);
  const now = (): number => (deps.clock ?? systemClock).now();

  const render = (alert: AlertPayload): unknown => {
    const stamp = alert.match['@timestamp'];
    const body: Record<string, unknown> = {
      alert_title: displayText(alert.subject),
      alert_description: o.iris_description || capBytes(alert.render(escapeMarkdown).text, IRIS_MAX_DESCRIPTION_BYTES),
      alert_source: o['iris_alert_source'] ?? 'ElastAlert2',
      alert_severity_id: o['iris_alert_severity_id'] ?? 1,
      alert_status_id: o['iris_alert_status_id'] ?? 2,
      alert_source_event_time: o.iris_overwrite_timestamp && stamp !== undefined ? stamp : isoSeconds(now()),
      alert_note: o['iris_alert_note'] ?? null,
      alert_tags: o['iris_alert_tags'] ?? null,
      alert_customer_id: o['iris_customer_id'] ?? 1,
    };
    if (o['iris_alert_source_link']) body['alert_source_link'] = o['iris_alert_source_link'];
    if (o.iris_iocs && o.iris_iocs.length > 0) {
      body['alert_iocs'] = o.iris_iocs.flatMap((ioc) => {
        const value = lookupField(alert.match, ioc.ioc_value);
        return value === undefined || value === null ? [] : [{ ...ioc, ioc_value: value }];
      });
    }
    if (o.iris_alert_context) {
      body['alert_context'] = Object.fromEntries(
        Object.entries(o.iris_alert_context).map(([key, field]) => {
          const value = lookupField(alert.match, field) ?? ruleValue(rule, field) ?? '';
          return [key, displayText(pyStr(value))];
        }),
      );
    }
    return body;
  };

  return webhookAlerter(
    {
      type: 'iris',
      urls: [url],
      // ElastAlert2's iris_ca_cert / iris_ignore_ssl_errors; the kit's timeout, no proxy (ElastAlert2 has none).
      transport: {
        timeoutMs: DEFAULT_TIMEOUT_MS,
        tls: tlsOptions(rule, o, 'iris_ca_cert', 'iris_ignore_ssl_errors'),
        proxy: undefined,
        tlsHint: 'iris_ca_cert / iris_ignore_ssl_errors',
      },
      render,
      headers: { Authorization: `Bearer ${o.iris_api_token}` },
      secrets: [o.iris_api_token],
    },
    deps,
  );
};
