/**
 * ElastAlert2's `alerta` alerter: an alert through Alerta's API (`POST <alerta_api_url>`, usually
 * `http://alerta/api/alert`, with `Authorization: Key <alerta_api_key>`), with ElastAlert2's body
 * and defaults. resource, severity, environment, origin, group, value, event, text, service, tags,
 * correlate and attribute values may hold `{field}` / `%(field)s` placeholders filled from the
 * match (`alert_missing_value` when absent); `rawData` is the alert text.
 *
 * Differences, on purpose:
 * - Each template is parsed once when the rule loads and values are inserted as text (ElastAlert2
 *   formats the result again, so a value holding "{x}" would be expanded).
 * - `alerta_text: ""` sends the alert text (ElastAlert2: the rule type's match string alone).
 * - Values lose bidi and control characters; text and rawData are cut at 64 KiB (Alerta
 *   documents no limit). `alerta_ca_certs` is ours; the HTTP timeout is the kit's 10 s, as
 *   `alerta_timeout` is Alerta's own expiry for the alert.
 */
import { systemClock } from '../../src/schedule/clock.ts';
import { capBytes, displayText } from '../../src/alert/display.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { parseArg, renderArg, type ArgPart } from '../command/argv.ts';
import { DEFAULT_TIMEOUT_MS, httpUrl, missingValue, tlsOptions } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { webhookAlerter } from '../kit/webhook.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { alertaSchema } from './schema.ts';

type Opts = Readonly<Record<string, unknown>> & {
  alerta_api_url: string;
  alerta_api_key?: string;
  alerta_timeout?: number;
  alerta_use_match_timestamp?: boolean;
  alerta_use_qk_as_resource?: boolean;
  alerta_api_skip_ssl?: boolean;
};

export const ALERTA_MAX_BYTES = 64 * 1024;
const SINGLE: Readonly<Record<string, string>> = {
  resource: 'elastalert',
  severity: 'warning',
  environment: 'Production',
  origin: 'elastalert',
  group: '',
  value: '',
  text: 'elastalert',
  event: 'elastalert',
};
const LISTS: Readonly<Record<string, string[]>> = { service: ['elastalert'], tags: [], correlate: [] };

export const createAlertaAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<Opts>(alertaSchema, ref, rule);
  const missing = missingValue(rule);
  const parse = (option: string, template: string): ArgPart[] => {
    try {
      return parseArg(template);
    } catch (error) {
      throw optionError(rule, option, `cannot be filled from the match: ${(error as Error).message}`);
    }
  };
  const single = Object.fromEntries(
    Object.entries(SINGLE).map(([k, d]) => [k, parse(`alerta_${k}`, (o[`alerta_${k}`] as string | undefined) ?? d)]),
  );
  const lists = Object.fromEntries(
    Object.entries(LISTS).map(([k, d]) => [
      k,
      ((o[`alerta_${k}`] as string[] | undefined) ?? d).map((t, i) => parse(`alerta_${k}[${i}]`, t)),
    ]),
  );
  const keys = (o['alerta_attributes_keys'] as string[] | undefined) ?? [];
  const values = ((o['alerta_attributes_values'] as string[] | undefined) ?? []).map((t, i) => parse(`alerta_attributes_values[${i}]`, t));
  const queryKey = Array.isArray(rule.options['query_key']) ? undefined : (rule.options['query_key'] as string | undefined);
  const now = (): number => (deps.clock ?? systemClock).now();

  const render = (alert: AlertPayload): unknown => {
    const fill = (parts: readonly ArgPart[]): string => displayText(renderArg(parts, alert.match, missing));
    const resourceKey = o.alerta_use_qk_as_resource && queryKey !== undefined ? lookupField(alert.match, queryKey) : undefined;
    const text = o['alerta_text'] === '' ? displayText(alert.text) : fill(single['text'] ?? []);
    const event =
      o['alerta_event'] === '' ? displayText(`${rule.name}${alert.queryKey ? `.${alert.queryKey}` : ''}`) : fill(single['event'] ?? []);
    const stamp = lookupField(alert.match, rule.timestampField);
    const at =
      o.alerta_use_match_timestamp && stamp !== undefined && !Number.isNaN(Date.parse(pyStr(stamp))) ? Date.parse(pyStr(stamp)) : now();
    return {
      resource: resourceKey ? displayText(pyStr(resourceKey)) : fill(single['resource'] ?? []),
      severity: fill(single['severity'] ?? []),
      timeout: o.alerta_timeout ?? 86_400,
      createTime: new Date(at).toISOString(),
      type: (o['alerta_type'] as string | undefined) ?? 'elastalert',
      environment: fill(single['environment'] ?? []),
      origin: fill(single['origin'] ?? []),
      group: fill(single['group'] ?? []),
      event,
      text: capBytes(text, ALERTA_MAX_BYTES),
      value: fill(single['value'] ?? []),
      service: (lists['service'] ?? []).map(fill),
      tags: (lists['tags'] ?? []).map(fill),
      correlate: (lists['correlate'] ?? []).map(fill),
      attributes: Object.fromEntries(keys.slice(0, values.length).map((k, i) => [k, fill(values[i] ?? [])])),
      rawData: capBytes(displayText(alert.text), ALERTA_MAX_BYTES),
    };
  };

  // ElastAlert2's alerta_api_skip_ssl is the kit's *_ignore_ssl_errors.
  const tls = tlsOptions(rule, o, 'alerta_ca_certs', 'alerta_api_skip_ssl');
  return webhookAlerter(
    {
      type: 'alerta',
      urls: [httpUrl(rule, 'alerta_api_url', o.alerta_api_url)],
      transport: { timeoutMs: DEFAULT_TIMEOUT_MS, tls, proxy: undefined, tlsHint: 'alerta_ca_certs / alerta_api_skip_ssl' },
      render,
      headers: o.alerta_api_key ? { Authorization: `Key ${o.alerta_api_key}` } : {},
      secrets: o.alerta_api_key ? [o.alerta_api_key] : [],
    },
    deps,
  );
};
