import { describe, expect, it } from '@jest/globals';
import { alertBody, alertSubject, buildAlertText, matchText } from '../../../src/alert/text.ts';
import { makeRule } from '../ruletypes/fixtures.ts';

const rule = (options: Record<string, unknown>, queryKey?: string[]) =>
  makeRule({ name: 'SSH brute force', queryKey }, { timeframe: undefined, num_events: undefined, ...options });

describe('matchText (ElastAlert2 BasicMatchString)', () => {
  // Expected texts were produced by a Python model of BasicMatchString.__str__ fed the same rule and match.
  const rows: { why: string; options: Record<string, unknown>; fields: Record<string, unknown>; matchString: string; expected: string }[] =
    [
      {
        why: 'no alert_text: rule name, match string, then every field sorted',
        options: {},
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          'SSH brute force\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: 'alert_text without args is used as written, braces and all',
        options: { alert_text: 'Check {0} now {{x}}' },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          'Check {0} now {{x}}\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: 'alert_text_args: dotted paths, literal dotted keys, missing fields, rule options',
        options: {
          alert_text: '{0} from {1} on {2}: {3} / {4} / {5}',
          alert_text_args: ['user', 'source.ip', 'host.name', 'nope', 'owner', 'num_hits'],
          owner: 'secops',
        },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          'bob from 10.0.0.1 on web-1: <MISSING VALUE> / secops / 10\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: 'alert_missing_value replaces the default marker',
        options: { alert_text: '[{0}]', alert_text_args: ['nope'], alert_missing_value: 'n/a' },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          '[n/a]\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: '{} auto-numbering and escapes with args',
        options: { alert_text: '{{{}}} {} {{}}', alert_text_args: ['user', 'count'] },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          '{bob} 3 {}\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: 'alert_text_kw maps fields to keywords',
        options: { alert_text: '{u} from {ip} ({n})', alert_text_kw: { user: 'u', 'source.ip': 'ip', nope: 'n' } },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          'bob from 10.0.0.1 (<MISSING VALUE>)\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: 'falsy rule option: positional args skip it, kw args use it',
        options: { alert_text: '{0}', alert_text_args: ['zero'], zero: 0 },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          '<MISSING VALUE>\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: 'falsy rule option used by alert_text_kw',
        options: { alert_text: '{z}', alert_text_kw: { zero: 'z' }, zero: 0 },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected:
          '0\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
      {
        why: 'alert_text_only: just the text',
        options: { alert_text: 'Only {0}', alert_text_args: ['user'], alert_text_type: 'alert_text_only' },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected: 'Only bob\n\n',
      },
      {
        why: 'exclude_fields: text and match string, no field lines',
        options: { alert_text: 'Text', alert_text_type: 'exclude_fields' },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: 'At least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z',
        expected: 'Text\n\nAt least 3 events occurred between 2024-05-01T11:55:00Z and 2024-05-01T12:00:00Z\n\n',
      },
      {
        why: 'a rule type without a match string (any)',
        options: {},
        fields: { a: 1 },
        matchString: '',
        expected: 'SSH brute force\n\na: 1\n',
      },
      {
        why: 'alert_text ending in one newline gets a blank line',
        options: { alert_text: 'line\n' },
        fields: { a: 1 },
        matchString: '',
        expected: 'line\n\na: 1\n',
      },
      {
        why: 'hostile values are data: never expanded, in text or field lines',
        options: { alert_text: '{0} {1}', alert_text_args: ['evil', 'user'] },
        fields: { evil: '{0}{1}{{', user: 'bob' },
        matchString: '',
        expected: '{0}{1}{{ bob\n\nevil: {0}{1}{{\nuser: bob\n',
      },
      {
        why: 'top counts when top_count_keys is set, largest first, empty ones said so',
        options: { top_count_keys: ['user'] },
        fields: { top_events_user: { bob: 2, alice: 5, carol: 2 }, top_events_host: {}, a: 1 },
        matchString: '',
        expected: 'SSH brute force\n\nuser:\nalice: 5\nbob: 2\ncarol: 2\n\nhost:\nNo events found.\n\na: 1\n',
      },
      {
        why: 'related events and nested values as sorted, indented JSON',
        options: {},
        fields: { related_events: [{ z: 1, a: { y: [1, 2], b: null } }], nested: { b: 1, a: 'é' }, none: null, flag: false, n: 1.5 },
        matchString: '',
        expected:
          'SSH brute force\n\nflag: False\nn: 1.5\nnested: {\n    "a": "é",\n    "b": 1\n}\nnone: None\nrelated_events: [\n    {\n        "a": {\n            "b": null,\n            "y": [\n                1,\n                2\n            ]\n        },\n        "z": 1\n    }\n]\n',
      },
      {
        why: 'lists and dicts as alert_text args show as Python shows them',
        options: { alert_text: '{0} | {1} | {2}', alert_text_args: ['tags', 'source', 'ok'] },
        fields: {
          '@timestamp': '2024-05-01T12:00:00Z',
          user: 'bob',
          source: { ip: '10.0.0.1', port: 22 },
          'host.name': 'web-1',
          count: 3,
          tags: ['b', 'a'],
          ok: true,
          num_hits: 10,
          _id: 'x1',
        },
        matchString: '',
        expected:
          '[\'b\', \'a\'] | {\'ip\': \'10.0.0.1\', \'port\': 22} | True\n\n@timestamp: 2024-05-01T12:00:00Z\n_id: x1\ncount: 3\nhost.name: web-1\nnum_hits: 10\nok: True\nsource: {\n    "ip": "10.0.0.1",\n    "port": 22\n}\ntags: [\n    "b",\n    "a"\n]\nuser: bob\n',
      },
    ];
  it.each(rows)('$why', ({ options, fields, matchString, expected }) => {
    expect(matchText(rule(options), fields, matchString)).toBe(expected);
  });

  it('renders a Jinja alert_text alone, without match string or field lines (alert_text_jinja)', () => {
    expect(matchText(rule({ alert_text: 'User {{ user }}', alert_text_type: 'alert_text_jinja' }), { user: 'bob' }, 'M')).toBe(
      'User bob\n\n',
    );
  });

  it('names the rule when alert_text_args is not a list', () => {
    expect(() => matchText(rule({ alert_text: '{0}', alert_text_args: 'user' }), {}, '')).toThrow(
      /rule "SSH brute force" \(test.yaml\): alert_text_args must be a list/,
    );
  });
});

describe('alertSubject (ElastAlert2 create_title)', () => {
  const fields = { user: 'bob', source: { ip: '10.0.0.1' }, 'host,user': 'h1, bob', evil: '{0}{1}' };
  const rows: { why: string; options: Record<string, unknown>; queryKey?: string[]; style?: 'plain' | 'email'; expected: string }[] = [
    { why: 'no alert_subject: the rule name (base alerter)', options: {}, expected: 'SSH brute force' },
    {
      why: 'no alert_subject, email style: prefix and the query_key value',
      options: {},
      queryKey: ['user'],
      style: 'email',
      expected: 'ElastAlert: SSH brute force - bob',
    },
    { why: 'email style without query_key', options: {}, style: 'email', expected: 'ElastAlert: SSH brute force' },
    {
      why: 'email style reads the query_key only as a top-level field, as ElastAlert2',
      options: {},
      queryKey: ['source.ip'],
      style: 'email',
      expected: 'ElastAlert: SSH brute force',
    },
    {
      why: 'email style with a compound key uses the joined field',
      options: {},
      queryKey: ['host', 'user'],
      style: 'email',
      expected: 'ElastAlert: SSH brute force - h1, bob',
    },
    { why: 'alert_subject without args is used as written', options: { alert_subject: 'Alert {0} {{x}}' }, expected: 'Alert {0} {{x}}' },
    {
      why: 'alert_subject_args by field path',
      options: { alert_subject: '{0} from {1}', alert_subject_args: ['user', 'source.ip'] },
      expected: 'bob from 10.0.0.1',
    },
    {
      why: 'a missing arg shows alert_missing_value',
      options: { alert_subject: 'x={}', alert_subject_args: ['nope'] },
      expected: 'x=<MISSING VALUE>',
    },
    {
      why: 'a missing field falls back to the rule option of that name',
      options: { alert_subject: '[{0}] {1}', alert_subject_args: ['severity', 'name'], severity: 'high' },
      expected: '[high] SSH brute force',
    },
    {
      why: 'a hostile value is inserted, not expanded',
      options: { alert_subject: '{0}|{1}', alert_subject_args: ['evil', 'user'] },
      expected: '{0}{1}|bob',
    },
    { why: 'alert_subject_max_len truncates', options: { alert_subject: 'abcdefghijklmnop', alert_subject_max_len: 5 }, expected: 'abcde' },
    { why: 'a non-text alert_subject is shown as Python str() shows it', options: { alert_subject: 42 }, expected: '42' },
  ];
  it.each(rows)('$why', ({ options, queryKey, style, expected }) => {
    expect(alertSubject(rule(options, queryKey), fields, style ? { defaultTitle: style } : {})).toBe(expected);
  });

  it('renders a Jinja subject when alert_text_type is alert_text_jinja and there are no args', () => {
    expect(alertSubject(rule({ alert_subject: '{{ user }} at {{ source.ip }}', alert_text_type: 'alert_text_jinja' }), fields)).toBe(
      'bob at 10.0.0.1',
    );
  });
});

describe('alertBody and buildAlertText', () => {
  it('several matches are separated by a dashed line after each', () => {
    const r = rule({ alert_text: 'A {0}', alert_text_args: ['n'], alert_text_type: 'alert_text_only' });
    const body = alertBody(r, [
      { fields: { n: 1 }, matchString: '' },
      { fields: { n: 2 }, matchString: '' },
    ]);
    expect(body).toBe('A 1\n\n\n----------------------------------------\nA 2\n\n\n----------------------------------------\n');
  });

  it('aggregation_summary_only leaves no per-match text (the summary table is not produced)', () => {
    expect(alertBody(rule({ alert_text_type: 'aggregation_summary_only' }), [{ fields: { n: 1 }, matchString: '' }])).toBe('');
  });

  it('buildAlertText gives subject and single-match body together', () => {
    const r = rule({ alert_subject: 'S {0}', alert_subject_args: ['n'] });
    expect(buildAlertText(r, { n: 7 }, 'M')).toEqual({ subject: 'S 7', body: 'SSH brute force\n\nM\n\nn: 7\n' });
  });
});

describe('escape: applied to document-derived parts only', () => {
  // Wraps each escaped piece so the tests show exactly what went through the escape.
  const wrap = (v: string) => `«${v}»`;
  const slack = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  it('alert_text/alert_subject args, match string and field lines (keys and values) are escaped; template text and rule name are not', () => {
    const r = makeRule(
      { name: 'Rule <b>' },
      {
        timeframe: undefined,
        num_events: undefined,
        alert_text: '<!here> {0} did {1:>4}',
        alert_text_args: ['user', 'n'],
        alert_subject: 'S <!here> {0}',
        alert_subject_args: ['user'],
      },
    );
    const out = buildAlertText(r, { user: '<!channel>', 'k<': 'v', n: 7 }, 'M <x>', { escape: wrap });
    expect(out.subject).toBe('S <!here> «<!channel>»');
    expect(out.body).toBe('<!here> «<!channel>» did «   7»\n\n«M <x>»\n\n«k<»: «v»\n«n»: «7»\n«user»: «<!channel>»\n');
  });

  it('the rule name heading a text without alert_text is not escaped, an empty match string adds nothing', () => {
    const r = makeRule({ name: 'Rule <b>' }, { timeframe: undefined, num_events: undefined });
    expect(matchText(r, { a: 1 }, '', { escape: wrap })).toBe('Rule <b>\n\n«a»: «1»\n');
  });

  it('alert_text_kw values and the missing-value marker are escaped', () => {
    const r = rule({ alert_text: '[{u}] [{m}]', alert_text_kw: { user: 'u', nope: 'm' } });
    expect(matchText(r, { user: 'bob' }, '', { escape: wrap })).toBe('[«bob»] [«<MISSING VALUE>»]\n\n«user»: «bob»\n');
  });

  it('top counts: field names and terms escaped, our own words not', () => {
    const r = rule({ top_count_keys: ['user'], alert_text: 'T', alert_text_type: 'exclude_fields' });
    expect(matchText(r, { top_events_user: { '<a>': 2 }, top_events_x: {} }, '', { escape: wrap })).toBe(
      'T\n\n«user»:\n«<a>»: «2»\n\n«x»:\nNo events found.\n\n',
    );
  });

  it('the email title escapes the query_key value only', () => {
    const r = rule({}, ['user']);
    expect(alertSubject(r, { user: '<!channel>' }, { defaultTitle: 'email', escape: wrap })).toBe(
      'ElastAlert: SSH brute force - «<!channel>»',
    );
  });

  it('document values {0}, {{x}} and }} are inserted as data, never expanded, escaped or not', () => {
    const r = rule({ alert_text: '{0}|{1}|{2}', alert_text_args: ['a', 'b', 'c'], alert_text_type: 'alert_text_only' });
    const fields = { a: '{0}', b: '{{x}}', c: '}}' };
    expect(matchText(r, fields, '')).toBe('{0}|{{x}}|}}\n\n');
    expect(matchText(r, fields, '', { escape: wrap })).toBe('«{0}»|«{{x}}»|«}}»\n\n');
  });

  it("with a Slack escape, the rule's <!here> stays a mention while a value's <!channel> is text", () => {
    const r = rule({
      alert_text: '<!here> login by {0}',
      alert_text_args: ['user'],
      alert_text_type: 'alert_text_only',
      alert_subject: '<!here> {0}',
      alert_subject_args: ['user'],
    });
    const out = buildAlertText(r, { user: '<!channel> & co' }, '', { escape: slack });
    expect(out.body).toBe('<!here> login by &lt;!channel&gt; &amp; co\n\n');
    expect(out.subject).toBe('<!here> &lt;!channel&gt; &amp; co');
  });

  it('alert_subject_max_len counts plain characters and cuts before escaping, so no escape is split', () => {
    const r = rule({ alert_subject: 'ab{0}', alert_subject_args: ['v'], alert_subject_max_len: 4 });
    expect(alertSubject(r, { v: '<<<<' }, { escape: slack })).toBe('ab&lt;&lt;');
  });

  it('without escape the text is the same as before (plain)', () => {
    const r = rule({ alert_text: '<!here> {0}', alert_text_args: ['user'] });
    expect(matchText(r, { user: '<x>' }, 'M')).toBe('<!here> <x>\n\nM\n\nuser: <x>\n');
  });
});
