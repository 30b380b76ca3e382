/**
 * ElastAlert2's `alertmanager` alerter: one alert to each of `alertmanager_hosts` through
 * Alertmanager's API (`POST <host>/api/v2/alerts`, a JSON list of one postable alert).
 *
 * As ElastAlert2: labels are `alertmanager_labels` (each value a Jinja template of the rule
 * author, rendered with the match as data), then `alertmanager_fields` (label -> document
 * field, non-text values as JSON), then `alertname` (default the rule name) and
 * `elastalert_rule`; annotations are `alertmanager_annotations` plus the alert subject (label
 * `summary`) and text (`description`); `endsAt` is now + `alertmanager_resolve_time` when set.
 *
 * Differences, on purpose:
 * - The API version defaults to v2 (ElastAlert2: v1, which Alertmanager 0.27 removed); v1 is
 *   still sent when asked for (same body, path /api/v1/alerts).
 * - `startsAt` is the match time and `generatorURL` the Kibana Discover link when the rule makes
 *   one, so Alertmanager shows when it happened and where to look.
 * - Label names are checked at load against Alertmanager's rule ([a-zA-Z_][a-zA-Z0-9_]*),
 *   which would otherwise refuse every alert with HTTP 400.
 * - Values lose bidi overrides and control characters; the description is capped at 64 KiB
 *   with a visible truncation mark (Alertmanager has no limit, its receivers do).
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { lookupField, pyJsonDumps, pyStr } from '../../src/pycompat/index.ts';
import { compileJinja, jinjaContext, type JinjaTemplate } from '../../src/alert/jinja.ts';
import { durationMs } from '../../src/config/duration.ts';
import { httpUrl, setOwn } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { alertmanagerSchema } from './schema.ts';
import { systemClock } from '../../src/schedule/clock.ts';

interface AlertmanagerOptions {
  alertmanager_hosts: string[];
  alertmanager_api_version?: 'v1' | 'v2';
  alertmanager_alertname?: string;
  alertmanager_labels?: Record<string, string | number | boolean>;
  alertmanager_annotations?: Record<string, string | number | boolean>;
  alertmanager_fields?: Record<string, string>;
  alertmanager_alert_subject_labelname?: string;
  alertmanager_alert_text_labelname?: string;
  alertmanager_basic_auth_login?: string;
  alertmanager_basic_auth_password?: string;
  alertmanager_resolve_time?: unknown;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const MAX_DESCRIPTION_BYTES = 64 * 1024;

export const createAlertmanagerAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<AlertmanagerOptions>(alertmanagerSchema, ref, rule);
  const version = o.alertmanager_api_version ?? 'v2';
  const urls = o.alertmanager_hosts.map((host, i) => {
    const base = httpUrl(rule, `alertmanager_hosts[${i}]`, host);
    const url = new URL(base.href);
    url.pathname = `${base.pathname.replace(/\/+$/, '')}/api/${version}/alerts`;
    return url;
  });
  const labelTemplates: [string, JinjaTemplate][] = Object.entries(o.alertmanager_labels ?? {}).map(([name, value]) => {
    if (!LABEL_NAME.test(name))
      throw optionError(
        rule,
        'alertmanager_labels',
        `${JSON.stringify(name)} is not a valid Alertmanager label name ([a-zA-Z_][a-zA-Z0-9_]*)`,
      );
    try {
      return [name, compileJinja(pyStr(value), `alertmanager_labels.${name}`)];
    } catch (error) {
      throw optionError(rule, `alertmanager_labels.${name}`, (error as Error).message);
    }
  });
  for (const name of Object.keys(o.alertmanager_fields ?? {})) {
    if (!LABEL_NAME.test(name))
      throw optionError(
        rule,
        'alertmanager_fields',
        `${JSON.stringify(name)} is not a valid Alertmanager label name ([a-zA-Z_][a-zA-Z0-9_]*)`,
      );
  }
  const resolveMs = durationMs(o.alertmanager_resolve_time);
  const titleName = o.alertmanager_alert_subject_labelname ?? 'summary';
  const bodyName = o.alertmanager_alert_text_labelname ?? 'description';
  const login = o.alertmanager_basic_auth_login;
  const password = o.alertmanager_basic_auth_password ?? '';
  const auth = login ? `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` : undefined;
  const clock = deps.clock ?? systemClock;

  const render = (alert: AlertPayload): unknown[] => {
    const labels: Record<string, string> = {};
    const context = jinjaContext(rule, alert.match);
    for (const [name, template] of labelTemplates) setOwn(labels, name, displayText(template.render(context)));
    for (const [name, field] of Object.entries(o.alertmanager_fields ?? {})) {
      const value = lookupField(alert.match, field);
      setOwn(labels, name, displayText(typeof value === 'string' ? value : pyJsonDumps(value ?? null)));
    }
    labels['alertname'] = o.alertmanager_alertname ?? rule.name;
    labels['elastalert_rule'] = rule.name;
    const annotations: Record<string, string> = {};
    for (const [name, value] of Object.entries(o.alertmanager_annotations ?? {})) setOwn(annotations, name, pyStr(value));
    setOwn(annotations, titleName, displayText(alert.subject));
    setOwn(annotations, bodyName, capBytes(displayText(alert.text), MAX_DESCRIPTION_BYTES));
    const postable: Record<string, unknown> = { labels, annotations, startsAt: new Date(alert.matchTimeMs).toISOString() };
    if (resolveMs !== undefined) postable['endsAt'] = new Date(clock.now() + resolveMs).toISOString();
    if (alert.kibanaDiscoverUrl && /^https?:\/\//.test(alert.kibanaDiscoverUrl)) postable['generatorURL'] = alert.kibanaDiscoverUrl;
    return [postable];
  };

  return webhookAlerter(
    {
      type: 'alertmanager',
      urls,
      transport: transportOf(rule, o, 'alertmanager'),
      render,
      headers: auth ? { Authorization: auth } : {},
      secrets: [password, ...(auth ? [auth] : [])].filter((s) => s.length >= 4),
    },
    deps,
  );
};
