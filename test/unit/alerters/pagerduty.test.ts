import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compilePagerDuty, createPagerDutyAlerter, cut, dedupKey } from '../../../alerters/pagerduty/index.ts';
import type { AlertPayload } from '../../../alerters/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { alertOf, hostileValues, httpRule, MATCH, refOf } from './http-fixtures.ts';

const KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const BASE = { pagerduty_service_key: KEY, pagerduty_client_name: 'LogWarden SOC' };

function event(options: Record<string, unknown>, alert: AlertPayload = alertOf(MATCH)): string {
  const rule = httpRule('pagerduty', { ...BASE, ...options });
  return JSON.stringify(compilePagerDuty(rule, rule.options, {}).event(alert));
}

function loadError(options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string {
  const rule = httpRule('pagerduty', options);
  try {
    createPagerDutyAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined, env });
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

const MATCH_JSON = JSON.stringify(MATCH);
const TEXT = 'SSH brute force\\n\\nuser: bob\\n';

describe('PagerDuty Events API v2 event', () => {
  const rows: { why: string; options: Record<string, unknown>; alert?: Partial<AlertPayload>; expected: string }[] = [
    {
      why: 'defaults: trigger, dedup key = rule name, severity critical, source ElastAlert, text and match as details',
      options: {},
      expected: `{"routing_key":"${KEY}","event_action":"trigger","dedup_key":"SSH brute force","client":"LogWarden SOC","payload":{"summary":"SSH brute force","source":"ElastAlert","severity":"critical","timestamp":"2024-05-01T12:00:00.000Z","custom_details":{"information":"${TEXT}","match":${MATCH_JSON}}}}`,
    },
    {
      why: 'query_key value joins the dedup key; rule severity high maps to error; Kibana link as client_url',
      options: {},
      alert: { queryKey: 'bob', severity: 'high', kibanaDiscoverUrl: 'https://kibana.example/app/discover#/x' },
      expected: `{"routing_key":"${KEY}","event_action":"trigger","dedup_key":"SSH brute force:bob","client":"LogWarden SOC","client_url":"https://kibana.example/app/discover#/x","payload":{"summary":"SSH brute force","source":"ElastAlert","severity":"error","timestamp":"2024-05-01T12:00:00.000Z","custom_details":{"information":"${TEXT}","match":${MATCH_JSON}}}}`,
    },
    {
      why: 'every v2 option, formatted with _args from the match and the rule; resolve',
      options: {
        pagerduty_event_type: 'resolve',
        pagerduty_incident_key: 'ssh/{0}/{1}',
        pagerduty_incident_key_args: ['user.name', 'owner'],
        owner: 'secops',
        pagerduty_v2_payload_severity: 'warning',
        pagerduty_v2_payload_source: 'host {0}',
        pagerduty_v2_payload_source_args: ['source.ip'],
        pagerduty_v2_payload_component: 'sshd:{0}',
        pagerduty_v2_payload_component_args: ['source.port'],
        pagerduty_v2_payload_group: 'prod',
        pagerduty_v2_payload_class: 'auth {0}',
        pagerduty_v2_payload_class_args: ['nope'],
        pagerduty_v2_payload_custom_details: { who: 'user.name', hits: 'num_hits', note: 'literal text', flag: 'ok' },
        pagerduty_v2_payload_include_all_info: false,
      },
      expected: `{"routing_key":"${KEY}","event_action":"resolve","dedup_key":"ssh/bob/secops","client":"LogWarden SOC","payload":{"summary":"SSH brute force","source":"host 10.0.0.1","severity":"warning","timestamp":"2024-05-01T12:00:00.000Z","component":"sshd:22","group":"prod","class":"auth <MISSING VALUE>","custom_details":{"information":"${TEXT}","who":"bob","hits":7,"note":"literal text","flag":true}}}`,
    },
    {
      why: 'an incident key without args is used as written',
      options: { pagerduty_incident_key: 'one-incident-{0}' },
      alert: { queryKey: 'bob' },
      expected: `{"routing_key":"${KEY}","event_action":"trigger","dedup_key":"one-incident-{0}","client":"LogWarden SOC","payload":{"summary":"SSH brute force","source":"ElastAlert","severity":"critical","timestamp":"2024-05-01T12:00:00.000Z","custom_details":{"information":"${TEXT}","match":${MATCH_JSON}}}}`,
    },
  ];
  it.each(rows)('$why', ({ options, alert, expected }) => {
    expect(event(options, alertOf(MATCH, alert))).toBe(expected);
  });

  it.each([
    ['critical', 'critical'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'info'],
    ['info', 'info'],
    [undefined, 'critical'],
  ])('rule severity %p -> %p', (severity, expected) => {
    expect(JSON.parse(event({}, alertOf(MATCH, { severity }))).payload.severity).toBe(expected);
  });

  it('summary is cut to 1024 without splitting a character; dedup keys over 255 keep their start and a hash', () => {
    const subject = `${'s'.repeat(1023)}😀tail`;
    const parsed = JSON.parse(event({}, alertOf(MATCH, { subject, queryKey: 'k'.repeat(400) }))) as {
      dedup_key: string;
      payload: { summary: string };
    };
    expect(parsed.payload.summary).toBe('s'.repeat(1023));
    expect(parsed.dedup_key).toHaveLength(255);
    expect(parsed.dedup_key.startsWith('SSH brute force:kkkk')).toBe(true);
    expect(dedupKey('x'.repeat(300))).not.toBe(dedupKey(`${'x'.repeat(299)}y`));
    expect(cut('ab😀', 3)).toBe('ab');
  });

  it('an event over 512 KB loses the match data first, then text, to stay deliverable', () => {
    const big = { blob: 'B'.repeat(400_000), more: 'M'.repeat(200_000) };
    const parsed = JSON.parse(event({}, alertOf(big, { text: 'T'.repeat(600_000) }))) as {
      payload: { custom_details: { information: string; match?: unknown } };
    };
    expect(parsed.payload.custom_details.match).toBeUndefined();
    expect(parsed.payload.custom_details.information.endsWith('\n[truncated]')).toBe(true);
    expect(Buffer.byteLength(event({}, alertOf(big, { text: 'T'.repeat(600_000) })))).toBeLessThanOrEqual(512 * 1024);
  });

  it('hostile values stay data: JSON of the match is byte-exact, args are not expanded twice', () => {
    const hostile = hostileValues();
    const e = JSON.parse(
      event(
        {
          pagerduty_v2_payload_source: '{0}',
          pagerduty_v2_payload_source_args: ['format'],
          pagerduty_incident_key: '{0}',
          pagerduty_incident_key_args: ['jinja'],
        },
        alertOf(hostile),
      ),
    ) as {
      dedup_key: string;
      payload: { source: string; custom_details: { match: unknown } };
    };
    expect(e.payload.source).toBe(hostile['format']);
    expect(e.dedup_key).toBe(hostile['jinja']);
    expect(JSON.stringify(e.payload.custom_details.match)).toBe(JSON.stringify(hostile));
  });

  it('the API URL may be replaced (EU region, relay) and always ends in /v2/enqueue', () => {
    const rule = httpRule('pagerduty', { ...BASE, pagerduty_api_url: 'https://events.eu.pagerduty.com/' });
    expect(compilePagerDuty(rule, rule.options, {}).url.href).toBe('https://events.eu.pagerduty.com/v2/enqueue');
    const plain = httpRule('pagerduty', BASE);
    expect(compilePagerDuty(plain, plain.options, {}).url.href).toBe('https://events.pagerduty.com/v2/enqueue');
  });

  it('the routing key can come from a file or an environment variable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-pd-'));
    writeFileSync(path.join(dir, 'key'), `${KEY}\n`);
    const fromFile = httpRule('pagerduty', { pagerduty_client_name: 'c', pagerduty_service_key_file: path.join(dir, 'key') });
    expect(compilePagerDuty(fromFile, fromFile.options, {}).routingKey).toBe(KEY);
    const fromEnv = httpRule('pagerduty', { pagerduty_client_name: 'c', pagerduty_service_key_env: 'PD_KEY' });
    expect(compilePagerDuty(fromEnv, fromEnv.options, { PD_KEY: KEY }).routingKey).toBe(KEY);
  });
});

describe('PagerDuty options refused at load', () => {
  const rows: [string, Record<string, unknown>, string][] = [
    [
      'no key',
      { pagerduty_client_name: 'c' },
      'pagerduty_service_key: is required (or pagerduty_service_key_file / pagerduty_service_key_env)',
    ],
    [
      'Events API v1',
      { ...BASE, pagerduty_api_version: 'v1' },
      'pagerduty_api_version: v1 (the Events API v1) is not supported: remove the option or set v2',
    ],
    [
      'event type none',
      { ...BASE, pagerduty_event_type: 'none' },
      'pagerduty_event_type: expected one of trigger, resolve, acknowledge, got "none"',
    ],
    [
      'bad severity',
      { ...BASE, pagerduty_v2_payload_severity: 'high' },
      'pagerduty_v2_payload_severity: expected one of critical, error, warning, info, got "high"',
    ],
    [
      'args that do not fit',
      { ...BASE, pagerduty_incident_key: '{0} {1}', pagerduty_incident_key_args: ['a'] },
      'pagerduty_incident_key: cannot be formatted with 1 value(s)',
    ],
    [
      'args not a list',
      { ...BASE, pagerduty_v2_payload_source: '{0}', pagerduty_v2_payload_source_args: 'host' },
      'pagerduty_v2_payload_source_args: expected a list of strings, got "host"',
    ],
    [
      'key twice',
      { ...BASE, pagerduty_service_key_env: 'X' },
      'pagerduty_service_key: set only one of pagerduty_service_key, pagerduty_service_key_env',
    ],
    ['http API URL typo', { ...BASE, pagerduty_api_url: 'events.pagerduty.com' }, 'pagerduty_api_url: is not a valid URL'],
  ];
  it.each(rows)('%s', (_why, options, message) => {
    const error = loadError(options);
    expect(error).toContain(`ssh.yaml: rule "SSH brute force": ${message}`);
    expect(error).not.toContain(KEY);
  });
});
