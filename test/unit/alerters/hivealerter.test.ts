import { describe, expect, it } from '@jest/globals';
import { compileHive, createHiveAlerter, parseClassic, renderClassic } from '../../../alerters/hivealerter/index.ts';
import type { AlertPayload } from '../../../alerters/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { ALERT_ID, alertOf, hostileValues, httpRule, refOf, T0 } from './http-fixtures.ts';

const APIKEY = 'APIKEY-secret-0123456789';
const CONNECTION = { hive_host: 'http://localhost', hive_port: 9000, hive_apikey: APIKEY };
const MATCH = {
  data: { source: 'fw', title: 'Port scan', type: 'recon' },
  agent: { hostname: 'web-1' },
  response: { domain: 'evil.example' },
  client: { ip: ['1.2.3.4', '5.6.7.8', '1.2.3.4'] },
  description: 'desc',
  risk: 73,
  user: 'bob',
};

function hiveRule(options: Record<string, unknown>) {
  return httpRule('hivealerter', { hive_connection: CONNECTION, ...options });
}

function body(options: Record<string, unknown>, alert: AlertPayload = alertOf(MATCH)): string {
  const rule = hiveRule(options);
  return JSON.stringify(compileHive(rule, rule.options, {}).body(alert, T0));
}

function loadError(options: Record<string, unknown>): string {
  const rule = httpRule('hivealerter', options);
  try {
    createHiveAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined, env: {} });
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

const MIN = { type: 'alert', source: 'siem' };

describe('TheHive alert (ElastAlert2 hive_alert_config)', () => {
  it('the ElastAlert2 documentation example, body keys sorted as json.dumps(sort_keys=True)', () => {
    const options = {
      hive_alert_config: {
        customFields: [{ name: 'example', type: 'string', value: 'example' }],
        follow: true,
        severity: 2,
        status: 'New',
        source: 'src-{}',
        source_args: ['data.source'],
        description_args: ['name', 'description'],
        description: '{0} : {1}',
        tags: ['tag1', 'tag2'],
        title: 'Title {}',
        title_args: ['data.title'],
        tlp: 3,
        type: 'type-{}',
        type_args: ['data.type'],
      },
      hive_observable_data_mapping: [
        { domain: 'agent.hostname', tlp: 1, tags: ['tag1', 'tag2'], message: 'agent hostname' },
        { domain: 'response.domain', tlp: 2, tags: ['tag3'] },
        { ip: 'client.ip' },
      ],
    };
    expect(body(options)).toBe(
      '{"artifacts":[' +
        '{"data":"web-1","dataType":"domain","message":"agent hostname","tags":["tag1","tag2"],"tlp":1},' +
        '{"data":"evil.example","dataType":"domain","message":null,"tags":["tag3"],"tlp":2},' +
        '{"data":"1.2.3.4","dataType":"ip","message":null,"tags":[],"tlp":2},' +
        '{"data":"5.6.7.8","dataType":"ip","message":null,"tags":[],"tlp":2}],' +
        '"customFields":{"example":{"order":0,"string":"example"}},' +
        `"date":${T0},"description":"SSH brute force : desc","follow":true,"severity":2,"source":"src-fw",` +
        `"sourceRef":"${ALERT_ID}","status":"New","tags":["tag1","tag2"],"title":"Title Port scan","tlp":3,"type":"type-recon"}`,
    );
  });

  const rows: { why: string; options: Record<string, unknown>; alert?: Partial<AlertPayload>; expected: string }[] = [
    {
      why: 'minimal: title and description from the alert, severity from the rule, sourceRef = alert id',
      options: { hive_alert_config: MIN },
      alert: { severity: 'high', subject: 'Subject', text: 'Body' },
      expected: `{"artifacts":[],"customFields":{},"date":${T0},"description":"Body","severity":3,"source":"siem","sourceRef":"${ALERT_ID}","tags":[],"title":"Subject","type":"alert"}`,
    },
    {
      why: 'tags: a field value (lists spread), else a rule option, else the text itself; duplicates once',
      options: { owner: 'secops', hive_alert_config: { ...MIN, tags: ['user', 'client.ip', 'owner', 'literal-tag', 'user'] } },
      alert: { subject: 'S', text: 'T' },
      expected: `{"artifacts":[],"customFields":{},"date":${T0},"description":"T","severity":2,"source":"siem","sourceRef":"${ALERT_ID}","tags":["bob","1.2.3.4","5.6.7.8","secops","literal-tag"],"title":"S","type":"alert"}`,
    },
    {
      why: 'customFields: text values name a field when one exists; numbers stay numbers; order follows the list',
      options: {
        hive_alert_config: {
          ...MIN,
          customFields: [
            { name: 'risk', type: 'integer', value: 'risk' },
            { name: 'note', type: 'string', value: 'General description.' },
            { name: 'n', type: 'integer', value: 5 },
          ],
        },
      },
      alert: { subject: 'S', text: 'T' },
      expected: `{"artifacts":[],"customFields":{"n":{"integer":5,"order":2},"note":{"order":1,"string":"General description."},"risk":{"integer":73,"order":0}},"date":${T0},"description":"T","severity":2,"source":"siem","sourceRef":"${ALERT_ID}","tags":[],"title":"S","type":"alert"}`,
    },
    {
      why: 'severity from a field through severity_scale; missing args use <field>_missing_value',
      options: {
        severity_scale: [
          { min: 0, max: 20, severity: 1 },
          { min: 21, max: 60, severity: 2 },
          { min: 61, max: 100, severity: 4 },
        ],
        hive_alert_config: {
          ...MIN,
          severity: 'risk',
          title: '{0}/{1}',
          title_args: ['user', 'nope'],
          title_missing_value: '?',
          sourceRef: 'fixed-ref',
          pap: 2,
        },
      },
      alert: { text: 'T' },
      expected: `{"artifacts":[],"customFields":{},"date":${T0},"description":"T","pap":2,"severity":4,"source":"siem","sourceRef":"fixed-ref","tags":[],"title":"bob/?","type":"alert"}`,
    },
    {
      why: 'observables: missing fields are skipped, a rule option fills in, identical ones sent once',
      options: {
        analyst_host: 'soc-1',
        hive_observable_data_mapping: [{ ip: 'nope' }, { hostname: 'analyst_host' }, { ip: 'client.ip' }, { ip: 'client.ip' }],
        hive_alert_config: MIN,
      },
      alert: { subject: 'S', text: 'T' },
      expected: `{"artifacts":[{"data":"soc-1","dataType":"hostname","message":null,"tags":[],"tlp":2},{"data":"1.2.3.4","dataType":"ip","message":null,"tags":[],"tlp":2},{"data":"5.6.7.8","dataType":"ip","message":null,"tags":[],"tlp":2}],"customFields":{},"date":${T0},"description":"T","severity":2,"source":"siem","sourceRef":"${ALERT_ID}","tags":[],"title":"S","type":"alert"}`,
    },
  ];
  it.each(rows)('$why', ({ options, alert, expected }) => {
    expect(body(options, alertOf(MATCH, alert))).toBe(expected);
  });

  it('hostile values are data: format fields inside a value are not expanded, the JSON is exact', () => {
    const hostile = hostileValues();
    const parsed = JSON.parse(
      body(
        {
          hive_alert_config: {
            ...MIN,
            title: '{0}|{1}',
            title_args: ['format', 'jinja'],
            tags: ['jndi', 'script'],
            customFields: [{ name: 'q', type: 'string', value: 'quotes' }],
          },
          hive_observable_data_mapping: [{ other: 'control' }, { other: 'long' }, { url: 'lines' }],
        },
        alertOf(hostile, { text: String(hostile['backslashes']) }),
      ),
    ) as { title: string; tags: string[]; description: string; customFields: { q: { string: string } }; artifacts: { data: string }[] };
    expect(parsed.title).toBe(`${String(hostile['format'])}|${String(hostile['jinja'])}`);
    expect(parsed.tags).toEqual([hostile['jndi'], hostile['script']]);
    expect(parsed.description).toBe(hostile['backslashes']);
    expect(parsed.customFields.q.string).toBe(hostile['quotes']);
    expect(parsed.artifacts.map((a) => a.data)).toEqual([hostile['control'], hostile['long'], hostile['lines']]);
  });
});

describe('classic hive_alert_config_type ({match[...]} / {rule[...]})', () => {
  it('formats strings, numbers in tlp/severity, custom fields and observables; skips observables with missing fields', () => {
    const options = {
      hive_alert_config_type: 'classic',
      hive_alert_config: {
        type: 'test',
        source: 'elastalert-{rule[name]}',
        severity: '{match[risk]:.0f}',
        tlp: '2',
        tags: ['malicious behavior', '{match[user]}', '{broken'],
        status: 'New',
        follow: true,
        customFields: { who: { type: 'string', value: '{match[user]} on {match[agent][hostname]}' } },
      },
      hive_observable_data_mapping: [{ ip: '{match[client][ip][1]}' }, { domain: '{match[response][domain]}', fqdn: '{match[nope]}' }],
    };
    expect(body(options, alertOf(MATCH, { subject: 'S', text: 'T' }))).toBe(
      '{"artifacts":[{"data":"5.6.7.8","dataType":"ip","message":null,"tags":[],"tlp":2},{"data":"evil.example","dataType":"domain","message":null,"tags":[],"tlp":2}],' +
        '"customFields":{"who":{"order":0,"string":"bob on web-1"}},' +
        `"date":${T0},"description":"T","follow":true,"severity":73,"source":"elastalert-SSH brute force","sourceRef":"${ALERT_ID}","status":"New",` +
        '"tags":["malicious behavior","bob","{broken"],"title":"S","tlp":2,"type":"test"}',
    );
  });

  it('the formatter: escapes, dotted names, missing marker, secrets withheld, values never re-read', () => {
    const rule = hiveRule({ owner: 'secops' });
    const t = parseClassic('{{x}} {match[a.b]} {match[v]} {rule[owner]} {rule[hive_connection][hive_apikey]} {match[nope]}');
    expect(renderClassic(t, rule, { 'a.b': 1, v: '{match[a.b]}' }, '-')).toBe('{x} 1 {match[a.b]} secops - -');
    expect(renderClassic(parseClassic('{match[nope]}'), rule, {}, undefined)).toBeUndefined();
    expect(() => parseClassic('{0}')).toThrow('only {match[field]} and {rule[option]} fields are supported');
    expect(() => parseClassic('a } b')).toThrow('single "}"');
  });
});

describe('TheHive connection', () => {
  const url = (connection: Record<string, unknown>): string => {
    const rule = httpRule('hivealerter', { hive_connection: { hive_apikey: APIKEY, ...connection }, hive_alert_config: MIN });
    return compileHive(rule, rule.options, {}).url.href;
  };
  it.each([
    [{}, 'http://localhost:9000/api/alert'],
    [{ hive_host: 'https://hive.example.com', hive_port: 443 }, 'https://hive.example.com/api/alert'],
    [{ hive_host: 'https://hive.example.com', hive_port: '9443' }, 'https://hive.example.com:9443/api/alert'],
    [{ hive_host: 'https://hive.example.com:8443/thehive/' }, 'https://hive.example.com:8443/thehive/api/alert'],
  ])('%p -> %s', (connection, expected) => {
    expect(url(connection)).toBe(expected);
  });

  it('verifies TLS by default (ElastAlert2 does not); hive_verify: false turns it off', () => {
    const on = hiveRule({ hive_alert_config: MIN });
    expect(compileHive(on, on.options, {}).tls).toEqual({ rejectUnauthorized: true });
    const off = httpRule('hivealerter', { hive_connection: { ...CONNECTION, hive_verify: false }, hive_alert_config: MIN });
    expect(compileHive(off, off.options, {}).tls).toEqual({ rejectUnauthorized: false });
  });

  it('the API key may come from an environment variable', () => {
    const rule = httpRule('hivealerter', { hive_connection: { hive_apikey_env: 'HIVE_KEY' }, hive_alert_config: MIN });
    expect(compileHive(rule, rule.options, { HIVE_KEY: APIKEY }).apiKey).toBe(APIKEY);
  });
});

describe('TheHive options refused at load', () => {
  const rows: [string, Record<string, unknown>, string][] = [
    ['no connection', { hive_alert_config: MIN }, 'hive_connection: is required'],
    [
      'connection not a mapping',
      { hive_connection: 'http://h', hive_alert_config: MIN },
      'hive_connection: expected a mapping, got a string (value hidden: it is a secret)',
    ],
    [
      'port out of range',
      { hive_connection: { ...CONNECTION, hive_port: '70000' }, hive_alert_config: MIN },
      'hive_connection.hive_port: must be a port number',
    ],
    [
      'bad severity scale',
      { hive_connection: CONNECTION, hive_alert_config: MIN, severity_scale: [{ min: 0, max: 5, severity: 7 }] },
      'severity_scale[0].severity: expected one of 1, 2, 3, 4, got 7',
    ],
    ['no API key', { hive_connection: { hive_host: 'http://h' }, hive_alert_config: MIN }, 'hive_connection.hive_apikey: is required'],
    ['no type', { hive_connection: CONNECTION, hive_alert_config: { source: 's' } }, 'hive_alert_config.type: is required by TheHive'],
    [
      'title_args without title',
      { hive_connection: CONNECTION, hive_alert_config: { ...MIN, title_args: ['user'] } },
      'hive_alert_config.title_args: needs hive_alert_config.title',
    ],
    [
      'format that cannot work',
      { hive_connection: CONNECTION, hive_alert_config: { ...MIN, title: '{0} {1}', title_args: ['a'] } },
      'hive_alert_config.title: cannot be formatted with 1 value(s)',
    ],
    [
      'severity field without scale',
      { hive_connection: CONNECTION, hive_alert_config: { ...MIN, severity: 'risk' } },
      'hive_alert_config.severity: must be 1-4, or a document field with severity_scale',
    ],
    [
      'observable without field',
      { hive_connection: CONNECTION, hive_alert_config: MIN, hive_observable_data_mapping: [{ tlp: 1 }] },
      'hive_observable_data_mapping[0]: must map a TheHive data type to a document field',
    ],
    [
      'unknown config type',
      { hive_connection: CONNECTION, hive_alert_config: MIN, hive_alert_config_type: 'jinja' },
      'hive_alert_config_type: expected one of custom, classic, got "jinja"',
    ],
    [
      'classic with a positional field',
      { hive_connection: CONNECTION, hive_alert_config_type: 'classic', hive_alert_config: { ...MIN, title: 'x {0}' } },
      'hive_alert_config.title: "x {0}": only {match[field]} and {rule[option]} fields are supported',
    ],
    [
      'port twice',
      { hive_connection: { ...CONNECTION, hive_host: 'http://h:1' }, hive_alert_config: MIN },
      'hive_connection.hive_port: is set but hive_host already names a port',
    ],
  ];
  it.each(rows)('%s', (_why, options, message) => {
    const error = loadError(options);
    expect(error).toContain(`ssh.yaml: rule "SSH brute force": ${message}`);
    expect(error).not.toContain(APIKEY);
  });
});
