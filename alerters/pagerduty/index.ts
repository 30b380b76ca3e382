/**
 * PagerDuty through the Events API v2 (`POST <pagerduty_api_url>/v2/enqueue`), with ElastAlert2's
 * option names.
 *
 * Differences from ElastAlert2, on purpose:
 * - Always the Events API v2. ElastAlert2 defaults to v1 when `pagerduty_api_version` is absent;
 *   the v2 endpoint takes the same integration keys. An explicit `pagerduty_api_version: v1` is
 *   refused at load (the v1 event has another shape; remove the option or write v2).
 * - `dedup_key` defaults to the rule name plus ":" and the query_key value, so repeats of one
 *   problem group into one PagerDuty alert and a `resolve` rule can name it (ElastAlert2 sends an
 *   empty key unless `pagerduty_incident_key` is set).
 * - `payload.severity` without `pagerduty_v2_payload_severity` follows the rule's `severity`
 *   (critical -> critical, high -> error, medium -> warning, low / info -> info); else critical.
 * - `custom_details` holds `information` (the alert text) and, unless
 *   `pagerduty_v2_payload_include_all_info: false`, `match` (the match fields as data).
 * - `payload.timestamp` is the match time in ISO 8601 (ElastAlert2 copies the raw timestamp field,
 *   which PagerDuty rejects when it is epoch seconds or milliseconds).
 * - Empty class / component / group are left out; `client_url` is the Kibana Discover link when
 *   the rule makes one.
 * - A custom_details value found in the match is used even when falsy (0, false); ElastAlert2
 *   falls back to the literal then.
 */
import { keyWithin } from '../../src/alert/display.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';
import { isPlainObject, lookupField } from '../../src/pycompat/index.ts';
import {
  checkFormat,
  formatArgs,
  HttpClient,
  HttpFailure,
  httpUrl,
  secretOption,
  setOwn,
  timeoutOption,
  tlsOptions,
  proxyOption,
  type TlsSettings,
} from '../http.ts';
import { checkOptions } from '../kit/options.ts';
import { AlerterError, alerterOptions, optionError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { pagerdutySchema } from './schema.ts';

export const PAGERDUTY_DEFAULT_URL = 'https://events.pagerduty.com';
const EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
const RULE_SEVERITY: Readonly<Record<string, (typeof SEVERITIES)[number]>> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
};
/** PagerDuty's documented limits. */
const SUMMARY_MAX = 1024;
const DEDUP_KEY_MAX = 255;
const EVENT_MAX_BYTES = 512 * 1024;
/** PagerDuty's advice when rate limited without a Retry-After: come back in about 30 seconds. */
const RATE_LIMIT_WAIT_MS = 30_000;

type Match = Readonly<Record<string, unknown>>;

export interface CompiledPagerDuty {
  readonly url: URL;
  readonly routingKey: string;
  readonly timeoutMs: number;
  readonly tls: TlsSettings;
  /** The Events API v2 event for an alert. */
  event(alert: AlertPayload): Record<string, unknown>;
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair (so also at most `max` characters). */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

/** A dedup key within PagerDuty's 255 (see keyWithin). */
export function dedupKey(key: string): string {
  return keyWithin(key, DEDUP_KEY_MAX);
}

/** The options as the schema (pagerduty/schema.ts) checked them. */
interface PagerDutyRaw {
  pagerduty_api_version?: 'v1' | 'v2';
  pagerduty_api_url?: string;
  pagerduty_client_name?: string;
  pagerduty_event_type?: (typeof EVENT_ACTIONS)[number];
  pagerduty_v2_payload_severity?: (typeof SEVERITIES)[number];
  pagerduty_v2_payload_custom_details?: Record<string, string>;
  pagerduty_v2_payload_include_all_info?: boolean;
}

/** A `pagerduty_*` text with its optional `_args` (both typed by the schema), checked to format at load. */
function formatted(rule: RuleDefinition, opts: Match, option: string): { template: string | undefined; args: string[] | undefined } {
  const template = opts[option] as string | undefined;
  const args = opts[`${option}_args`] as string[] | undefined;
  if (template !== undefined && args) checkFormat(rule, option, template, args.length);
  return { template, args };
}

/**
 * Checks the options against the alerter's schema (the one lint uses), then what it cannot say
 * (the key's source, formats, v1), and compiles the event builder.
 */
export function compilePagerDuty(rule: RuleDefinition, all: Match, env: NodeJS.ProcessEnv): CompiledPagerDuty {
  const opts = checkOptions<PagerDutyRaw>(pagerdutySchema, all, (option, message) => optionError(rule, option, message));
  if (opts.pagerduty_api_version === 'v1') {
    throw optionError(
      rule,
      'pagerduty_api_version',
      'v1 (the Events API v1) is not supported: remove the option or set v2; the Events API v2 accepts the same integration key',
    );
  }
  const routingKey = secretOption(rule, opts, 'pagerduty_service_key', env);
  if (routingKey === undefined)
    throw optionError(rule, 'pagerduty_service_key', 'is required (or pagerduty_service_key_file / pagerduty_service_key_env)');

  const base = httpUrl(rule, 'pagerduty_api_url', opts.pagerduty_api_url ?? PAGERDUTY_DEFAULT_URL);
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/v2/enqueue`;

  const action = opts.pagerduty_event_type ?? 'trigger';
  const fixedSeverity = opts.pagerduty_v2_payload_severity;
  const client = opts.pagerduty_client_name;
  const incidentKey = formatted(rule, opts, 'pagerduty_incident_key');
  const source = formatted(rule, opts, 'pagerduty_v2_payload_source');
  const component = formatted(rule, opts, 'pagerduty_v2_payload_component');
  const group = formatted(rule, opts, 'pagerduty_v2_payload_group');
  const eventClass = formatted(rule, opts, 'pagerduty_v2_payload_class');
  const details = opts.pagerduty_v2_payload_custom_details ?? {};
  const includeAll = opts.pagerduty_v2_payload_include_all_info ?? true;

  const text = (f: { template: string | undefined; args: string[] | undefined }, match: Match): string =>
    f.template === undefined ? '' : formatArgs(rule, match, f.template, f.args);

  return {
    url,
    routingKey,
    timeoutMs: timeoutOption(rule, opts, 'pagerduty_timeout'),
    tls: tlsOptions(rule, opts, 'pagerduty_ca_certs', 'pagerduty_ignore_ssl_errors'),
    event(alert) {
      const match = alert.match;
      const key = incidentKey.template
        ? text(incidentKey, match)
        : alert.queryKey === undefined
          ? rule.name
          : `${rule.name}:${alert.queryKey}`;
      const customDetails: Record<string, unknown> = {};
      setOwn(customDetails, 'information', alert.text);
      if (includeAll) setOwn(customDetails, 'match', match);
      for (const [name, field] of Object.entries(details)) setOwn(customDetails, name, lookupField(match, field) ?? field);
      const payload: Record<string, unknown> = {
        summary: cut(alert.subject || rule.name, SUMMARY_MAX),
        source: text(source, match) || 'ElastAlert',
        severity: fixedSeverity ?? RULE_SEVERITY[alert.severity ?? ''] ?? 'critical',
        timestamp: new Date(alert.matchTimeMs).toISOString(),
      };
      for (const [field, f] of [
        ['component', component],
        ['group', group],
        ['class', eventClass],
      ] as const) {
        const value = text(f, match);
        if (value !== '') payload[field] = value;
      }
      payload['custom_details'] = customDetails;
      const event: Record<string, unknown> = { routing_key: routingKey, event_action: action, dedup_key: dedupKey(key || rule.name) };
      if (client) event['client'] = client;
      if (alert.kibanaDiscoverUrl) event['client_url'] = alert.kibanaDiscoverUrl;
      event['payload'] = payload;
      return fitEvent(event, customDetails);
    },
  };
}

/**
 * Keeps an event under PagerDuty's 512 KB, which it refuses for good otherwise: drops the match
 * data first, then shortens the alert text, then the custom details altogether.
 */
function fitEvent(event: Record<string, unknown>, details: Record<string, unknown>): Record<string, unknown> {
  const size = (): number => Buffer.byteLength(JSON.stringify(event), 'utf8');
  const room = EVENT_MAX_BYTES - 4096;
  if (size() <= room) return event;
  delete details['match'];
  const info = typeof details['information'] === 'string' ? details['information'] : '';
  // Every UTF-16 unit takes at least one byte of JSON, so cutting the overflow in units converges.
  let keep = info.length - (size() - room);
  while (size() > room && info !== '') {
    if (keep <= 0) {
      details['information'] = '[truncated]';
      break;
    }
    details['information'] = `${cut(info, keep)}\n[truncated]`;
    keep -= Math.max(1, size() - room);
  }
  if (size() > room)
    (event['payload'] as Record<string, unknown>)['custom_details'] = {
      information: '[too large for PagerDuty: see the alert in LogWarden]',
    };
  return event;
}

/** ElastAlert2's `pagerduty` alerter (Events API v2). */
export const createPagerDutyAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  const opts = alerterOptions(ref, rule);
  const compiled = compilePagerDuty(rule, opts, deps.env ?? process.env);
  const client = new HttpClient({
    alerter: 'pagerduty',
    timeoutMs: compiled.timeoutMs,
    tls: compiled.tls,
    tlsHint: 'pagerduty_ca_certs / pagerduty_ignore_ssl_errors',
    proxy: proxyOption(rule, opts, 'pagerduty_proxy'),
    clock: deps.clock,
  });
  return {
    type: 'pagerduty',
    async send(alert: AlertPayload): Promise<void> {
      let body: string;
      try {
        body = JSON.stringify(compiled.event(alert));
      } catch (error) {
        throw new AlerterError('pagerduty', `cannot build the event: ${(error as Error).message}`, false);
      }
      try {
        await client.post(compiled.url, body, { 'Content-Type': 'application/json' }, { secrets: [compiled.routingKey] });
      } catch (error) {
        if (error instanceof HttpFailure && error.status === 429 && error.retryAfterMs === undefined) {
          throw new HttpFailure('pagerduty', error.detail, true, RATE_LIMIT_WAIT_MS, 429);
        }
        throw error;
      }
    },
    async close(): Promise<void> {
      client.close();
    },
  };
};
